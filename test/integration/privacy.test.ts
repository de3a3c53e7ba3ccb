// Privacy by design, proven on the bytes: after a full run, no test phone number is anywhere in plain text —
// not in the SQLite files, not in any table, not in Redis, not in a log line — and no reply to a reporter
// says anything about members.
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dayHashKey, utcDay } from '../../src/db/repositories/seen.js';
import { normalizePhone } from '../../src/crypto/phones.js';
import { fitSms } from '../../src/domain/sms-fit.js';
import { t } from '../../src/i18n/index.js';
import { forgetReporterNumbers, REPORTER_NUMBER_HOURS } from '../../src/services/retention.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem, twimlText } from '../support/system.js';

const members = ['+14155550901', '+14155550902', '+14155550903'];
const reporter = '+14155550999';
const everyNumber = [...members, reporter];
// Each number as E.164, as bare digits and as the national number: any of them would be a leak.
const needles = everyNumber.flatMap((n) => [n, n.slice(1), n.slice(2)]);

describe('no phone number in plain text anywhere', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  const repliesToReporter: string[] = [];

  beforeAll(async () => {
    system = await startSystem();
    dispatcher = await system.login();
    await committeeWithMembers(system, dispatcher, { name: 'Mission Defense Committee', area: MISSION_ZIPS }, members);
    await system.text(members[2]!, 'STOP');
    for (const text of ['ICE at the taqueria on 24th, 94110', 'still there, 94110', 'how many people are coming?', '1', 'HELP']) {
      repliesToReporter.push(await system.text(reporter, text));
    }
    await system.idle();
    const incidents = (await dispatcher.get('/api/incidents')).json() as Array<{ id: string; location: unknown }>;
    const placed = incidents.find((i) => i.location !== null)!;
    expect((await dispatcher.post(`/api/incidents/${placed.id}/confirm`, {})).statusCode).toBe(202);
    await system.twilio.waitForSent(2);
    await system.text(members[0]!, '1');
    await system.text(members[1]!, 'NO');
    repliesToReporter.push(await system.text(reporter, 'did anyone come?'));
    await system.idle();
  });
  afterAll(() => system?.close());

  const findNeedles = (haystack: string) => needles.filter((needle) => haystack.includes(needle));

  it('not in the raw bytes of the SQLite files (database, WAL)', () => {
    system.deps.db.$client.pragma('wal_checkpoint(PASSIVE)');
    const files = readdirSync(system.dir).filter((f) => f.startsWith('centinela.db'));
    expect(files).toContain('centinela.db');
    for (const file of files) {
      const bytes = readFileSync(join(system.dir, file));
      expect(findNeedles(bytes.toString('latin1')), file).toEqual([]);
      expect(findNeedles(bytes.toString('utf16le')), file).toEqual([]);
    }
  });

  it('not in any column of any table', () => {
    const db = system.deps.db.$client;
    const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as Array<{ name: string }>;
    expect(tables.length).toBeGreaterThan(10);
    for (const { name } of tables) {
      const rows = db.prepare(`select * from "${name}"`).all();
      expect(findNeedles(JSON.stringify(rows)), name).toEqual([]);
    }
  });

  it('not in any Redis key or value of the system', async () => {
    const redis = system.deps.redis;
    let cursor = '0';
    const dump: string[] = [];
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${system.config.queuePrefix}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        dump.push(key);
        const type = await redis.type(key);
        if (type === 'string') dump.push((await redis.get(key)) ?? '');
        else if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') dump.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'set') dump.push(JSON.stringify(await redis.smembers(key)));
        else if (type === 'zset') dump.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
        else if (type === 'stream') dump.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } while (cursor !== '0');
    expect(dump.length).toBeGreaterThan(0);
    expect(findNeedles(dump.join('\n'))).toEqual([]);
  });

  it('not in any log line, and no report text either', () => {
    expect(system.logLines.length).toBeGreaterThan(20);
    const all = system.logLines.join('\n');
    expect(findNeedles(all)).toEqual([]);
    expect(all).not.toContain('taqueria');
  });

  it('no reply to a reporter reveals members, counts or the committee', () => {
    expect(repliesToReporter).toHaveLength(6);
    for (const reply of repliesToReporter) {
      expect(reply).not.toMatch(/Mission Defense Committee/);
      expect(reply).not.toMatch(/\b[23]\b.*(people|members|responders|personas)/i);
      expect(reply).not.toMatch(/0901|0902|0903/);
      expect(twimlText(`<Message>${reply}</Message>`)).toBe(reply);
    }
    // The reporter's "1" is not an answer to an alert: it was never alerted.
    expect(repliesToReporter[3]).toMatch(/no alert/i);
    // The reporter got no alert either, though the incident they reported was confirmed.
    expect(system.twilio.sent.map((m) => m.to)).not.toContain(reporter);
  });
});

