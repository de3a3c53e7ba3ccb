// Backups: npm run db:backup copies the running database with SQLite's online backup and deletes its own backups
// older than RETENTION_DAYS; the restore procedure of docs/DEPLOY.md brings the data back, readable with the keys.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runEntry } from '../support/processes.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { startSystem, TestClock, testKeys, type TestSystem } from '../support/system.js';

let system: TestSystem | undefined;
const folders: string[] = [];
afterEach(async () => {
  await system?.close();
  system = undefined;
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const DAY = 86_400_000;
const folder = () => {
  const path = mkdtempSync(join(tmpdir(), 'centinela-backup-'));
  folders.push(path);
  return path;
};
/** The backup file name's time, as db:backup writes it: 20261129T031500Z. */
const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');

describe('backups', () => {
  it('item 6: db:backup copies the running database and prunes its own old backups; restored, the data is there and readable with the same keys', async () => {
    const keys = testKeys();
    system = await startSystem({ env: keys });
    const s = system;
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155551051', '+14155551052']);
    await s.text('+14155551053', 'ICE van outside the laundromat 94110');
    await s.idle();

    const backups = folder();
    const tooOld = `centinela-${stamp(Date.now() - (s.config.retentionDays + 1) * DAY)}.db`;
    const recent = `centinela-${stamp(Date.now() - 2 * DAY)}.db`;
    // A copy a killed run left unfinished (and so unwiped) hours ago goes too, with its journal files.
    const abandoned = [`centinela-${stamp(Date.now() - 3 * 3600_000)}.db.partial`, `centinela-${stamp(Date.now() - 3 * 3600_000)}.db.partial-wal`];
    // Not its own: another name, another pattern, or the operator's own copy.
    const others = [`other-${stamp(0)}.db`, 'centinela-before-upgrade.db', `centinela-${stamp(0)}.db.gpg`];
    for (const name of [tooOld, recent, ...abandoned, ...others]) writeFileSync(join(backups, name), 'not really a backup');

    // The app keeps taking texts while the backup runs.
    const env = { DATABASE_PATH: s.config.databasePath, ...keys };
    const backup = runEntry('scripts/db-backup.ts', { cwd: s.dir, env, args: [join(backups, 'centinela.db')] });
    const during = await Promise.all(['+14155551054', '+14155551055'].map((from) => s.sms(from, 'raid at the bus stop 94110')));
    expect(during.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(await backup.exited).toBe(0);

    const made = readdirSync(backups).filter((name) => /^centinela-\d{8}T\d{6}Z\.db$/.test(name) && name !== recent);
    expect(made).toHaveLength(1);
    const file = join(backups, made[0]!);
    expect(backup.lines[0]).toBe(`backed up to ${file}`);
    expect(readdirSync(backups).sort()).toEqual([made[0], recent, ...others].sort());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Numbers are encrypted in the copy, as in the database.
    const bytes = readFileSync(file).toString('latin1');
    expect(bytes).toContain('ICE van outside the laundromat');
    expect(bytes).not.toMatch(/4155551051|4155551052|4155551053/);

    // The app stops and its data is gone; the restore procedure (docs/DEPLOY.md) puts the backup back.
    await s.close();
    system = undefined;
    expect(existsSync(s.config.databasePath)).toBe(false);
    const restoredPath = join(folder(), 'data', 'centinela.db');
    const restore = runEntry('scripts/db-restore.ts', { cwd: backups, env: { ...env, DATABASE_PATH: restoredPath }, args: [file] });
    expect(await restore.exited).toBe(0);
    expect(restore.lines).toEqual([`restored ${file} to ${restoredPath}; start the app`]);

    system = await startSystem({ env: { ...keys, DATABASE_PATH: restoredPath } });
    const back = system;
    const member = back.deps.repos.contacts.findByPhone('+14155551051');
    expect(member && back.deps.repos.contacts.phoneOf(member)).toBe('+14155551051');
    const dispatcher2 = await back.login();
    expect((await dispatcher2.get('/api/committees')).json()).toEqual([expect.objectContaining({ name: 'Mission' })]);
    expect((await dispatcher2.get('/api/reports')).json()).toEqual(expect.arrayContaining([expect.objectContaining({ text: 'ICE van outside the laundromat 94110' })]));
    // The restored line reaches its members: an alert goes to both numbers.
    const incidentId = await reportIncident(back, dispatcher2, '+14155551056', 'ICE at the corner of 24th and Folsom 94110');
    expect((await dispatcher2.post(`/api/incidents/${incidentId}/confirm`, {})).statusCode).toBeLessThan(300);
    const sent = await back.twilio.waitForSent(2);
    expect(sent.map((m) => m.to).sort()).toEqual(['+14155551051', '+14155551052']);
  });

  it('item 6: a backup ties no report older than 24 hours to its sender, even when the app’s own wipe has not run yet', async () => {
    const keys = testKeys();
    const clock = new TestClock();
    clock.advance(-2 * DAY); // the line's first reports came two days ago
    system = await startSystem({ env: keys, clock });
    const s = system;
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155551071']);
    await reportIncident(s, dispatcher, '+14155551072', 'raid at the market 94110');
    await reportIncident(s, dispatcher, '+14155551073', 'raid at the market 94110, two vans');
    const old = ['+14155551072', '+14155551073'].map((phone) => s.deps.repos.contacts.findByPhone(phone)!);
    clock.advance(2 * DAY);
    await s.text('+14155551074', 'ICE van outside the laundromat 10001');
    await s.idle();
    const recent = s.deps.repos.contacts.findByPhone('+14155551074')!;
    // The database itself still holds the old links: the app's wipe is behind (it had not run since).
    const live = s.deps.db.$client.prepare('select contact_id from reports where contact_id is not null').all() as Array<{ contact_id: string }>;
    expect(live.map((r) => r.contact_id).sort()).toEqual([...old.map((c) => c.id), recent.id].sort());

    const backups = folder();
    const backup = runEntry('scripts/db-backup.ts', { cwd: s.dir, env: { DATABASE_PATH: s.config.databasePath, ...keys }, args: [join(backups, 'centinela.db')] });
    expect(await backup.exited).toBe(0);
    const file = join(backups, readdirSync(backups)[0]!);

    const copy = new Database(file, { readonly: true });
    try {
      // A backup holds the last 24 hours of links, and none older.
      const reports = copy.prepare('select text, contact_id from reports order by text').all();
      expect(reports).toEqual([
        { text: 'ICE van outside the laundromat 10001', contact_id: recent.id },
        { text: 'raid at the market 94110', contact_id: null },
        { text: 'raid at the market 94110, two vans', contact_id: null },
      ]);
      expect(copy.prepare('select count(*) as n from inbound_messages where contact_id is not null').get()).toEqual({ n: 1 }); // the recent report's
      expect(copy.prepare(`select count(*) as n from contacts where id in (?, ?)`).get(old[0]!.id, old[1]!.id)).toEqual({ n: 0 });
      expect(copy.prepare('select count(*) as n from contacts where phone_enc is not null').get()).toEqual({ n: 2 }); // the member, the recent reporter
    } finally {
      copy.close();
    }
    // Nor anywhere in the file's bytes (free pages included): the old reporters' ids, hashes and ciphertexts.
    const bytes = readFileSync(file).toString('latin1');
    for (const contact of old) for (const needle of [contact.id, contact.phoneHash, contact.phoneEnc!]) expect(bytes.includes(needle), needle).toBe(false);
    expect(bytes).toContain(recent.phoneEnc!);
  });

  it('item 6: db:restore refuses a backup the keys cannot open or whose numbers HASH_KEY does not hash, and a database the app has open', async () => {
    const keys = testKeys();
    system = await startSystem({ env: keys });
    const s = system;
    await committeeWithMembers(s, await s.login(), { name: 'Mission', area: MISSION_ZIPS }, ['+14155551061']);
    const backups = folder();
    const env = { DATABASE_PATH: s.config.databasePath, ...keys };
    const backup = runEntry('scripts/db-backup.ts', { cwd: s.dir, env, args: [join(backups, 'centinela.db')] });
    expect(await backup.exited).toBe(0);
    const file = join(backups, readdirSync(backups)[0]!);

    const elsewhere = join(folder(), 'centinela.db');
    const wrongKeys = runEntry('scripts/db-restore.ts', { cwd: backups, env: { ...testKeys(), DATABASE_PATH: elsewhere }, args: [file] });
    expect(await wrongKeys.exited).toBe(1);
    expect(wrongKeys.lines.join('\n')).toMatch(/do not open with DATA_KEY/);
    expect(existsSync(elsewhere)).toBe(false);

    // item 6: the right DATA_KEY with another HASH_KEY would find no member or STOP by number: refused, in one line.
    const wrongHashKey = runEntry('scripts/db-restore.ts', { cwd: backups, env: { ...keys, HASH_KEY: testKeys()['HASH_KEY']!, DATABASE_PATH: elsewhere }, args: [file] });
    expect(await wrongHashKey.exited).toBe(1);
    expect(wrongHashKey.lines).toEqual(['db:restore: the phone numbers in this backup were not hashed with this HASH_KEY: set the HASH_KEY it was made with']);
    expect(existsSync(elsewhere)).toBe(false);

    const overRunning = runEntry('scripts/db-restore.ts', { cwd: backups, env, args: [file, '--replace'] });
    expect(await overRunning.exited).toBe(1);
    expect(overRunning.lines.join('\n')).toMatch(/stop the app/);
    // The running app is untouched.
    expect(s.deps.repos.contacts.findByPhone('+14155551061')).toBeDefined();
  });
});
