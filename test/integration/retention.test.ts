// Retention: what is purged after RETENTION_DAYS and what is kept for good; reporters' numbers forgotten after a
// day; keys rotated while the data stays readable.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createPhoneVault } from '../../src/crypto/phones.js';
import { createSecretBox } from '../../src/crypto/secrets.js';
import { contacts, inboundMessages, incidentEvents, incidents, members, committees, outgoingMessages, reports, responses } from '../../src/db/schema.js';
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
    expect(Object.values(await purgeBefore(s.deps, clock.now() - s.config.retentionDays * DAY)).every((n) => n === 0)).toBe(true);

    clock.advance((s.config.retentionDays + 1) * DAY);
    const counts = await purgeBefore(s.deps, clock.now() - s.config.retentionDays * DAY);
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

  it('item 5: a purge of a large backlog runs in batches while webhooks keep answering; every due row goes, stopped numbers and members stay', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, workers: false });
    const s = system;
    const old = clock.now() - (s.config.retentionDays + 5) * DAY;
    const seeded = seedBacklog(s, old, 500);

    // The purge starts; a report texted in meanwhile gets its answer before the purge is over.
    let finished = false;
    const purging = (async () => {
      const counts = await purgeBefore(s.deps, clock.now() - s.config.retentionDays * DAY);
      finished = true;
      return counts;
    })();
    const reply = await s.sms('+14155551041', 'ICE at the corner of 24th and Mission 94110');
    expect(reply.statusCode).toBe(200);
    expect(finished).toBe(false);
    expect(count(s, 'outgoing_messages')).toBeGreaterThan(0);

    const counts = await purging;
    expect(counts).toMatchObject(seeded);
    for (const table of ['incidents', 'incident_events', 'outgoing_messages', 'responses']) expect(count(s, table), table).toBe(0);
    // What is recent stays: the report just texted, its MessageSid record and its sender.
    expect(count(s, 'reports')).toBe(1);
    expect(count(s, 'inbound_messages')).toBe(1);
    // The stopped number and the member stay, however old.
    expect(s.deps.db.$client.prepare('select count(*) as n from contacts where stopped_at is not null').get()).toEqual({ n: 1 });
    expect(count(s, 'members')).toBe(1);
    const [line] = s.deps.repos.audit.recent(1);
    expect(line).toMatchObject({ action: 'data.purge', detail: expect.objectContaining(seeded) });
  });

  it('forgets a reporter’s number a day after their last message (one that is only a reporter goes entirely), but not a member’s', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock });
    const s = system;
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155551011']);
    await s.text('+14155551012', 'ICE at the corner');
    expect(s.deps.repos.contacts.findByPhone('+14155551012')?.phoneEnc).not.toBeNull();
    expect(await forgetReporterNumbers(s.deps)).toBe(0);
    clock.advance(REPORTER_NUMBER_HOURS * 3_600_000 + 1000);
    expect(await forgetReporterNumbers(s.deps)).toBe(1);
    expect(s.deps.repos.contacts.findByPhone('+14155551012')).toBeUndefined();
    expect(s.deps.repos.contacts.findByPhone('+14155551011')?.phoneEnc).not.toBeNull();
  });

  it('item 15: the first 24-hour wipe over days of linked reports runs in batches while webhooks keep answering', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, workers: false });
    const s = system;
    // Two days of reports still linked to their senders (as after an upgrade): 3,000 reports and MessageSid records.
    seedBacklog(s, clock.now() - 2 * DAY, 100);
    const linked = () => (s.deps.db.$client.prepare('select count(*) as n from reports where contact_id is not null').get() as { n: number }).n;
    expect(linked()).toBe(3000);

    let finished = false;
    const wiping = (async () => {
      const forgotten = await forgetReporterNumbers(s.deps);
      finished = true;
      return forgotten;
    })();
    const reply = await s.sms('+14155551042', 'ICE at the corner of 24th and Mission 94110');
    expect(reply.statusCode).toBe(200);
    expect(finished).toBe(false);
    expect(linked()).toBeGreaterThan(0);

    await wiping;
    // Everything a day old is unlinked; the report just texted keeps its sender for the follow-up.
    expect(linked()).toBe(1);
    expect(s.deps.db.$client.prepare('select count(*) as n from inbound_messages where contact_id is not null').get()).toEqual({ n: 1 });
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
    const totpUser = s.deps.repos.users.create({ email: 'second-factor@example.org', role: 'dispatcher', passwordHash: 'x' }, Date.now());
    s.deps.repos.users.setTotp(totpUser.id, createSecretBox({ data: oldKey }).seal('JBSWY3DPEHPK3PXP'), Date.now());
    const newKey = randomBytes(32);
    const env = { DATABASE_PATH: s.config.databasePath, DATA_KEY: newKey.toString('base64'), DATA_KEY_PREVIOUS: oldKey.toString('base64'), HASH_KEY: s.config.keys.hash.toString('base64'), SESSION_SECRET: testKeys()['SESSION_SECRET']! };
    const rotate = runEntry('scripts/keys-rotate.ts', { cwd: s.dir, env });
    expect(await rotate.exited).toBe(0);
    expect(rotate.lines).toEqual(['re-encrypted 2 phone numbers, 1 second-factor secrets and 0 photos and recordings under the current DATA_KEY']);
    // A second factor still opens with the new key alone: its user is not locked out once the old key is dropped.
    const sealed = s.deps.repos.users.findByEmail('second-factor@example.org')?.totpSecret ?? '';
    expect(createSecretBox({ data: newKey }).open(sealed)).toBe('JBSWY3DPEHPK3PXP');

    const rows = s.deps.db.$client.prepare('select phone_enc from contacts where phone_enc is not null').all() as Array<{ phone_enc: string }>;
    const onlyNew = createPhoneVault({ data: newKey, hash: s.config.keys.hash });
    expect(rows.map((r) => onlyNew.decrypt(r.phone_enc)).sort()).toEqual(['+14155551031', '+14155551032']);
    // Lookups by hash still find the members: HASH_KEY did not change.
    expect(s.deps.repos.contacts.findByPhone('+14155551031')).toBeDefined();
    // The old key alone opens nothing any more.
    expect(() => createPhoneVault({ data: oldKey, hash: s.config.keys.hash }).decrypt(rows[0]!.phone_enc)).toThrow();
  });
});

