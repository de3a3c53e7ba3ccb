// Retention: what is purged after RETENTION_DAYS and what is kept for good; reporters' numbers forgotten after a
// day; keys rotated while the data stays readable.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createPhoneVault } from '../../src/crypto/phones.js';
import { forgetReporterNumbers, purgeBefore, REPORTER_NUMBER_HOURS } from '../../src/services/retention.js';
import { runEntry } from '../support/processes.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { startSystem, TestClock, testKeys, type TestSystem } from '../support/system.js';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

const DAY = 86_400_000;
const count = (s: TestSystem, table: string) => (s.deps.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

describe('retention', () => {
  it('purges reports, incidents, messages, MessageSid records and reporters after RETENTION_DAYS, keeping stopped numbers and members', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock });
    const s = system;
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155551001', '+14155551002']);
    const id = await reportIncident(s, dispatcher, '+14155551003', 'raid at the market 94110');
    await dispatcher.post(`/api/incidents/${id}/confirm`, {});
    await s.twilio.waitForSent(2);
    await s.text('+14155551004', 'STOP');
    await s.idle();
    expect(count(s, 'reports')).toBe(1);

    // Nothing is young enough to go yet.
    expect(Object.values(purgeBefore(s.deps, clock.now() - s.config.retentionDays * DAY)).every((n) => n === 0)).toBe(true);

    clock.advance((s.config.retentionDays + 1) * DAY);
    const counts = purgeBefore(s.deps, clock.now() - s.config.retentionDays * DAY);
    expect(counts).toMatchObject({ incidents: 1, reports: 1, messages: 2, reporters: 1 });
    for (const table of ['reports', 'incidents', 'outgoing_messages', 'inbound_messages', 'incident_events']) expect(count(s, table), table).toBe(0);
    // Members and the stopped number stay: a STOP must outlive any purge.
    expect(count(s, 'members')).toBe(2);
    expect(s.deps.repos.contacts.findByPhone('+14155551004')?.stoppedAt).not.toBeNull();
    expect(s.deps.repos.contacts.findByPhone('+14155551003')).toBeUndefined();
    // The audit line has counts, not content.
    const [line] = s.deps.repos.audit.recent(1);
    expect(line).toMatchObject({ action: 'data.purge', detail: expect.objectContaining({ reports: 1 }) });
    expect(JSON.stringify(line)).not.toMatch(/market|4155551/);
  });

  it('forgets a reporter’s number a day after their last message, but not a member’s', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock });
    const s = system;
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155551011']);
    await s.text('+14155551012', 'ICE at the corner');
    expect(s.deps.repos.contacts.findByPhone('+14155551012')?.phoneEnc).not.toBeNull();
    expect(forgetReporterNumbers(s.deps)).toBe(0);
    clock.advance(REPORTER_NUMBER_HOURS * 3_600_000 + 1000);
    expect(forgetReporterNumbers(s.deps)).toBe(1);
    expect(s.deps.repos.contacts.findByPhone('+14155551012')).toMatchObject({ phoneEnc: null });
    expect(s.deps.repos.contacts.findByPhone('+14155551011')?.phoneEnc).not.toBeNull();
  });

  it('npm run data:purge -- --before DATE purges on demand', async () => {
    system = await startSystem({ workers: false });
    const s = system;
    await s.text('+14155551021', 'raid at the market 94110');
    const env = { DATABASE_PATH: s.config.databasePath, DATA_KEY: s.config.keys.data.toString('base64'), HASH_KEY: s.config.keys.hash.toString('base64'), SESSION_SECRET: s.config.keys.session.toString('base64') };
    const future = new Date(Date.now() + DAY).toISOString();
    const purge = runEntry('scripts/data-purge.ts', { cwd: s.dir, env, args: ['--before', future] });
    expect(await purge.exited).toBe(0);
    expect(purge.lines.join('\n')).toMatch(/"reports":1/);
    expect(count(s, 'reports')).toBe(0);
  });
});

describe('key rotation', () => {
  it('npm run keys:rotate re-encrypts every number under the new key; hashes and sending keep working', async () => {
    system = await startSystem({ workers: false });
    const s = system;
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155551031', '+14155551032']);
    const oldKey = s.config.keys.data;
    const newKey = randomBytes(32);
    const env = { DATABASE_PATH: s.config.databasePath, DATA_KEY: newKey.toString('base64'), DATA_KEY_PREVIOUS: oldKey.toString('base64'), HASH_KEY: s.config.keys.hash.toString('base64'), SESSION_SECRET: testKeys()['SESSION_SECRET']! };
    const rotate = runEntry('scripts/keys-rotate.ts', { cwd: s.dir, env });
    expect(await rotate.exited).toBe(0);
    expect(rotate.lines).toEqual(['re-encrypted 2 phone numbers under the current DATA_KEY']);

    const rows = s.deps.db.$client.prepare('select phone_enc from contacts where phone_enc is not null').all() as Array<{ phone_enc: string }>;
    const onlyNew = createPhoneVault({ data: newKey, hash: s.config.keys.hash });
    expect(rows.map((r) => onlyNew.decrypt(r.phone_enc)).sort()).toEqual(['+14155551031', '+14155551032']);
    // Lookups by hash still find the members: HASH_KEY did not change.
    expect(s.deps.repos.contacts.findByPhone('+14155551031')).toBeDefined();
    // The old key alone opens nothing any more.
    expect(() => createPhoneVault({ data: oldKey, hash: s.config.keys.hash }).decrypt(rows[0]!.phone_enc)).toThrow();
  });
});
