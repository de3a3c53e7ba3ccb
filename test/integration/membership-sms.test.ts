// Membership by SMS (issue 9 item 9): coordinators get each pending JOIN by SMS and answer APPROVE/DENY <last4>;
// HELP and JOIN replies name the program (PROGRAM_NAME).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MISSION_ZIPS } from '../support/scenario.js';
import { type ApiClient, startSystem, type TestSystem } from '../support/system.js';

const PROGRAM = 'Mission Rapid Response';
const COORDINATOR = '+14155550701';
const OTHER_COORDINATOR = '+14155550702';
const RESPONDER = '+14155550703';

interface Member {
  id: string;
  phone: string;
  role: string;
  status: string;
}

describe('membership by SMS', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  let committee: { id: string; name: string; inviteCode: string };

  beforeEach(async () => {
    system = await startSystem({ env: { PROGRAM_NAME: PROGRAM } });
    dispatcher = await system.login();
    const created = await dispatcher.post('/api/committees', { name: 'Mission Defense', area: MISSION_ZIPS });
    expect(created.statusCode).toBe(201);
    committee = created.json();
  });
  afterEach(() => system?.close());

  const members = async () => (await dispatcher.get(`/api/committees/${committee.id}/members`)).json() as Member[];
  const memberOf = async (last4: string) => (await members()).find((m) => m.phone.endsWith(last4));
  /** Joins through the real JOIN path, then a dispatcher makes the member what the test needs. */
  const addMember = async (phone: string, role: 'coordinator' | 'responder') => {
    expect(await system.text(phone, `JOIN ${committee.inviteCode}`)).toContain(PROGRAM);
    const member = await memberOf(phone.slice(-4));
    expect((await dispatcher.patch(`/api/members/${member!.id}`, { role, status: 'active' })).statusCode).toBe(200);
  };
  const sentTo = (phone: string) => system.twilio.sent.filter((m) => m.to === phone);

  it('item 9: a pending JOIN texts every active coordinator the masked number, ZIP and masked note, and how to answer', async () => {
    await addMember(COORDINATOR, 'coordinator');
    await addMember(OTHER_COORDINATOR, 'coordinator');
    await addMember(RESPONDER, 'responder');
    await system.idle();
    const before = system.twilio.sent.length;

    const reply = await system.text('+14155551234', `JOIN ${committee.inviteCode} 94110 sent by Rosa, call her at 415-555-0199`);
    expect(reply).toContain(PROGRAM);
    expect(reply).toContain('Mission Defense');
    const notices = (await system.twilio.waitForSent(before + 2)).slice(before);
    await system.idle();
    expect(system.twilio.sent.length).toBe(before + 2);
    expect(notices.map((m) => m.to).sort()).toEqual([COORDINATOR, OTHER_COORDINATOR]);
    for (const notice of notices) {
      expect(notice.body).toContain('+1*******1234');
      expect(notice.body).toContain('94110');
      expect(notice.body).toContain('APPROVE 1234');
      expect(notice.body).toContain('DENY 1234');
      expect(notice.body).toContain('***-***-0199');
      expect(notice.body).not.toMatch(/415.?555.?1234|555.?0199/);
    }
    // (The responder's only text is the welcome from their own approval.)
    expect(system.twilio.sent.slice(before).filter((m) => m.to === RESPONDER)).toHaveLength(0);
    // The joiner is pending until someone decides.
    expect(await memberOf('1234')).toMatchObject({ status: 'pending' });
  });

  it('item 9: APPROVE <last4> from a coordinator makes the member active and texts them the welcome', async () => {
    await addMember(COORDINATOR, 'coordinator');
    await system.text('+14155551234', `JOIN ${committee.inviteCode} 94110`);
    await system.idle();

    const reply = await system.text(COORDINATOR, 'APPROVE 1234');
    expect(reply).toMatch(/^Approved: \+1\*{7}1234 is now an active member of Mission Defense/);
    expect(await memberOf('1234')).toMatchObject({ status: 'active' });
    await system.idle();
    const welcome = sentTo('+14155551234');
    expect(welcome).toHaveLength(1);
    expect(welcome[0]?.body).toContain(PROGRAM);
    expect(welcome[0]?.body).toContain('Mission Defense');
    expect(welcome[0]?.body).toContain('STOP');

    // Nothing is pending any more: a second APPROVE finds nobody, and nobody is welcomed twice.
    expect(await system.text(COORDINATOR, 'APPROVE 1234')).toMatch(/No pending request ends in 1234/);
    await system.idle();
    expect(sentTo('+14155551234')).toHaveLength(1);
  });

  it('item 9: a Spanish-speaking coordinator is asked in Spanish and answers APROBAR', async () => {
    await addMember(COORDINATOR, 'coordinator');
    expect(await system.text(COORDINATOR, 'IDIOMA ES')).toMatch(/español/);
    await system.text('+14155551234', `JOIN ${committee.inviteCode}`);
    await system.idle();
    expect(sentTo(COORDINATOR).at(-1)?.body).toMatch(/^Solicitud para unirse a Mission Defense de \+1\*{7}1234.*APROBAR 1234.*RECHAZAR 1234/);
    expect(await system.text(COORDINATOR, 'aprobar 1234')).toMatch(/^Aprobado:/);
    expect(await memberOf('1234')).toMatchObject({ status: 'active' });
  });

  it('item 9: DENY <last4> removes the pending member and sends them nothing', async () => {
    await addMember(COORDINATOR, 'coordinator');
    await system.text('+14155552222', `JOIN ${committee.inviteCode}`);
    await system.idle();

    expect(await system.text(COORDINATOR, 'DENY 2222')).toMatch(/^Denied: \+1\*{7}2222 will not join Mission Defense/);
    expect(await memberOf('2222')).toMatchObject({ status: 'removed' });
    await system.idle();
    expect(sentTo('+14155552222')).toHaveLength(0);
  });

  it('item 9: two pending members ending in the same digits: nothing changes and the reply points to the console', async () => {
    await addMember(COORDINATOR, 'coordinator');
    await system.text('+14155553333', `JOIN ${committee.inviteCode}`);
    await system.text('+14155563333', `JOIN ${committee.inviteCode}`);
    await system.idle();

    expect(await system.text(COORDINATOR, 'APPROVE 3333')).toMatch(/More than one pending request ends in 3333.*console/);
    expect((await members()).filter((m) => m.phone.endsWith('3333')).map((m) => m.status)).toEqual(['pending', 'pending']);
    await system.idle();
    expect(sentTo('+14155553333')).toHaveLength(0);
    expect(sentTo('+14155563333')).toHaveLength(0);
  });

  it('item 9: APPROVE from someone who coordinates nothing is refused and changes nothing', async () => {
    await addMember(RESPONDER, 'responder');
    await system.text('+14155551234', `JOIN ${committee.inviteCode}`);
    await system.idle();

    expect(await system.text(RESPONDER, 'APPROVE 1234')).toMatch(/Only a committee coordinator/);
    expect(await system.text('+14155559876', 'DENY 1234')).toMatch(/Only a committee coordinator/);
    expect(await memberOf('1234')).toMatchObject({ status: 'pending' });
    await system.idle();
    expect(sentTo('+14155551234')).toHaveLength(0);
  });

  it('item 9: a coordinator of another committee cannot decide on this one', async () => {
    const other = (await dispatcher.post('/api/committees', { name: 'Excelsior', area: { type: 'zips', zips: ['94112'] } })).json() as { id: string; inviteCode: string };
    await system.text(COORDINATOR, `JOIN ${other.inviteCode}`);
    const own = (await (await dispatcher.get(`/api/committees/${other.id}/members`)).json()) as Member[];
    await dispatcher.patch(`/api/members/${own[0]!.id}`, { role: 'coordinator', status: 'active' });
    await system.text('+14155551234', `JOIN ${committee.inviteCode}`);

    expect(await system.text(COORDINATOR, 'APPROVE 1234')).toMatch(/No pending request ends in 1234/);
    expect(await memberOf('1234')).toMatchObject({ status: 'pending' });
  });

  it('item 9: approving a pending member in the console sends the welcome APPROVE sends, once, in their language', async () => {
    await addMember(COORDINATOR, 'coordinator');
    expect(await system.text('+14155551234', 'IDIOMA ES')).toMatch(/español/);
    await system.text('+14155551234', `JOIN ${committee.inviteCode} 94110`);
    await system.idle();
    const pending = (await memberOf('1234'))!;
    const before = system.twilio.sent.length;
    const welcomes = () => system.twilio.sent.slice(before).filter((m) => m.to === '+14155551234').map((m) => m.body);

    expect((await dispatcher.patch(`/api/members/${pending.id}`, { status: 'active' })).json()).toMatchObject({ status: 'active' });
    await system.twilio.waitForSent(before + 1);
    await system.idle();
    expect(welcomes()).toEqual([`${PROGRAM}: Le agregaron a Mission Defense, una red de respuesta rapida. Solo recibira alertas cuando se confirme una redada, unas pocas al mes como maximo. Pueden aplicar tarifas de mensajes y datos. Responda AYUDA para ayuda, STOP o ALTO para salir.`]);

    // Approved again, a pending request approved by SMS after all, another change: still one welcome.
    expect((await dispatcher.patch(`/api/members/${pending.id}`, { status: 'active' })).statusCode).toBe(200);
    expect(await system.text(COORDINATOR, 'APPROVE 1234')).toMatch(/No pending request ends in 1234/);
    expect((await dispatcher.patch(`/api/members/${pending.id}`, { role: 'verifier' })).statusCode).toBe(200);
    await system.idle();
    expect(welcomes()).toHaveLength(1);
  });

  it('item 9: HELP and every JOIN reply name the program, in each language', async () => {
    expect(await system.text('+14155554444', 'HELP')).toMatch(new RegExp(`^${PROGRAM}: .*STOP`));
    expect(await system.text('+14155554445', 'AYUDA')).toMatch(new RegExp(`^${PROGRAM}: .*911`));
    expect(await system.text('+14155554446', 'TULONG')).toMatch(new RegExp(`^${PROGRAM}: `));
    expect(await system.text('+14155554447', 'JOIN')).toMatch(new RegExp(`^${PROGRAM}: `));
    expect(await system.text('+14155554447', 'JOIN ZZ99ZZ')).toMatch(new RegExp(`^${PROGRAM}: `));
    expect(await system.text('+14155554448', `UNIRSE ${committee.inviteCode}`)).toMatch(new RegExp(`^${PROGRAM}: .*STOP`));
    expect(await system.text('+14155554448', `UNIRSE ${committee.inviteCode}`)).toMatch(new RegExp(`^${PROGRAM}: `));
  });
});