/**
 * Writes `n` incidents last active at `at`, each with 30 reports, 5 timeline events, 30 alerts and 5 answers, plus
 * a MessageSid record per report, an old stopped number and an old member. Returns what a purge must remove.
 */
function seedBacklog(s: TestSystem, at: number, n: number): Record<string, number> {
  const db = s.deps.db;
  const id = (prefix: string, i: number) => `${prefix}${String(i).padStart(8, '0')}`;
  const rows = { reports: 0, incidentEvents: 0, messages: 0, responses: 0, inboundRecords: 0 };
  db.$client.transaction(() => {
    const people = Array.from({ length: 30 }, (_, i) => ({ id: id('old-contact-', i), phoneHash: id('old-hash-', i), firstSeenAt: at, lastSeenAt: at }));
    db.insert(contacts).values(people).run();
    db.insert(contacts).values({ id: 'old-stopped', phoneHash: 'old-stopped-hash', firstSeenAt: at, lastSeenAt: at, stoppedAt: at }).run();
    db.insert(contacts).values({ id: 'old-member', phoneHash: 'old-member-hash', firstSeenAt: at, lastSeenAt: at }).run();
    db.insert(committees).values({ id: 'old-committee', name: 'Old', area: { type: 'zips', zips: ['94110'] }, inviteCode: 'OLD1', createdAt: at }).run();
    db.insert(members).values({ id: 'old-member-row', committeeId: 'old-committee', contactId: 'old-member', status: 'active', createdAt: at, updatedAt: at }).run();
    for (let i = 0; i < n; i++) {
      const incidentId = id('old-incident-', i);
      db.insert(incidents).values({ id: incidentId, code: id('K', i), status: 'resolved', firstReportedAt: at, lastReportedAt: at, createdAt: at, updatedAt: at }).run();
      const per = people.map((person, j) => ({ person, key: `${i}-${j}` }));
      db.insert(reports).values(per.map(({ person, key }) => ({ id: `old-report-${key}`, incidentId, contactId: person.id, channel: 'sms' as const, text: 'old report', status: 'processed' as const, receivedAt: at, processedAt: at }))).run();
      db.insert(inboundMessages).values(per.map(({ person, key }) => ({ sid: `SMold${key}`, contactId: person.id, kind: 'report', receivedAt: at }))).run();
      db.insert(outgoingMessages)
        .values(per.map(({ person, key }) => ({ id: `old-message-${key}`, dedupeKey: `old-${key}`, incidentId, contactId: person.id, kind: 'alert', locale: 'en' as const, body: 'old alert', status: 'delivered' as const, createdAt: at, updatedAt: at })))
        .run();
      db.insert(incidentEvents).values(Array.from({ length: 5 }, () => ({ incidentId, at, type: 'note' }))).run();
      db.insert(responses).values(per.slice(0, 5).map(({ person, key }) => ({ id: `old-response-${key}`, incidentId, contactId: person.id, answer: 'going' as const, at }))).run();
      rows.reports += per.length;
      rows.inboundRecords += per.length;
      rows.messages += per.length;
      rows.incidentEvents += 5;
      rows.responses += 5;
    }
  })();
  return { incidents: n, ...rows, reporters: 30 };
}
