// npm run data:purge -- --before 2026-10-01   (or --before 2026-10-01T00:00:00Z)
// Deletes reports, incidents, message logs, MessageSid records and reporters' hashes older than the date, now,
// instead of waiting for RETENTION_DAYS. Stopped numbers are kept. Leaves an audit line with counts.
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createRepositories } from '../src/deps.js';
import { createPhoneVault } from '../src/crypto/phones.js';
import { createLogger } from '../src/log.js';
import { configOrExit } from '../src/server.js';
import { purgeBefore } from '../src/services/retention.js';

const { values } = parseArgs({ options: { before: { type: 'string' } }, strict: true });
const before = values.before ? Date.parse(values.before) : Number.NaN;
if (Number.isNaN(before)) {
  process.stderr.write('data:purge: --before DATE is required (e.g. --before 2026-10-01)\n');
  process.exit(1);
}

const config = configOrExit();
const db = openDatabase(config.databasePath);
applyMigrations(db);
const repos = createRepositories(db, createPhoneVault(config.keys));
const counts = await purgeBefore({ db, repos, now: Date.now, log: createLogger('silent') }, before);
db.$client.close();
process.stdout.write(`purged before ${new Date(before).toISOString()}: ${JSON.stringify(counts)}\n`);
