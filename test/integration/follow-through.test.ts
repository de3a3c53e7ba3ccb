// Following an alert through (issue 9 item 5): updates to exactly those alerted, reminders once, dismissal with its
// reason (a correction after release, a stand-down to the verifiers asked before it), and one thank-you to a
// reporter whose number is still held.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationRequests } from '../../src/db/schema.js';
import { expireIncidents } from '../../src/services/maintenance.js';
import { forgetReporterNumbers } from '../../src/services/retention.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

const MEMBERS = ['+14155550701', '+14155550702', '+14155550703'];
const SPANISH = MEMBERS[1] ?? '';
const LATE = '+14155550709';
const THANKS = 'Thank you: responders were alerted. Stay safe and keep your distance.';

describe('follow-through', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let ana: ApiClient;
  let inviteCode = '';
  let reporter = 0;

  beforeAll(async () => {
    system = await startSystem({ clock, env: { REPORTER_THANKS: 'true' } });
    ana = await system.login('dispatcher', 'ana@example.org');
    ({ inviteCode } = await committeeWithMembers(system, ana, { name: 'Mission', area: MISSION_ZIPS }, MEMBERS));
    expect(await system.text(SPANISH, 'IDIOMA ES')).toMatch(/español/);
    await system.idle();
  });
  afterAll(() => system?.close());

  const sent = (since: number, phone: string) => system.twilio.sent.slice(since).filter((m) => m.to === phone).map((m) => m.body);
  const reporterPhone = () => `+1415555${7100 + reporter++}`;

  /** A new incident (past CLUSTER_MINUTES, so it is its own), released to every member; returns its id and code. */
  const alerted = async (from = reporterPhone()): Promise<{ id: string; code: string }> => {
    clock.advance(31 * 60_000);
    const id = await reportIncident(system, ana, from, 'raid at the bakery 94110');
    const before = system.twilio.sent.length;
    expect((await ana.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await system.twilio.waitForSent(before + MEMBERS.length);
    await system.idle();
    const { code } = (await ana.get(`/api/incidents/${id}`)).json() as { code: string };
    return { id, code };
  };

  it('item 5: an update reaches exactly the members the alert reached, each in their language, once per update', async () => {
    const reporterNumber = reporterPhone();
    const { id, code } = await alerted(reporterNumber);
    // Joined after the alert: not among those who got it.
    expect(await system.text(LATE, `JOIN ${inviteCode} 94110`)).toMatch(/part of Mission/);
    const before = system.twilio.sent.length;

    const first = await ana.post(`/api/incidents/${code}/messages`, { text: 'Agents left at 3:40pm. Stay alert.' });
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ id, status: 'confirmed', recipients: MEMBERS.length });
    const second = await ana.post(`/api/incidents/${id}/messages`, { text: 'Legal observers are on their way.' });
    expect(second.json()).toMatchObject({ recipients: MEMBERS.length });
    await system.twilio.waitForSent(before + 2 * MEMBERS.length);
    await system.idle();

    expect(sent(before, MEMBERS[0] ?? '')).toEqual([`UPDATE ${code}: Agents left at 3:40pm. Stay alert.`, `UPDATE ${code}: Legal observers are on their way.`]);
    expect(sent(before, SPANISH)).toEqual([`ACTUALIZACIÓN ${code}: Agents left at 3:40pm. Stay alert.`, `ACTUALIZACIÓN ${code}: Legal observers are on their way.`]);
    expect(sent(before, LATE)).toEqual([]);
    expect(sent(before, reporterNumber)).toEqual([]);
    expect(system.twilio.sent.length - before).toBe(2 * MEMBERS.length);
    const rows = system.deps.repos.messages.ofIncident(id).filter((m) => m.kind === 'update');
    expect(rows).toHaveLength(2 * MEMBERS.length);
    expect(new Set(rows.map((m) => m.dedupeKey)).size).toBe(rows.length);
  });

  it('item 5: an update longer than two segments in any language is refused with the room, and nothing is sent', async () => {
    const { id, code } = await alerted();
    // The tightest header is Spanish, "ACTUALIZACIÓN XXXX: " (20 characters, sent as GSM-7 without the accent):
    // two GSM-7 segments hold 306, so the dispatcher's text has 286.
    const before = system.twilio.sent.length;
    const tooLong = await ana.post(`/api/incidents/${id}/messages`, { text: 'a'.repeat(287) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error).toMatch(/room for this text: 286 characters \(GSM-7\)/);
    // One character outside GSM-7 makes it UCS-2: 2 × 67 = 134 units, less the 20 of the header.
    const emoji = await ana.post(`/api/incidents/${id}/messages`, { text: `${'b'.repeat(113)}🚨` });
    expect(emoji.statusCode).toBe(400);
    expect(emoji.json().error).toMatch(/room for this text: 114 characters \(UCS-2\)/);
    await system.idle();
    expect(system.twilio.sent.length).toBe(before);
    expect(system.deps.repos.messages.ofIncident(id).filter((m) => m.kind === 'update')).toEqual([]);

    // Exactly the room fits, whole, in every language.
    const full = 'a'.repeat(286);
    expect((await ana.post(`/api/incidents/${id}/messages`, { text: full })).statusCode).toBe(202);
    await system.twilio.waitForSent(before + MEMBERS.length);
    await system.idle();
    expect(sent(before, MEMBERS[0] ?? '')).toEqual([`UPDATE ${code}: ${full}`]);
    expect(sent(before, SPANISH)).toEqual([`ACTUALIZACION ${code}: ${full}`]);
  });

  it('item 5: updates and reminders only for a confirmed incident (409)', async () => {
    clock.advance(31 * 60_000);
    const id = await reportIncident(system, ana, reporterPhone(), 'raid at the bakery 94110');
    expect((await ana.post(`/api/incidents/${id}/messages`, { text: 'hello' })).statusCode).toBe(409);
    expect((await ana.post(`/api/incidents/${id}/remind`, {})).statusCode).toBe(409);
  });

  it('item 5: remind re-sends the alert once to members who got it and have not replied', async () => {
    const { id, code } = await alerted();
    expect(await system.text(MEMBERS[0] ?? '', `1 ${code}`)).toMatch(new RegExp(`going to alert ${code}`));
    const before = system.twilio.sent.length;

    const first = await ana.post(`/api/incidents/${id}/remind`, {});
    expect(first.statusCode).toBe(202);
    // Alerted: the three members and the one who joined since; one of them replied.
    expect(first.json()).toMatchObject({ recipients: 3 });
    await system.twilio.waitForSent(before + 3);
    await system.idle();
    expect(sent(before, MEMBERS[0] ?? '')).toEqual([]);
    expect(sent(before, MEMBERS[2] ?? '')).toEqual([`REMINDER ${code}: Worksite raid near ZIP 94110 still needs people. Reply 1 if you can go, 2 if you can't.`]);
    expect(sent(before, LATE)).toHaveLength(1);
    expect(sent(before, SPANISH)).toHaveLength(1);
    expect(sent(before, SPANISH)[0]).toMatch(new RegExp(`^RECORDATORIO ${code}: `));

    // Once per member: a second reminder reaches nobody.
    const again = await ana.post(`/api/incidents/${id}/remind`, {});
    expect(again.json()).toMatchObject({ recipients: 0 });
    await system.idle();
    expect(system.twilio.sent.length).toBe(before + 3);
  });

  it('item 5: a duplicate dismissal says "duplicate of <code>: same raid"; a false one says "false alarm"', async () => {
    const original = await alerted();
    const duplicate = await alerted();
    const falseAlarm = await alerted();
    const before = system.twilio.sent.length;

    const dismissed = await ana.post(`/api/incidents/${duplicate.id}/dismiss`, { reason: 'duplicate', duplicateOf: original.code });
    expect(dismissed.statusCode).toBe(200);
    expect(dismissed.json()).toMatchObject({ status: 'dismissed' });
    expect((await ana.post(`/api/incidents/${falseAlarm.code}/dismiss`, { reason: 'false' })).statusCode).toBe(200);
    await system.twilio.waitForSent(before + 2 * MEMBERS.length);
    await system.idle();

    expect(sent(before, MEMBERS[0] ?? '')).toEqual([
      `CORRECTION ${duplicate.code}: duplicate of ${original.code}, the same raid. Follow ${original.code} for news.`,
      `CORRECTION ${falseAlarm.code}: the alert for ZIP 94110 was a false alarm. Do not go.`,
    ]);
    expect(sent(before, SPANISH)).toEqual([
      `CORRECCIÓN ${duplicate.code}: duplicado de ${original.code}, la misma redada. Siga ${original.code} para novedades.`,
      `CORRECCIÓN ${falseAlarm.code}: la alerta en ZIP 94110 fue una falsa alarma. No vaya.`,
    ]);
    const stored = system.deps.repos.incidents.get(duplicate.id);
    expect(stored).toMatchObject({ dismissReason: 'duplicate', duplicateOfId: original.id });
    expect(system.deps.repos.incidents.get(falseAlarm.id)).toMatchObject({ dismissReason: 'false', duplicateOfId: null });
    const timeline = (await ana.get(`/api/incidents/${duplicate.id}`)).json().timeline as Array<{ type: string; detail: Record<string, unknown> }>;
    expect(timeline.find((e) => e.type === 'dismissed')?.detail).toMatchObject({ reason: 'duplicate', duplicateOf: original.code });
  });

  it('item 5: dismissal refuses a duplicate of itself or of nothing (400) and changes nothing', async () => {
    const { id, code } = await alerted();
    expect((await ana.post(`/api/incidents/${id}/dismiss`, { reason: 'duplicate', duplicateOf: code })).statusCode).toBe(400);
    expect((await ana.post(`/api/incidents/${id}/dismiss`, { reason: 'duplicate', duplicateOf: 'ZZZZ9' })).statusCode).toBe(400);
    expect((await ana.post(`/api/incidents/${id}/dismiss`, { reason: 'maybe' })).statusCode).toBe(400);
    expect(system.deps.repos.incidents.get(id)?.status).toBe('confirmed');
  });

  it('item 5: a reporter whose number is still held is thanked once, never told who or how many', async () => {
    const phone = reporterPhone();
    const before = system.twilio.sent.length;
    const { id } = await alerted(phone);
    // A second report from the same number, and a second confirm: still one thank-you.
    expect((await system.sms(phone, 'they are still at the bakery 94110')).statusCode).toBe(200);
    await system.idle();
    expect((await ana.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(200);
    await system.idle();
    expect(sent(before, phone)).toEqual([THANKS]);
    expect(THANKS).not.toMatch(/\d/);
  });

  it('item 5: a reporter whose number was wiped (the 24-hour window) is never thanked', async () => {
    clock.advance(31 * 60_000);
    const phone = reporterPhone();
    const id = await reportIncident(system, ana, phone, 'raid at the bakery 94110');
    clock.advance(25 * 3_600_000);
    await forgetReporterNumbers(system.deps);
    const before = system.twilio.sent.length;
    // A day later: the console session has ended too.
    const ben = await system.login('dispatcher');
    expect((await ben.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await system.twilio.waitForSent(before + MEMBERS.length);
    await system.idle();
    expect(sent(before, phone)).toEqual([]);
    expect(system.deps.repos.messages.ofIncident(id).filter((m) => m.kind === 'reporter_thanks')).toEqual([]);
  });
});

describe('stand-down', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let ana: ApiClient;
  const VERIFIER = '+14155550781';
  const RESPONDERS = ['+14155550782', '+14155550783'];

  beforeAll(async () => {
    system = await startSystem({ clock });
    ana = await system.login('dispatcher', 'ana@example.org');
    const committee = await committeeWithMembers(system, ana, { name: 'Mission', area: MISSION_ZIPS }, [VERIFIER, ...RESPONDERS]);
    const members = (await ana.get(`/api/committees/${committee.id}/members`)).json() as Array<{ id: string; phone: string }>;
    const verifier = members.find((m) => m.phone.endsWith(VERIFIER.slice(-4)));
    expect((await ana.patch(`/api/members/${verifier?.id}`, { role: 'verifier' })).statusCode).toBe(200);
  });
  afterAll(() => system?.close());

  /** The verifier was asked about the incident: the row the verification engine writes when it sends VERIFY. */
  const asked = (incidentId: string) => {
    const contact = system.deps.repos.contacts.findByPhone(VERIFIER);
    if (!contact) throw new Error('no verifier contact');
    system.deps.db
      .insert(verificationRequests)
      .values({ id: `vr-${incidentId}`, incidentId, contactId: contact.id, checkCode: 'Q7K2', round: 1, askedAt: clock.now() })
      .onConflictDoNothing()
      .run();
  };
  const sentTo = (since: number, phone: string) => system.twilio.sent.slice(since).filter((m) => m.to === phone).map((m) => m.body);

  it('item 5: dismissed before release, only the verifiers asked get a stand-down; members hear nothing', async () => {
    clock.advance(31 * 60_000);
    const id = await reportIncident(system, ana, '+14155550791', 'raid at the bakery 94110');
    asked(id);
    const before = system.twilio.sent.length;
    const { code } = (await ana.post(`/api/incidents/${id}/dismiss`, { reason: 'false' })).json() as { code: string };
    await system.twilio.waitForSent(before + 1);
    await system.idle();
    expect(sentTo(before, VERIFIER)).toEqual([`STAND DOWN ${code}: the report at ZIP 94110 is closed. No need to check it.`]);
    expect(system.twilio.sent.length - before).toBe(1);
    // Nothing but the stand-down came of the dismissal (the VERIFY request itself aside).
    expect(system.deps.repos.messages.ofIncident(id).map((m) => m.kind).filter((k) => k !== 'verify_request')).toEqual(['stand_down']);
  });

  it('item 5: dismissed after release, members get the correction; the verifier asked hears once', async () => {
    clock.advance(31 * 60_000);
    const id = await reportIncident(system, ana, '+14155550792', 'raid at the bakery 94110');
    asked(id);
    let before = system.twilio.sent.length;
    expect((await ana.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await system.twilio.waitForSent(before + 3);
    await system.idle();
    before = system.twilio.sent.length;
    expect((await ana.post(`/api/incidents/${id}/dismiss`, { reason: 'false' })).statusCode).toBe(200);
    await system.twilio.waitForSent(before + 3);
    await system.idle();
    for (const phone of [VERIFIER, ...RESPONDERS]) expect(sentTo(before, phone)).toEqual([expect.stringMatching(/^CORRECTION .*false alarm/)]);
    expect(system.twilio.sent.length - before).toBe(3);
  });
});

describe('expiry', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let ana: ApiClient;
  const VERIFIER = '+14155550761';
  const SPANISH_VERIFIER = '+14155550762';
  const RESPONDER = '+14155550763';

  beforeAll(async () => {
    system = await startSystem({ clock });
    ana = await system.login('dispatcher', 'ana@example.org');
    const committee = await committeeWithMembers(system, ana, { name: 'Mission', area: MISSION_ZIPS }, [VERIFIER, SPANISH_VERIFIER, RESPONDER]);
    const members = (await ana.get(`/api/committees/${committee.id}/members`)).json() as Array<{ id: string; phone: string }>;
    for (const phone of [VERIFIER, SPANISH_VERIFIER]) {
      const member = members.find((m) => m.phone.endsWith(phone.slice(-4)));
      expect((await ana.patch(`/api/members/${member?.id}`, { role: 'verifier' })).statusCode).toBe(200);
    }
    expect(await system.text(SPANISH_VERIFIER, 'IDIOMA ES')).toMatch(/español/);
    await system.idle();
  });
  afterAll(() => system?.close());

  const sentTo = (since: number, phone: string) => system.twilio.sent.slice(since).filter((m) => m.to === phone).map((m) => m.body);

  it('item 5: an unconfirmed incident that expires stands down the verifiers asked, each in their language; members hear nothing', async () => {
    const id = await reportIncident(system, ana, '+14155550771', 'raid at the bakery 94110');
    const { code } = (await ana.get(`/api/incidents/${id}`)).json() as { code: string };
    expect(system.twilio.sent.filter((m) => /^(VERIFY|VERIFICAR) /.test(m.body) && m.body.includes(code)).map((m) => m.to).sort()).toEqual([VERIFIER, SPANISH_VERIFIER]);

    clock.advance((system.config.incidentExpireMinutes * 60 + 1) * 1000);
    const before = system.twilio.sent.length;
    expect(await expireIncidents(system.deps)).toBe(1);
    await system.twilio.waitForSent(before + 2);
    await system.idle();
    expect((await ana.get(`/api/incidents/${id}`)).json()).toMatchObject({ status: 'expired' });
    expect(sentTo(before, VERIFIER)).toEqual([`STAND DOWN ${code}: the report at ZIP 94110 is closed. No need to check it.`]);
    expect(sentTo(before, SPANISH_VERIFIER)).toEqual([`CANCELADO ${code}: el reporte en ZIP 94110 fue cerrado. No hace falta verificarlo.`]);
    expect(system.twilio.sent.length - before).toBe(2);
    // Verification stopped with it, and a later run stands nobody down twice.
    expect(system.deps.repos.incidents.get(id)?.verifyNextAt).toBeNull();
    expect(await expireIncidents(system.deps)).toBe(0);
    await system.idle();
    expect(system.twilio.sent.length - before).toBe(2);
  });
});
