// npm run db:restore -- /backups/centinela-20261129T031500Z.db [--replace]
// With the app stopped (web and workers): checks the backup (SQLite's integrity check; its phone numbers open with
// this DATA_KEY and hash under this HASH_KEY to what it stored), then puts it in place as DATABASE_PATH. An
// existing database is replaced only with --replace.
// Start the app afterwards: migrations bring an older backup up to date.
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { isNotNull } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { createPhoneVault } from '../src/crypto/phones.js';
import * as schema from '../src/db/schema.js';
import { configOrExit } from '../src/server.js';

const { values, positionals } = parseArgs({ options: { replace: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
const backup = positionals[0];
if (!backup || positionals.length > 1) fail('give one backup file, e.g. npm run db:restore -- /backups/centinela-20261129T031500Z.db');
if (!existsSync(backup)) fail(`${backup} does not exist`);
const config = configOrExit();
const target = config.databasePath;

const copy = new Database(backup, { readonly: true, fileMustExist: true });
try {
  const check = copy.pragma('integrity_check', { simple: true });
  if (check !== 'ok') fail(`${backup} is not a sound database (integrity check: ${String(check)})`);
  // A backup whose numbers this DATA_KEY can't open would leave every member unreachable; one whose hashes this
  // HASH_KEY does not make would know no one who texts (members, STOPs), and keep texting those who said STOP.
  const sample = drizzle(copy, { schema })
    .select({ phoneEnc: schema.contacts.phoneEnc, phoneHash: schema.contacts.phoneHash })
    .from(schema.contacts)
    .where(isNotNull(schema.contacts.phoneEnc))
    .limit(1)
    .get();
  if (sample?.phoneEnc) {
    const vault = createPhoneVault(config.keys);
    let phone: string;
    try {
      phone = vault.decrypt(sample.phoneEnc);
    } catch {
      fail('the phone numbers in this backup do not open with DATA_KEY (or DATA_KEY_PREVIOUS): set the keys it was made with');
    }
    if (vault.hash(phone) !== sample.phoneHash) fail('the phone numbers in this backup were not hashed with this HASH_KEY: set the HASH_KEY it was made with');
  }
} finally {
  copy.close();
}

if (existsSync(target)) {
  if (!values.replace) fail(`${target} exists: stop the app, then run again with --replace to overwrite it`);
  if (inUse(target)) fail(`${target} is open in a running process: stop the app (web and workers) first`);
}
// The old write-ahead log must not be replayed over the restored file; the copy goes in place by a rename, so a
// crash half-way leaves the old database or the new one, never a mix.
process.umask(0o077);
mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
const incoming = `${target}.restoring`;
copyFileSync(backup, incoming);
chmodSync(incoming, 0o600);
for (const leftover of [`${target}-wal`, `${target}-shm`, `${target}-journal`]) rmSync(leftover, { force: true });
renameSync(incoming, target);
process.stdout.write(`restored ${backup} to ${target}; start the app\n`);

/** True while another connection has the database open (WAL mode keeps a shared lock an exclusive one can't pass). */
function inUse(path: string): boolean {
  const probe = new Database(path, { timeout: 0, fileMustExist: true });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE; COMMIT');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  } finally {
    probe.close();
  }
}

function fail(message: string): never {
  process.stderr.write(`db:restore: ${message}\n`);
  process.exit(1);
}
