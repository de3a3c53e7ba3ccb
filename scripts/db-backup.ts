// npm run db:backup -- /backups/centinela.db
// Copies the database with SQLite's online backup, safe while the app runs, to /backups/centinela-<UTC time>.db
// (e.g. centinela-20261129T031500Z.db), then deletes its own earlier backups in that folder (the same name with
// an older time) made more than RETENTION_DAYS ago: a backup must not keep data longer than the database does.
// The copy gets the 24-hour wipe as of its own time before it is put in place, so it ties no report older than a
// day to a number, even if the app's wipe is behind. Phone numbers stay encrypted in the copy and the keys are not
// in it; report texts are plain. Restore with npm run db:restore (docs/DEPLOY.md).
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createPhoneVault } from '../src/crypto/phones.js';
import { openDatabase } from '../src/db/client.js';
import { createRetentionRepository } from '../src/db/repositories/retention.js';
import { createSeenRepository } from '../src/db/repositories/seen.js';
import { configOrExit } from '../src/server.js';
import { forgetReporterNumbers } from '../src/services/retention.js';

const DAY_MS = 86_400_000;
// Copied in one step: in WAL mode the copy reads one snapshot and writers are never blocked, so the backup can't
// be restarted over and over by a busy line, as page-by-page steps would be.
const ALL_PAGES = 0x7fffffff;

const target = process.argv[2];
if (!target || target.startsWith('-')) {
  process.stderr.write('db:backup: give the backup file, e.g. npm run db:backup -- /backups/centinela.db\n');
  process.exit(1);
}
const config = configOrExit();
// The copy is as sensitive as the database: readable by this user only.
/** A backup takes seconds to minutes; a partial copy this old belongs to a run that died. */
const ABANDONED_AFTER_MS = 60 * 60_000;
process.umask(0o077);

const now = Date.now();
const dir = dirname(resolve(target));
const extension = extname(target) || '.db';
const stem = basename(target, extname(target));
const file = join(dir, `${stem}-${timestamp(now)}${extension}`);
mkdirSync(dir, { recursive: true, mode: 0o700 });

const source = new Database(config.databasePath, { readonly: true, fileMustExist: true });
// Written under another name and renamed once complete: a half-written copy is never taken for a backup.
const partial = `${file}.partial`;
try {
  await source.backup(partial, { progress: () => ALL_PAGES });
} finally {
  source.close();
}
// The app's own wipe, with this backup's time, on the copy; then VACUUM, so that no free page of the file keeps
// what it unlinked (the connection deletes securely too, as the app's does).
const copy = openDatabase(partial);
try {
  const repos = { retention: createRetentionRepository(copy), seen: createSeenRepository(copy, createPhoneVault(config.keys)) };
  await forgetReporterNumbers({ repos, config, now: () => now });
  copy.$client.exec('VACUUM');
  copy.$client.close();
} catch (error) {
  // An unwiped copy is never left behind.
  copy.$client.close();
  for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(leftover, { force: true });
  throw error;
}
renameSync(partial, file);
process.stdout.write(`backed up to ${file}\n`);

// Only files this script names: <stem>-<time><extension>, in the folder it writes to.
const own = new RegExp(`^${escapeRegExp(stem)}-(\\d{8}T\\d{6}Z)${escapeRegExp(extension)}(\\.partial(?:-wal|-shm)?)?$`);
const expired = now - config.retentionDays * DAY_MS;
for (const name of readdirSync(dir)) {
  const [, made, partialCopy] = own.exec(name) ?? [];
  if (!made || join(dir, name) === file) continue;
  // A copy left half-done by a run that was killed has not been wiped: it goes once it is clearly abandoned.
  const abandoned = partialCopy !== undefined && parseTimestamp(made) < now - ABANDONED_AFTER_MS;
  if (!abandoned && !(parseTimestamp(made) < expired)) continue;
  rmSync(join(dir, name), { force: true });
  process.stdout.write(`deleted ${join(dir, name)} (${abandoned ? 'left unfinished by an earlier run' : `older than RETENTION_DAYS=${config.retentionDays}`})\n`);
}

/** 20261129T031500Z: sorts by time, and holds no characters a file system or a shell minds. */
function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

function parseTimestamp(stamp: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : Number.NaN;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
