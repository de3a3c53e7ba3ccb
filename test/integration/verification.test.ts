// Verify, then alert (issue 9 items 1 and 2): VERIFY requests to the nearest on-duty verifiers, check codes,
// acknowledgements and escalation by the test's clock, verifiers' approvals, FALSE and disputes, SEND from coordinators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentsOf } from '../../src/domain/sms-fit.js';
import { escalateVerifications } from '../../src/services/verification.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

const V1 = '+14155550711'; // verifier in 94110 (nearest)
const V2 = '+14155550712'; // verifier in 94103
const V3 = '+14155550713'; // verifier in 94121 (farthest)
const C1 = '+14155550721'; // coordinator
const R1 = '+14155550731'; // responders
const R2 = '+14155550732';
const ANA_PHONE = '+14155550799';
const ADMIN_PHONE = '+14155550798';
const EVERYONE = [V1, V2, V3, C1, R1, R2];

describe('verification requests and verifier approvals (RELEASE_APPROVALS=2, VERIFY_FANOUT=2)', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let admin: ApiClient;
  let ana: ApiClient;
  let reporter = 0;

  beforeAll(async () => {
    // Six members: every alert here is "large" for an admin notice.
    system = await startSystem({ clock, env: { RELEASE_APPROVALS: '2', VERIFY_FANOUT: '2', VERIFY_ACK_MINUTES: '5', ADMIN_NOTICE_RECIPIENTS: '5' } });
    admin = await system.login('admin');
    ana = await system.login('dispatcher', 'ana@example.org');
    const committee = await committeeWithMembers(system, admin, { name: 'Mission', area: MISSION_ZIPS }, [V1, C1, R1, R2]);
    for (const [phone, zip] of [[V2, '94103'], [V3, '94121']] as const) {
      expect((await system.sms(phone, `JOIN ${committee.inviteCode} ${zip}`)).statusCode).toBe(200);
    }
    const members = (await admin.get(`/api/committees/${committee.id}/members`)).json() as Array<{ id: string; phone: string }>;
    const idOf = (phone: string) => members.find((m) => m.phone.endsWith(phone.slice(-4)))?.id;
    for (const phone of [V1, V2, V3]) expect((await admin.patch(`/api/members/${idOf(phone)}`, { role: 'verifier' })).statusCode).toBe(200);
    expect((await admin.patch(`/api/members/${idOf(C1)}`, { role: 'coordinator' })).statusCode).toBe(200);
    const users = (await admin.get('/api/users')).json() as Array<{ id: string; email: string }>;
    const anaId = users.find((u) => u.email === 'ana@example.org')?.id;
    expect((await admin.patch(`/api/users/${anaId}`, { phone: ANA_PHONE })).statusCode).toBe(200);
    // Admins with a phone hear of large alerts.
    const adminId = users.find((u) => u.email.startsWith('admin-'))?.id;
    expect((await admin.patch(`/api/users/${adminId}`, { phone: ADMIN_PHONE })).statusCode).toBe(200);
    await system.idle();
  });
  afterAll(() => system?.close());

  /** Past CLUSTER_MINUTES, so each report opens its own incident; returns its id and code. */
  const newIncident = async (text = 'ICE raid at the bakery behind the church 94110') => {
    clock.advance(31 * 60_000);
    const id = await reportIncident(system, ana, `+1415555086${reporter++}`, text);
    await system.idle();
    const detail = (await ana.get(`/api/incidents/${id}`)).json() as { code: string; status: string };
    return { id, code: detail.code, status: detail.status };
  };
  /** Texts to `phone` that name this incident (older incidents' texts are left out). */
  const textsTo = (phone: string, code: string) => system.twilio.sent.filter((m) => m.to === phone && m.body.includes(code)).map((m) => m.body);
  // Verifiers who answered in Spanish or Tagalog get their texts in that language from then on.
  const checkCodeOf = (phone: string, code: string) => {
    const request = textsTo(phone, code).find((body) => /^(VERIFY|VERIFICAR|I-VERIFY) /.test(body));
    const check = /(?:CONFIRM|CONFIRMAR|TOTOO) ([A-Z0-9]{5})/.exec(request ?? '')?.[1];
    if (!check) throw new Error(`no VERIFY request for ${code} to ${phone.slice(-4)}`);
    return check;
  };
  const alertsFor = (code: string) =>
    EVERYONE.map((phone) => textsTo(phone, code).filter((body) => /^(RAID CONFIRMED|REDADA CONFIRMADA|KUMPIRMADONG RAID) /.test(body)).length);
  const timeline = async (id: string) => ((await ana.get(`/api/incidents/${id}`)).json() as { timeline: Array<{ type: string }> }).timeline.map((e) => e.type);

  it('item 1: a located report sends VERIFY at once to the two nearest on-duty verifiers: kind, place, code, check code and the reporter\'s words', async () => {
    const { id, code, status } = await newIncident();
    expect(status).toBe('verifying');
    const [toV1] = textsTo(V1, code);
    expect(toV1).toMatch(new RegExp(`^VERIFY ${code}: Worksite raid reported near .+Reporter's words: "94110"\\. Reply 1 [A-Z0-9]{5} if you go`));
    expect(segmentsOf(toV1 ?? '').segments).toBeLessThanOrEqual(2);
    expect(textsTo(V2, code)).toHaveLength(1);
    // The third verifier is farther: not asked in round one. Nobody else hears of it.
    expect([V3, C1, R1, R2, ANA_PHONE].map((phone) => textsTo(phone, code).length)).toEqual([0, 0, 0, 0, 0]);
    expect(checkCodeOf(V1, code)).not.toBe(checkCodeOf(V2, code));

    const view = (await ana.get(`/api/incidents/${code}/verification`)).json();
    expect(view).toMatchObject({ round: 1, disputedAt: null, requests: [{ round: 1, ack: null, verdict: null }, { round: 1, ack: null, verdict: null }] });
    expect(view.requests.map((r: { phone: string }) => r.phone.slice(-4)).sort()).toEqual([V1.slice(-4), V2.slice(-4)].sort());
    expect(JSON.stringify(view)).not.toContain(V1.slice(2));
    expect(await timeline(id)).toContain('verify_asked');
  });

  it('item 1: CONFIRM without the right check code changes nothing, and the reply says how to answer', async () => {
    const { id, code } = await newIncident();
    const v1Check = checkCodeOf(V1, code);
    // V3 was never asked anything; V2 echoes V1's code; V1 forgets the code, or gets it wrong.
    expect(await system.text(V3, `CONFIRM ${v1Check}`)).toMatch(/nothing for you to verify/);
    for (const [phone, body] of [[V2, `CONFIRM ${v1Check}`], [V1, 'CONFIRM'], [V1, 'FALSE ZZZ99']] as const) {
      expect(await system.text(phone, body)).toMatch(/check code does not match .* Reply CONFIRM or FALSE followed by the check code/);
    }
    await system.idle();
    const detail = (await ana.get(`/api/incidents/${id}`)).json();
    expect(detail).toMatchObject({ status: 'verifying', approvals: [] });
    expect(((await ana.get(`/api/incidents/${id}/verification`)).json() as { requests: Array<{ verdict: unknown }> }).requests.every((r) => r.verdict === null)).toBe(true);
  });

  it('item 2: a verifier\'s CONFIRM and a dispatcher\'s confirm release the alert once to every member; the audit names both', async () => {
    const { id, code } = await newIncident();
    expect(await system.text(V1, `confirm ${checkCodeOf(V1, code).toLowerCase()}`)).toMatch(/confirmation of .* is recorded/);
    await system.idle();
    expect(alertsFor(code)).toEqual([0, 0, 0, 0, 0, 0]);
    expect((await ana.get(`/api/incidents/${id}`)).json()).toMatchObject({ status: 'verifying', approvals: [{ by: 'verifier' }] });

    const confirm = await ana.post(`/api/incidents/${id}/confirm`, {});
    expect(confirm.statusCode).toBe(202);
    expect(confirm.json()).toMatchObject({ status: 'confirmed', approvals: 2, needed: 2 });
    await system.idle();
    expect(alertsFor(code)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(textsTo(ADMIN_PHONE, code)).toEqual([`ALERT ${code} released to 6 people: Worksite raid near ZIP 94110.`]);
    // Confirming again resends nothing, to members or admins.
    expect((await ana.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(200);
    await system.idle();
    expect(textsTo(ADMIN_PHONE, code)).toHaveLength(1);

    const audit = ((await admin.get('/api/audit?limit=500')).json() as Array<{ action: string; target: string; detail: { approvers?: unknown[] } | null }>).filter((e) => e.target === id);
    const release = audit.filter((e) => e.action === 'incident.release');
    expect(release).toHaveLength(1);
    expect(release[0]?.detail?.approvers).toHaveLength(2);
    expect(release[0]?.detail?.approvers).toContainEqual({ contactId: expect.any(String) });
  });

  it('item 2: one verifier confirming twice counts once: no alert', async () => {
    const { id, code } = await newIncident();
    const check = checkCodeOf(V2, code);
    await system.text(V2, `CONFIRM ${check}`);
    await system.text(V2, `CONFIRMAR ${check}`);
    await system.idle();
    expect(alertsFor(code)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(((await ana.get(`/api/incidents/${id}`)).json() as { approvals: unknown[] }).approvals).toHaveLength(1);
  });

  it('item 2: FALSE while nobody approved dismisses it as false; only the other verifier asked gets a stand-down', async () => {
    const { id, code } = await newIncident();
    expect(await system.text(V1, `FALSE ${checkCodeOf(V1, code)}`)).toMatch(/dismissed as false/);
    await system.idle();
    expect((await ana.get(`/api/incidents/${id}`)).json()).toMatchObject({ status: 'dismissed' });
    expect(textsTo(V2, code).filter((body) => /^(STAND DOWN|CANCELADO|HINDI NA KAILANGAN) /.test(body))).toHaveLength(1);
    // Nobody else is told anything; V1 only got the request.
    expect([V1, V3, C1, R1, R2, ANA_PHONE].map((phone) => textsTo(phone, code).filter((body) => !/^(VERIFY|VERIFICAR|I-VERIFY) /.test(body)).length)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await timeline(id)).toContain('dismissed');
  });

  it('item 2: FALSE after an approval marks the incident disputed and pages the dispatchers; nothing is dismissed or released', async () => {
    const { id, code } = await newIncident();
    expect((await ana.post(`/api/incidents/${id}/confirm`, {})).json()).toMatchObject({ approvals: 1, needed: 2 });
    expect(await system.text(V2, `HINDI TOTOO ${checkCodeOf(V2, code)}`)).toMatch(/dispatcher/);
    await system.idle();
    const detail = (await ana.get(`/api/incidents/${id}`)).json();
    expect(detail.status).toBe('verifying');
    expect(detail.timeline.map((e: { type: string }) => e.type)).toContain('disputed');
    expect(((await ana.get(`/api/incidents/${id}/verification`)).json() as { disputedAt: string | null }).disputedAt).not.toBeNull();
    expect(textsTo(ANA_PHONE, code)).toHaveLength(1);
    expect(alertsFor(code)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('item 1: no acknowledgement in VERIFY_ACK_MINUTES asks the next nearest verifier, then the coordinators and dispatchers', async () => {
    const { id, code } = await newIncident();
    clock.advance(4 * 60_000);
    await escalateVerifications(system.deps);
    await system.idle();
    expect(textsTo(V3, code)).toHaveLength(0);

    clock.advance(60_000 + 1);
    await escalateVerifications(system.deps);
    await system.idle();
    expect(textsTo(V3, code)).toHaveLength(1);
    expect(textsTo(C1, code)).toHaveLength(0);
    expect(((await ana.get(`/api/incidents/${id}/verification`)).json() as { round: number }).round).toBe(2);

    clock.advance(5 * 60_000 + 1);
    await escalateVerifications(system.deps);
    await system.idle();
    expect(textsTo(C1, code)).toEqual([expect.stringMatching(new RegExp(`^NO VERIFIER ${code}`))]);
    expect(textsTo(ANA_PHONE, code)).toHaveLength(1);
    expect([R1, R2].map((phone) => textsTo(phone, code).length)).toEqual([0, 0]);
    expect(await timeline(id)).toEqual(expect.arrayContaining(['verify_asked', 'verify_escalated']));

    // Nothing more to escalate: later runs send nothing.
    const before = system.twilio.sent.length;
    clock.advance(10 * 60_000);
    await escalateVerifications(system.deps);
    await system.idle();
    expect(system.twilio.sent.slice(before).filter((m) => m.body.includes(code))).toHaveLength(0);
  });

  it('item 1: `1 <check>` (going) holds escalation back; a round that all answer `2 <check>` moves on at once', async () => {
    const going = await newIncident();
    expect(await system.text(V1, `1 ${checkCodeOf(V1, going.code)}`)).toMatch(/Go carefully/);
    clock.advance(6 * 60_000);
    await escalateVerifications(system.deps);
    await system.idle();
    expect(textsTo(V3, going.code)).toHaveLength(0);

    const cannot = await newIncident();
    expect(await system.text(V1, `2 ${checkCodeOf(V1, cannot.code)}`)).toMatch(/someone else/);
    await system.idle();
    expect(textsTo(V3, cannot.code)).toHaveLength(0);
    await system.text(V2, `NO ${checkCodeOf(V2, cannot.code)}`);
    await system.idle();
    expect(textsTo(V3, cannot.code)).toHaveLength(1);
    const view = (await ana.get(`/api/incidents/${cannot.id}/verification`)).json() as { requests: Array<{ ack: string | null }> };
    expect(view.requests.map((r) => r.ack)).toEqual(['cannot', 'cannot', null]);
  });

  it('item 2: SEND <code> from a coordinator counts only after a verifier confirmed, and then releases the alert', async () => {
    const { id, code } = await newIncident();
    expect(await system.text(C1, `SEND ${code}`)).toMatch(/only after a verifier confirmed/);
    expect(await system.text(R1, `SEND ${code}`)).toMatch(/Only a coordinator/);
    await system.idle();
    expect(((await ana.get(`/api/incidents/${id}`)).json() as { approvals: unknown[] }).approvals).toHaveLength(0);

    await system.text(V1, `CONFIRM ${checkCodeOf(V1, code)}`);
    expect(await system.text(C1, `SEND ${code}`)).toMatch(/approval of alert .* is recorded/);
    await system.idle();
    // Who approved says what they are, never who: the verifier from the scene, then the coordinator.
    expect((await ana.get(`/api/incidents/${id}`)).json()).toMatchObject({ status: 'confirmed', approvals: [{ by: 'verifier' }, { by: 'coordinator' }] });
    expect(alertsFor(code)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('item 1: a dispatcher asks verifiers again (POST /verify); a confirmed incident cannot be sent (409)', async () => {
    const { id, code } = await newIncident();
    const asked = await ana.post(`/api/incidents/${code}/verify`, {});
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toMatchObject({ round: 2 });
    await system.idle();
    expect(textsTo(V3, code)).toHaveLength(1);
    expect((await ana.post(`/api/incidents/${id}/verify`, {})).statusCode).toBe(409);
    await system.text(V1, `CONFIRM ${checkCodeOf(V1, code)}`);
    await ana.post(`/api/incidents/${id}/confirm`, {});
    expect((await ana.post(`/api/incidents/${id}/verify`, {})).statusCode).toBe(409);
  });
});

describe('flood incidents and duty', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let admin: ApiClient;

  beforeAll(async () => {
    system = await startSystem({ clock, env: { RELEASE_APPROVALS: '2', FLOOD_NEW_REPORTERS_PER_10_MIN: '1' } });
    admin = await system.login('admin');
    const committee = await committeeWithMembers(system, admin, { name: 'Mission', area: MISSION_ZIPS }, [V1, V2]);
    const members = (await admin.get(`/api/committees/${committee.id}/members`)).json() as Array<{ id: string }>;
    for (const member of members) expect((await admin.patch(`/api/members/${member.id}`, { role: 'verifier' })).statusCode).toBe(200);
    await system.idle();
  });
  afterAll(() => system?.close());

  it('item 1: a flood incident is not sent to verifiers automatically; "Ask verifiers" sends it', async () => {
    // The first new number is within the threshold (and elsewhere: a ZIP no committee covers); the second makes a flood.
    await reportIncident(system, admin, '+14155550881', 'raid at the bakery 94103');
    const id = await reportIncident(system, admin, '+14155550882', 'raid at the school 94110');
    const incident = (await admin.get(`/api/incidents/${id}`)).json();
    expect(incident).toMatchObject({ flood: true, status: 'new' });
    const before = system.twilio.sent.filter((m) => m.body.includes(incident.code)).length;
    expect(before).toBe(0);

    expect((await admin.post(`/api/incidents/${id}/verify`, {})).statusCode).toBe(202);
    await system.idle();
    expect(system.twilio.sent.filter((m) => m.body.startsWith(`VERIFY ${incident.code}`)).map((m) => m.to).sort()).toEqual([V1, V2]);
    expect((await admin.get(`/api/incidents/${id}`)).json()).toMatchObject({ status: 'verifying' });
  });

  it('item 1: verifiers off duty, or outside their weekly shifts, are not asked', async () => {
    expect(await system.text(V1, 'OFF DUTY')).toMatch(/off duty/);
    const committee = ((await admin.get('/api/committees')).json() as Array<{ id: string }>)[0];
    const members = (await admin.get(`/api/committees/${committee?.id}/members`)).json() as Array<{ id: string; phone: string }>;
    const v2 = members.find((m) => m.phone.endsWith(V2.slice(-4)));
    // A shift on no day of this week's hour: a minute ago, a week back.
    const nowLocal = new Date();
    const shift = { day: (nowLocal.getUTCDay() + 3) % 7, start: 60, end: 120 };
    const patched = await admin.patch(`/api/members/${v2?.id}`, { shifts: [shift] });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ shifts: [shift] });
    // Past the flood's 10 minutes and CLUSTER_MINUTES: a new incident, sent automatically if anyone were on duty.
    clock.advance(31 * 60_000);
    const id = await reportIncident(system, admin, '+14155550883', 'ICE at the laundromat 94110');
    const incident = (await admin.get(`/api/incidents/${id}`)).json();
    expect(incident.flood).toBe(false);
    expect(system.twilio.sent.filter((m) => m.body.includes(incident.code))).toHaveLength(0);
    expect(((await admin.get(`/api/incidents/${id}`)).json() as { timeline: Array<{ type: string }> }).timeline.map((e) => e.type)).toContain('verify_none');
    const refused = await admin.post(`/api/incidents/${id}/verify`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatch(/no on-duty verifier/);
    // Back on duty: asked now.
    expect(await system.text(V1, 'ON DUTY')).toMatch(/on duty/);
    expect((await admin.post(`/api/incidents/${id}/verify`, {})).statusCode).toBe(202);
    await system.idle();
    expect(system.twilio.sent.filter((m) => m.body.startsWith(`VERIFY ${incident.code}`)).map((m) => m.to)).toEqual([V1]);
  });
});
