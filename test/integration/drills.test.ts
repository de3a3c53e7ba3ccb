// Drills (issue 9 item 8): a drill incident is sent like a real one, marked as a drill in every language, never
// reaches numbers that opted out, and never mixes with real incidents' reports or counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipCentroid } from '../../src/geo/zips.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

const EN = '+14155550611';
const ES = '+14155550612';
const TL = '+14155550613';
const OPTED_OUT = '+14155550614';
const BACK_IN = '+14155550615';
const MEMBERS = [EN, ES, TL, OPTED_OUT, BACK_IN];
const PREFIX = { en: 'DRILL: ', es: 'SIMULACRO: ', tl: 'PAGSASANAY: ' };

describe('drills', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let dispatcher: ApiClient;
  const mission = zipCentroid('94110');

  beforeAll(async () => {
    system = await startSystem({ clock });
    dispatcher = await system.login('dispatcher');
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, MEMBERS);
    await system.text(ES, 'IDIOMA ES');
    await system.text(TL, 'WIKA TL');
    await system.idle();
  });
  afterAll(() => system?.close());

  const startDrill = async (label = 'Drill at 24th and Mission') => {
    if (!mission) throw new Error('no centroid for 94110');
    const response = await dispatcher.post('/api/drills', { location: { lat: mission.lat, lng: mission.lng, label }, kind: 'worksite' });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: string; code: string; drill: boolean; status: string; kind: string };
  };
  const sentTo = (phone: string, since: number) => system.twilio.sent.slice(since).filter((m) => m.to === phone);

  it('item 8: DRILLS OFF / SIMULACROS NO / PAGSASANAY ON are answered in the sender\'s language', async () => {
    expect(await system.text(OPTED_OUT, 'DRILLS OFF')).toMatch(/no longer get drill messages/);
    expect(await system.text(BACK_IN, 'Simulacros no')).toMatch(/Ya no recibirá mensajes de simulacro/);
    expect(await system.text(BACK_IN, 'PAGSASANAY ON')).toMatch(/pagsasanay/i);
    // Spanish keyword, then Tagalog: the later keyword's language is remembered.
    expect(await system.text(BACK_IN, 'DRILLS ON')).toMatch(/pagsasanay/i);
  });

  it('item 8: a drill never alerts a member who opted out; every text starts with the drill word of its language; preview sends nothing', async () => {
    const drill = await startDrill();
    expect(drill).toMatchObject({ drill: true, status: 'new', kind: 'worksite' });

    const before = system.twilio.sent.length;
    const preview = await dispatcher.post(`/api/incidents/${drill.id}/preview`, {});
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({ recipients: MEMBERS.length - 1, committees: [{ name: 'Mission', recipients: MEMBERS.length - 1 }], drillOptedOut: 1 });
    const texts = preview.json().texts as Record<'en' | 'es' | 'tl', string>;
    for (const locale of ['en', 'es', 'tl'] as const) expect(texts[locale].startsWith(PREFIX[locale]), texts[locale]).toBe(true);
    await system.idle();
    expect(system.twilio.sent.length).toBe(before);

    expect((await dispatcher.post(`/api/incidents/${drill.id}/confirm`, {})).json()).toMatchObject({ status: 'confirmed', drill: true });
    await system.twilio.waitForSent(before + MEMBERS.length - 1);
    await system.idle();
    expect(sentTo(OPTED_OUT, before)).toEqual([]);
    const alertOf = (phone: string) => sentTo(phone, before).map((m) => m.body);
    expect(alertOf(EN)).toEqual([expect.stringMatching(/^DRILL: /)]);
    expect(alertOf(ES)).toEqual([expect.stringMatching(/^SIMULACRO: /)]);
    expect(alertOf(TL)).toEqual([expect.stringMatching(/^PAGSASANAY: /)]);
    expect(alertOf(BACK_IN)).toHaveLength(1);
    for (const phone of [EN, ES, TL, BACK_IN]) expect(alertOf(phone)[0]).toContain(drill.code);

    // The all clear of a drill is marked as a drill too, and reaches only those the drill alert reached.
    const closing = system.twilio.sent.length;
    expect((await dispatcher.post(`/api/incidents/${drill.id}/resolve`, {})).statusCode).toBe(200);
    await system.twilio.waitForSent(closing + MEMBERS.length - 1);
    await system.idle();
    expect(sentTo(OPTED_OUT, closing)).toEqual([]);
    expect(sentTo(ES, closing).map((m) => m.body)).toEqual([expect.stringMatching(/^SIMULACRO: /)]);
  });

  it('item 8: drill counts never mix with real ones: reports, roll call and the list keep them apart; opting out of drills never stops a real alert', async () => {
    clock.advance(31 * 60_000);
    const drill = await startDrill('Practice at the bakery');
    let sent = system.twilio.sent.length;
    await dispatcher.post(`/api/incidents/${drill.id}/confirm`, {});
    await system.twilio.waitForSent(sent + MEMBERS.length - 1);
    await system.idle();

    // A real report at the same place opens a real incident: it never joins the drill.
    const realId = await reportIncident(system, dispatcher, '+14155550690', 'ICE raid at the bakery 94110 right now');
    expect(realId).not.toBe(drill.id);
    sent = system.twilio.sent.length;
    const real = (await dispatcher.post(`/api/incidents/${realId}/confirm`, {})).json() as { code: string; drill: boolean };
    expect(real.drill).toBe(false);
    await system.twilio.waitForSent(sent + MEMBERS.length);
    await system.idle();
    // The member who opted out of drills gets the real alert, with no drill word.
    expect(sentTo(OPTED_OUT, sent).map((m) => m.body)).toEqual([expect.stringContaining(real.code)]);
    expect(sentTo(OPTED_OUT, sent)[0]?.body).not.toMatch(/DRILL/);

    // Answers name their incident; each roll call counts only its own.
    await system.text(EN, `1 ${drill.code}`);
    await system.text(ES, `1 ${real.code}`);
    await system.text(TL, `ON SCENE ${real.code}`);
    const drillDetail = (await dispatcher.get(`/api/incidents/${drill.id}`)).json();
    const realDetail = (await dispatcher.get(`/api/incidents/${realId}`)).json();
    expect(drillDetail).toMatchObject({ drill: true, reportCount: 0, rollCall: { going: 1, cannot: 0, onScene: 0, noReply: MEMBERS.length - 2 } });
    expect(realDetail).toMatchObject({ drill: false, reportCount: 1, rollCall: { going: 2, cannot: 0, onScene: 1, noReply: MEMBERS.length - 2 } });

    const list = (await dispatcher.get('/api/incidents?status=confirmed')).json() as Array<{ id: string; drill: boolean }>;
    expect(list.filter((i) => i.drill).map((i) => i.id)).toEqual([drill.id]);
    expect(list.filter((i) => !i.drill).map((i) => i.id)).toEqual([realId]);
  });

  it('item 8: a drill placed by a typed ZIP is an area, like a report placed by one; a click on the map is a point', async () => {
    if (!mission) throw new Error('no centroid for 94110');
    const byZip = await dispatcher.post('/api/drills', { location: { lat: mission.lat, lng: mission.lng, label: 'ZIP 94110', precision: 'zip', zip: '94110' }, kind: 'worksite' });
    expect(byZip.statusCode).toBe(201);
    expect(byZip.json()).toMatchObject({ drill: true, location: { label: 'ZIP 94110', precision: 'zip' } });
    // A report placed by the same ZIP is stored the same way.
    const realId = await reportIncident(system, dispatcher, '+14155550691', 'ICE at the corner store 94110');
    const real = (await dispatcher.get(`/api/incidents/${realId}`)).json() as { location: { label: string; precision: string } };
    expect(byZip.json().location).toMatchObject({ label: real.location.label, precision: real.location.precision });
    expect(system.deps.repos.incidents.get(byZip.json().id)?.zip).toBe('94110');

    const byClick = await dispatcher.post('/api/drills', { location: { lat: mission.lat, lng: mission.lng }, kind: 'worksite' });
    expect(byClick.json()).toMatchObject({ location: { precision: 'point' } });
  });

  it('item 8: a real incident\'s preview leaves nobody out for DRILLS OFF', async () => {
    clock.advance(31 * 60_000);
    const realId = await reportIncident(system, dispatcher, '+14155550692', 'ICE raid at the laundromat 94110');
    const preview = await dispatcher.post(`/api/incidents/${realId}/preview`, {});
    expect(preview.json()).toMatchObject({ recipients: MEMBERS.length, drillOptedOut: 0 });
  });

  it('item 8: POST /api/drills checks its body and needs a session', async () => {
    expect((await dispatcher.post('/api/drills', { location: { lat: 200, lng: 0 }, kind: 'worksite' })).statusCode).toBe(400);
    expect((await dispatcher.post('/api/drills', { kind: 'worksite' })).statusCode).toBe(400);
    expect((await dispatcher.post('/api/drills', { location: { lat: 37.75, lng: -122.41 }, kind: 'parade' })).statusCode).toBe(400);
    const anonymous = await system.app.inject({ method: 'POST', url: '/api/drills', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(anonymous.statusCode).toBe(401);
  });
});