// Item 15: the HMAC blind index can be brute-forced with the keys, so after the 24-hour wipe nothing stored may tie
// an old report to a number at all; the flood rule's "seen lately" lives in daily sets whose keys are deleted.
describe('the 24-hour wipe of reporters', () => {
  let system: TestSystem | undefined;
  afterEach(async () => {
    await system?.close();
    system = undefined;
  });

  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const rows = (s: TestSystem, query: string, ...params: unknown[]) => s.deps.db.$client.prepare(query).all(...params) as Array<Record<string, unknown>>;
  const dayHash = (s: TestSystem, day: string, phone: string) => {
    const [row] = rows(s, 'select key from seen_days where day = ?', day);
    return row ? createHmac('sha256', dayHashKey(s.deps.vault, String(row['key']))).update(normalizePhone(phone)).digest('base64url') : undefined;
  };
  const wipe = (s: TestSystem, clock: TestClock) => {
    clock.advance(REPORTER_NUMBER_HOURS * HOUR + 60_000);
    return forgetReporterNumbers(s.deps);
  };
  const linkedReports = (s: TestSystem) => rows(s, 'select count(*) as n from reports where contact_id is not null')[0]?.['n'];

  it('item 15: after the wipe nothing in the database file ties an old report to its sender’s number, even with every key', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock });
    const s = system;
    const dispatcher = await s.login();
    const [member, memberReporter, reporter, stopper] = ['+14155550701', '+14155550702', '+14155550703', '+14155550704'];
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, [member!, memberReporter!]);
    clock.advance(HOUR); // members joined long before the reports

    const firstReportAt = clock.now();
    const incidentId = await reportIncident(s, dispatcher, reporter!, 'raid at the market 94110');
    await reportIncident(s, dispatcher, stopper!, 'raid at the market 94110, two vans');
    await s.text(stopper!, 'STOP');
    await reportIncident(s, dispatcher, memberReporter!, 'they are still at the market 94110');
    // A conversation row to the reporter, as the worker writes when it must ask "where is this?" by SMS.
    const [reportId] = rows(s, 'select id from reports where contact_id = ?', s.deps.repos.contacts.findByPhone(reporter!)!.id).map((r) => String(r['id']));
    s.deps.repos.messages.plan(
      [{ dedupeKey: `location_question:${reportId}`, incidentId: null, contactId: s.deps.repos.contacts.findByPhone(reporter!)!.id, kind: 'location_question', locale: 'en', body: 'Where?' }],
      clock.now(),
    );
    expect((await dispatcher.post(`/api/incidents/${incidentId}/confirm`, {})).statusCode).toBe(202);
    await s.twilio.waitForSent(1);
    await s.idle();
    expect(s.twilio.sent.map((m) => m.to)).toEqual([member]); // the member who reported is not alerted
    // Closed: a member's report stays linked only while its incident is open (see the next test).
    expect((await dispatcher.post(`/api/incidents/${incidentId}/resolve`, {})).statusCode).toBe(200);
    await s.twilio.waitForSent(2);
    await s.idle();
    const lastActivityAt = clock.now();

    const reporters = [reporter!, stopper!, memberReporter!];
    const contactIds = reporters.map((phone) => s.deps.repos.contacts.findByPhone(phone)!.id);
    const ciphertext = s.deps.repos.contacts.findByPhone(reporter!)!.phoneEnc!;
    const reportIds = rows(s, 'select id from reports').map((r) => String(r['id']));
    const { code } = s.deps.repos.incidents.get(incidentId)!;
    const today = utcDay(firstReportAt);

    await wipe(s, clock);

    // With every key: HASH_KEY's hash of each number, and its hash under each remaining day key.
    const identities = [
      ...contactIds,
      ...reporters.map((phone) => s.deps.vault.hash(phone)),
      ...reporters.flatMap((phone) => rows(s, 'select day from seen_days').map((d) => dayHash(s, String(d['day']), phone)!)),
    ];
    const reportLinks = [...reportIds, incidentId, code];
    const nearReports = (value: unknown) => typeof value === 'number' && value >= firstReportAt - 5 * 60_000 && value <= lastActivityAt + 5 * 60_000;
    const tables = rows(s, "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").map((t) => String(t['name']));
    for (const table of tables) {
      for (const row of rows(s, `select * from "${table}"`)) {
        const text = JSON.stringify(row);
        if (!identities.some((id) => text.includes(id))) continue;
        // A row that names a reporter's number names no report, no incident and no time near them.
        expect(reportLinks.filter((link) => text.includes(link)), `${table}: ${text}`).toEqual([]);
        expect(Object.values(row).filter(nearReports), `${table}: ${text}`).toEqual([]);
      }
    }
    expect(linkedReports(s)).toBe(0);
    // The number that was only a reporter is gone; the stopped one is kept (hash only), its times blurred.
    expect(s.deps.repos.contacts.findByPhone(reporter!)).toBeUndefined();
    expect(s.deps.repos.contacts.findByPhone(stopper!)).toMatchObject({ phoneEnc: null, stoppedAt: expect.any(Number) });
    // The day's key was made at the day's start, not at its first message.
    expect(rows(s, 'select created_at from seen_days where day = ?', today)).toEqual([{ created_at: Date.parse(`${today}T00:00:00Z`) }]);

    // Nor in the file's bytes: deleted rows leave nothing behind in free space.
    s.deps.db.$client.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(s.config.databasePath).toString('latin1');
    for (const needle of [contactIds[0]!, s.deps.vault.hash(reporter!), ciphertext]) expect(bytes.includes(needle), needle).toBe(false);

    // Reporters still count, by their per-incident tokens (a day later the dispatcher signs in again).
    const [incident] = (await (await s.login()).get('/api/incidents')).json() as Array<{ distinctReporters: number }>;
    expect(incident?.distinctReporters).toBe(3);
  });

  it('item 15: one reporter texting twice counts once, before and after the wipe', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock });
    const s = system;
    const dispatcher = await s.login();
    const id = await reportIncident(s, dispatcher, '+14155550711', 'raid at the warehouse 94110');
    await reportIncident(s, dispatcher, '+14155550712', 'la migra en el almacen 94110');
    await reportIncident(s, dispatcher, '+14155550711', 'still there, 94110');
    const counts = async (client: ApiClient) => (await client.get(`/api/incidents/${id}`)).json() as { reportCount: number; distinctReporters: number };
    expect(await counts(dispatcher)).toMatchObject({ reportCount: 3, distinctReporters: 2 });
    expect(await wipe(s, clock)).toBe(2);
    expect(linkedReports(s)).toBe(0);
    expect(await counts(await s.login())).toMatchObject({ reportCount: 3, distinctReporters: 2 });
  });

  it('item 15: a member who reported is not alerted about their own report when its incident is confirmed or moved after the wipe; the link goes at the first wipe after it closes', async () => {
    const clock = new TestClock();
    // The incident stays open across the wipe, and a report a day later still joins it.
    system = await startSystem({ clock, env: { CLUSTER_MINUTES: '4000', INCIDENT_EXPIRE_MINUTES: '4000' } });
    const s = system;
    const dispatcher = await s.login();
    const [missionMember, missionReporter, oaklandReporter, oaklandMember, stranger] = ['+14155550721', '+14155550722', '+15105550723', '+15105550724', '+14155550725'];
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, [missionMember!, missionReporter!]);
    const oakland = { type: 'circle', center: { lat: 37.8044, lng: -122.2712 }, radiusMeters: 2000 };
    await committeeWithMembers(s, dispatcher, { name: 'Oakland', area: oakland }, [oaklandReporter!, oaklandMember!], '94612');
    clock.advance(HOUR);

    const incidentId = await reportIncident(s, dispatcher, missionReporter!, 'raid at the market 94110');
    expect(await reportIncident(s, dispatcher, oaklandReporter!, 'raid at the market 94110, two vans')).toBe(incidentId);
    await wipe(s, clock);
    const later = await s.login(); // a day on: a new session
    expect(await reportIncident(s, later, stranger!, 'they are still at the market 94110')).toBe(incidentId);

    expect((await later.post(`/api/incidents/${incidentId}/confirm`, {})).statusCode).toBe(202);
    await s.twilio.waitForSent(1);
    await s.idle();
    expect(s.twilio.sent.map((m) => m.to)).toEqual([missionMember]);
    // Moved into Oakland's area: its members are alerted, but not the one who reported it.
    expect((await later.post(`/api/incidents/${incidentId}/location`, { lat: 37.8044, lng: -122.2712, label: 'Oakland market' })).statusCode).toBe(200);
    await s.twilio.waitForSent(2);
    await s.idle();
    expect(s.twilio.sent.map((m) => m.to)).toEqual([missionMember, oaklandMember]);

    // Open, the members' day-old reports were still linked; the first wipe after the incident closes unlinks them
    // (the stranger's report is not a day old yet).
    const linked = () => rows(s, 'select contact_id from reports where contact_id is not null').map((r) => r['contact_id']).sort();
    const contactOf = (phone: string) => s.deps.repos.contacts.findByPhone(phone)!.id;
    expect(linked()).toEqual([missionReporter!, oaklandReporter!, stranger!].map(contactOf).sort());
    expect((await later.post(`/api/incidents/${incidentId}/resolve`, {})).statusCode).toBe(200);
    await forgetReporterNumbers(s.deps);
    expect(linked()).toEqual([contactOf(stranger!)]);
  });

  it('item 15: the seen sets and contacts keep no order or time of arrival', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, workers: false });
    const s = system;
    const numbers = Array.from({ length: 12 }, (_, i) => `+141555507${50 + i}`);
    for (const phone of numbers) await s.text(phone, 'ICE at the corner of 24th and Mission 94110');
    const day = utcDay(clock.now());
    const stored = rows(s, 'select hash from seen_numbers where day = ? order by rowid', day).map((r) => String(r['hash']));
    const arrived = numbers.map((phone) => dayHash(s, day, phone));
    expect([...stored].sort()).toEqual([...arrived].sort());
    expect(stored).not.toEqual(arrived);
    // The day's stored key alone (a copy of the database without HASH_KEY) tests no number.
    const storedKey = Buffer.from(String(rows(s, 'select key from seen_days where day = ?', day)[0]?.['key']), 'base64');
    const withoutHashKey = numbers.map((phone) => createHmac('sha256', storedKey).update(normalizePhone(phone)).digest('base64url'));
    expect(stored.filter((hash) => withoutHashKey.includes(hash))).toEqual([]);
    const contactOrder = rows(s, 'select phone_hash from contacts order by rowid').map((r) => String(r['phone_hash']));
    expect(contactOrder).not.toEqual(numbers.map((phone) => s.deps.vault.hash(phone)));
    // Contact ids are random, not time-ordered ULIDs.
    expect(rows(s, 'select id from contacts').every((r) => !/^[0-9A-HJKMNP-TV-Z]{26}$/.test(String(r['id'])))).toBe(true);
  });

  it('item 15: the flood rule knows numbers by daily sets; a day past RETENTION_DAYS leaves with its key', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, env: { FLOOD_NEW_REPORTERS_PER_10_MIN: '1', RETENTION_DAYS: '3' } });
    const s = system;
    let next = 0;
    // Two reports from new numbers (in New York) are over the threshold of one.
    const raiseFlood = async () => {
      for (let i = 0; i < 2; i++) await s.text(`+1212555${1000 + next++}`, 'checkpoint on the highway 10001');
    };
    const isFloodReport = async (phone: string) => {
      await s.text(phone, 'raid at the warehouse 94110');
      return rows(s, 'select flood from reports order by received_at desc limit 1')[0]?.['flood'] === 1;
    };
    const [early, gone, recent] = ['+14155550731', '+14155550732', '+14155550733'];
    const firstDay = utcDay(clock.now());
    const quietTenMinutes = () => clock.advance(11 * 60_000); // the flood window passes
    expect(await isFloodReport(early)).toBe(false);
    quietTenMinutes();
    expect(await isFloodReport(gone)).toBe(false);
    await wipe(s, clock); // a day later: neither number has a contact row any more
    expect(s.deps.repos.contacts.findByPhone(early)).toBeUndefined();
    await raiseFlood();
    expect(await isFloodReport(early)).toBe(false); // in yesterday's set: known, though nothing else remembers it
    quietTenMinutes();
    expect(await isFloodReport(recent)).toBe(false);

    clock.advance(2 * DAY);
    await forgetReporterNumbers(s.deps);
    expect(rows(s, 'select day from seen_days where day <= ?', firstDay)).toEqual([]);
    expect(rows(s, 'select count(*) as n from seen_numbers where day <= ?', firstDay)[0]).toEqual({ n: 0 });
    await raiseFlood();
    expect(await isFloodReport(recent)).toBe(false); // seen two days ago: the oldest of the 3 kept sets
    expect(await isFloodReport(gone)).toBe(true); // its only day left with its key: a new number again
  });

  it('item 15: a follow-up across UTC midnight still places its report (it goes by the report’s contact, not a day set)', async () => {
    const clock = new TestClock();
    const now = clock.now();
    clock.advance(Date.parse(`${utcDay(now + DAY)}T00:00:00Z`) - 2 * 60_000 - now); // 23:58 UTC
    system = await startSystem({ clock });
    const s = system;
    const dispatcher = await s.login();
    const reporter = '+14155550741';
    const before = utcDay(clock.now());
    expect(await s.text(reporter, 'ICE vans outside the laundromat right now')).toBe(fitSms(t('en', 'report_ack_ask_location')));
    clock.advance(4 * 60_000); // 00:02 the next day
    expect(utcDay(clock.now())).not.toBe(before);
    await s.text(reporter, 'near 94110');
    await s.idle();
    const reports = (await dispatcher.get('/api/reports')).json() as Array<{ location: { label: string } | null; locationText: string }>;
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ location: { label: 'ZIP 94110' }, locationText: 'near 94110' });
    // The number is in the set of its report's day, under that day's key; an answer is not a new report.
    expect(rows(s, 'select day, hash from seen_numbers')).toEqual([{ day: before, hash: dayHash(s, before, reporter) }]);
  });
});
