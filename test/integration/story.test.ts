// The spine, end to end: members join by SMS, a report comes in, a dispatcher confirms, the right people get
// exactly one alert each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, startSystem, type TestSystem, sign } from '../support/system.js';

const MISSION = { type: 'zips', zips: ['94110', '94103'] };
const OAKLAND = { type: 'circle', center: { lat: 37.8044, lng: -122.2712 }, radiusMeters: 3000 };

const alice = '+14155550101';
const bob = '+14155550102';
const carol = '+14155550103';
const dave = '+15105550104'; // Oakland committee
const reporter = '+14155550199';

describe('a texted raid report becomes an alert to the right committee', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  let mission: { id: string; inviteCode: string };
  let oakland: { id: string; inviteCode: string };

  beforeAll(async () => {
    system = await startSystem();
    dispatcher = await system.login('dispatcher');
    const created = await dispatcher.post('/api/committees', { name: 'Mission Rapid Response', area: MISSION, autoApprove: false });
    expect(created.statusCode).toBe(201);
    mission = created.json();
    oakland = (await dispatcher.post('/api/committees', { name: 'Fruitvale', area: OAKLAND, autoApprove: true })).json();
  });
  afterAll(() => system?.close());

  it('runs the whole story', async () => {
    // Three members join by SMS; the committee approves by hand, so they start pending.
    expect(await system.text(alice, `JOIN ${mission.inviteCode} 94110 Alice from the church`)).toMatch(/Mission Rapid Response/);
    expect(await system.text(bob, `unirse ${mission.inviteCode.toLowerCase()} 94103`)).toMatch(/Mission Rapid Response/);
    expect(await system.text(carol, `JOIN ${mission.inviteCode}`)).toMatch(/Mission Rapid Response/);
    expect(await system.text(dave, `JOIN ${oakland.inviteCode} 94601`)).toMatch(/Fruitvale/);

    const members = (await dispatcher.get(`/api/committees/${mission.id}/members`)).json() as Array<{ id: string; phone: string; status: string; note: string | null; locale: string }>;
    expect(members.map((m) => m.status)).toEqual(['pending', 'pending', 'pending']);
    expect(members[0]?.phone).toBe('+1•••••••0101');
    expect(members[0]?.note).toBe('Alice from the church');
    expect(members[1]?.locale).toBe('es');
    for (const m of members) expect((await dispatcher.patch(`/api/members/${m.id}`, { status: 'active' })).statusCode).toBe(200);
    // Approved in the console: each is welcomed once; the story goes on from a clean slate.
    await system.twilio.waitForSent(3);
    await system.idle();
    expect(system.twilio.sent.map((m) => m.to).sort()).toEqual([alice, bob, carol].sort());
    system.twilio.reset();

    // Carol stops: she must never be texted again.
    expect(await system.text(carol, 'STOP')).toBe('');

    // A reporter outside the committee texts a report with a ZIP inside its area.
    const ack = await system.text(reporter, 'ICE agents at the car wash on Mission, 94110, three vans');
    expect(ack).toMatch(/received/i);
    expect(ack).not.toMatch(/ZIP code, cross streets/i);
    await system.idle();

    const incidents = (await dispatcher.get('/api/incidents')).json() as Array<{ id: string; status: string; location: { label: string; precision: string }; reportCount: number; kind: string }>;
    expect(incidents).toHaveLength(1);
    const incident = incidents[0]!;
    expect(incident).toMatchObject({ status: 'new', reportCount: 1, kind: 'worksite', location: { label: 'ZIP 94110', precision: 'zip' } });
    expect(system.twilio.sent).toHaveLength(0); // nothing goes out before a dispatcher confirms

    // The dispatcher confirms: exactly the two active Mission members get exactly one alert each.
    expect((await dispatcher.post(`/api/incidents/${incident.id}/confirm`, {})).statusCode).toBe(202);
    await system.twilio.waitForSent(2);
    await system.idle();
    const recipients = system.twilio.sent.map((m) => m.to).sort();
    expect(recipients).toEqual([alice, bob]);
    const toAlice = system.twilio.sent.find((m) => m.to === alice)!;
    const toBob = system.twilio.sent.find((m) => m.to === bob)!;
    expect(toAlice.body).toMatch(/ZIP 94110/);
    expect(toAlice.body).not.toMatch(/car wash|three vans/); // never the reporter's words
    expect(toBob.body).not.toBe(toAlice.body); // Bob joined in Spanish
    expect(toAlice.statusCallback).toBe('https://centinela.example.org/twilio/status');
    expect(toAlice.validityPeriod).toBeGreaterThan(800);
    expect(toAlice.validityPeriod).toBeLessThanOrEqual(900);

    // Confirming again resends nothing.
    expect((await dispatcher.post(`/api/incidents/${incident.id}/confirm`, {})).statusCode).toBe(200);
    await system.idle();
    expect(system.twilio.sent).toHaveLength(2);

    // A delivery report and a reply from a responder show on the incident.
    const statusParams = { MessageSid: toAlice.sid, MessageStatus: 'delivered', AccountSid: system.twilio.accountSid };
    const status = await system.app.inject({
      method: 'POST',
      url: '/twilio/status',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign('/twilio/status', statusParams) },
      payload: new URLSearchParams(statusParams).toString(),
    });
    expect(status.statusCode).toBe(200);
    expect(await system.text(alice, '1')).toMatch(new RegExp((await dispatcher.get(`/api/incidents/${incident.id}`)).json().code));
    const detail = (await dispatcher.get(`/api/incidents/${incident.id}`)).json();
    expect(detail.alerts.alert).toEqual({ delivered: 1, sent: 1 });
    expect(detail.responses).toHaveLength(1);
    expect(detail.responses[0]).toMatchObject({ answer: 'going', phone: '+1•••••••0101' });
    expect(detail.reports[0].text).toMatch(/car wash/);
  });

  it('creates nothing for a replayed MessageSid and answers it the same', async () => {
    const params = { MessageSid: 'SM0123456789abcdef0123456789abcdef', From: '+14155550177', To: '+15005550006', Body: 'migra en la escuela 94103 ahora mismo' };
    const post = () =>
      system.app.inject({
        method: 'POST',
        url: '/twilio/sms',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign('/twilio/sms', params) },
        payload: new URLSearchParams(params).toString(),
      });
    const before = (await dispatcher.get('/api/reports')).json().length;
    const first = await post();
    const second = await post();
    expect(second.statusCode).toBe(200);
    expect(second.body).toBe(first.body);
    await system.idle();
    expect((await dispatcher.get('/api/reports')).json()).toHaveLength(before + 1);
  });

  it('refuses an unsigned or wrongly signed webhook with 403 and changes nothing', async () => {
    const before = (await dispatcher.get('/api/reports')).json().length;
    const payload = new URLSearchParams({ MessageSid: 'SMffff', From: '+14155550100', Body: 'fake raid 94110' }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await system.app.inject({ method: 'POST', url: '/twilio/sms', headers, payload })).statusCode).toBe(403);
    const forged = await system.app.inject({ method: 'POST', url: '/twilio/sms', headers: { ...headers, 'x-twilio-signature': 'bm9wZQ==' }, payload });
    expect(forged.statusCode).toBe(403);
    expect((await dispatcher.get('/api/reports')).json()).toHaveLength(before);
  });
});
