// Issue #8's first paragraph, as a new user met it: texts the way frightened people write them, through the signed
// webhook, a real worker and the console API, on the tests' own map (an OSM extract, the network's places).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fitSms } from '../../src/domain/sms-fit.js';
import { distanceMeters } from '../../src/geo/distance.js';
import { t } from '../../src/i18n/index.js';
import { crossing, PLACES, streetNamed } from '../fixtures/geo/city.js';
import { fixtureStreetsEnv, fixtureStreetsFile } from '../support/geography.js';
import { committeeWithMembers } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

interface IncidentRow {
  id: string;
  code: string;
  status: string;
  kind: string;
  reportCount: number;
  distinctReporters: number;
  location: { lat: number; lng: number; label: string; precision: string; source: string | null } | null;
}

const corner = (a: string, b: string) => {
  const point = crossing(streetNamed(a)!, streetNamed(b)!);
  if (!point) throw new Error(`${a} and ${b} do not cross`);
  return { lat: point[0], lng: point[1] };
};
const place = (name: string) => PLACES.find((p) => p.name === name)!;

describe('understanding reports', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  let clock: TestClock;

  beforeEach(async () => {
    clock = new TestClock();
    system = await startSystem({ clock, env: await fixtureStreetsEnv() });
    dispatcher = await system.login();
    for (const p of PLACES) {
      const created = await dispatcher.post('/api/places', { name: p.name, aliases: p.aliases, lat: p.lat, lng: p.lng, kind: p.kind });
      expect(created.statusCode).toBe(201);
    }
  });
  afterEach(() => system?.close());

  const incidents = async () => (await dispatcher.get('/api/incidents')).json() as IncidentRow[];
  const send = async (from: string, text: string) => {
    const reply = await system.text(from, text);
    await system.idle();
    return reply;
  };

  it('item 1: a Home Depot at a named corner, in Spanish, is placed at once and answered in Spanish', async () => {
    const reply = await send('+14155550801', 'la migra esta en el Home Depot de Cesar Chavez y Bryant');
    expect(reply).toBe(fitSms(t('es', 'report_ack')));
    const [incident] = await incidents();
    expect(incident?.location?.precision).toMatch(/place|intersection/);
    expect(distanceMeters(incident!.location!, place('Home Depot Cesar Chavez'))).toBeLessThan(300);
    expect(incident?.kind).toBe('worksite');
  });

  it('item 1: "24th st near Folsom" is an intersection and a home raid', async () => {
    expect(await send('+14155550802', 'ICE knocking on doors on 24th st near Folsom')).toBe(fitSms(t('en', 'report_ack')));
    const [incident] = await incidents();
    expect(incident).toMatchObject({ kind: 'home', location: { precision: 'intersection', source: 'streets' } });
    expect(distanceMeters(incident!.location!, corner('24th Street', 'Folsom Street'))).toBeLessThan(50);
    expect(incident?.location?.label).toMatch(/24th St/);
  });

  it('item 5: the answer to "where?" with cross streets places the report, in English and Spanish', async () => {
    expect(await send('+14155550803', 'ICE vans outside the laundromat right now')).toBe(fitSms(t('en', 'report_ack_ask_location')));
    expect(await send('+14155550803', '24th and Folsom')).toBe(fitSms(t('en', 'location_ack')));
    expect(await send('+14155550804', 'hay agentes de la migra sacando gente, ayuda')).toBe(fitSms(t('es', 'report_ack_ask_location')));
    expect(await send('+14155550804', 'Cesar Chavez y Bryant en la Mission')).toBe(fitSms(t('es', 'location_ack')));
    const list = await incidents();
    expect(list).toHaveLength(2);
    const points = list.map((i) => i.location);
    expect(points.every((p) => p?.precision === 'intersection')).toBe(true);
    expect(points.some((p) => distanceMeters(p!, corner('24th Street', 'Folsom Street')) < 50)).toBe(true);
    expect(points.some((p) => distanceMeters(p!, corner('Cesar Chavez Street', 'Bryant Street')) < 50)).toBe(true);
  });

  it('item 4: three reports from blocks of one ZIP far apart are three incidents, and each alert names its corner', async () => {
    const members = ['+14155550901'];
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: { type: 'zips', zips: ['94110'] } }, members);
    await send('+14155550805', 'ICE at 24th and Mission right now');
    await send('+14155550806', 'migra en Cesar Chavez y Bryant');
    await send('+14155550807', 'agents at 22nd & Valencia');
    const list = await incidents();
    expect(list).toHaveLength(3);
    for (const incident of list) expect((await dispatcher.post(`/api/incidents/${incident.id}/confirm`)).statusCode).toBe(202);
    await system.idle();
    const alerts = system.twilio.sent.filter((m) => m.to === members[0] && m.body.includes('CONFIRMED')).map((m) => m.body);
    expect(alerts).toHaveLength(3);
    expect(alerts.some((body) => /24th St & Mission St|Mission St & 24th St/.test(body))).toBe(true);
    expect(alerts.some((body) => /Cesar Chavez St & Bryant St|Bryant St & Cesar Chavez St/.test(body))).toBe(true);
    expect(alerts.every((body) => !body.includes('ZIP 94110'))).toBe(true);
  });

  it('item 4: a ZIP-only report joins the most recent open incident in that ZIP; a precise one 600 m away does not', async () => {
    await send('+14155550808', 'ICE at 24th and Mission');
    clock.advance(60_000);
    await send('+14155550809', 'ICE at 20th and Mission'); // ~700 m north
    clock.advance(60_000);
    await send('+14155550810', 'la migra anda en el 94110');
    const list = await incidents();
    expect(list).toHaveLength(2);
    const twentieth = list.find((i) => distanceMeters(i.location!, corner('20th Street', 'Mission Street')) < 50);
    expect(twentieth).toMatchObject({ reportCount: 2, location: { precision: 'intersection' } });
  });

  it('item 5: a reporter\'s "94124" places their waiting report instead of opening a second incident', async () => {
    await send('+14155550811', 'ICE took my neighbor, please send people');
    expect(await send('+14155550811', '94124')).toBe(fitSms(t('en', 'location_ack')));
    const list = await incidents();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ reportCount: 1, location: { precision: 'zip' } });
  });

  it('item 5: a new report sent while the first waits for its place is a new report, and the first still waits', async () => {
    await send('+14155550812', 'ICE is here, they are taking people');
    const reply = await send('+14155550812', "Also 3 vans at the church on Valencia, they are arresting people");
    expect(reply).not.toBe(fitSms(t('en', 'location_ack')));
    const reports = (await dispatcher.get('/api/reports')).json() as Array<{ text: string; locationText: string | null }>;
    expect(reports).toHaveLength(2);
    expect(reports.every((r) => r.locationText === null)).toBe(true);
    // Both wait for their place now: each answer places one of them, the latest question first.
    expect(await send('+14155550812', '22nd and Shotwell')).toBe(fitSms(t('en', 'location_ack')));
    expect(await send('+14155550812', '24th and Valencia')).toBe(fitSms(t('en', 'location_ack')));
    const placed = (await dispatcher.get('/api/reports')).json() as Array<{ text: string; location: { precision: string } | null }>;
    expect(placed.map((r) => r.location?.precision)).toEqual(['intersection', 'intersection']);
  });

  it('item 5: a second failure asks once more with examples, then leaves the report to a dispatcher', async () => {
    await send('+14155550813', 'migra aqui ayuda');
    expect(await send('+14155550813', 'por aqui cerca')).toBe(fitSms(t('es', 'location_question_examples')));
    expect(await send('+14155550813', 'no se')).toBe(fitSms(t('es', 'location_not_understood')));
    // Nothing is awaited any more: the next text is a new report.
    expect(await send('+14155550813', 'ya se fueron los de ICE')).toBe(fitSms(t('es', 'report_ack_ask_location')));
    expect((await dispatcher.get('/api/reports?unplaced=true')).json()).toHaveLength(2);
  });

  it('item 6: a member\'s "On my way to home depot" after an alert is a roll-call answer, not a new report', async () => {
    const members = ['+14155550902', '+14155550903'];
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: { type: 'zips', zips: ['94110'] } }, members);
    await send('+14155550814', 'ICE at the Home Depot on Cesar Chavez');
    const [incident] = await incidents();
    const confirmed = await dispatcher.post(`/api/incidents/${incident!.id}/confirm`);
    expect(confirmed.statusCode, confirmed.body).toBe(202);
    await system.idle();
    expect(await send(members[0]!, 'On my way to home depot')).toBe(fitSms(t('en', 'respond_going', { code: incident!.code })));
    expect(await send(members[1]!, "can't, at work")).toBe(fitSms(t('en', 'respond_cannot', { code: incident!.code })));
    const detail = (await dispatcher.get(`/api/incidents/${incident!.id}`)).json() as { responses: Array<{ answer: string }>; reportCount: number };
    expect(detail.responses.map((r) => r.answer).sort()).toEqual(['cannot', 'going']);
    expect(detail.reportCount).toBe(1);
    expect(await incidents()).toHaveLength(1);
  });

  it('item 6: "Hola quiero unirme <code>" is a JOIN', async () => {
    const created = await dispatcher.post('/api/committees', { name: 'Excelsior', area: { type: 'zips', zips: ['94112'] }, autoApprove: true });
    const { inviteCode } = created.json() as { inviteCode: string };
    expect(await send('+14155550815', `Hola quiero unirme ${inviteCode} por favor`)).toBe(fitSms(t('es', 'join_active', { committee: 'Excelsior', program: 'Centinela' })));
    expect(await incidents()).toHaveLength(0);
  });

  it('item 4: a reporter\'s late, vaguer answer never moves or folds away an incident a dispatcher placed by hand', async () => {
    await send('+14155550818', 'ICE is taking people, help');
    const [incident] = await incidents();
    const pin = corner('22nd Street', 'Shotwell Street');
    expect((await dispatcher.post(`/api/incidents/${incident!.id}/location`, { ...pin, label: 'the laundromat on Shotwell' })).statusCode).toBe(200);
    // Another open incident in the same ZIP, more recent: a ZIP-level answer would have joined it.
    await send('+14155550819', 'ICE at Cesar Chavez and Potrero');
    expect(await send('+14155550818', '94110')).toBe(fitSms(t('en', 'location_ack')));
    const after = (await dispatcher.get(`/api/incidents/${incident!.id}`)).json() as IncidentRow & { mergedIntoId: string | null };
    expect(after.mergedIntoId).toBeNull();
    expect(after.location).toMatchObject({ label: 'the laundromat on Shotwell', source: 'dispatcher' });
    expect(distanceMeters(after.location!, pin)).toBeLessThan(5);
  });

  it('item 4: a report placed later next to an incident with alerts out never merges two alerted incidents: it suggests the merge', async () => {
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: { type: 'zips', zips: ['94110'] } }, ['+14155550904']);
    await send('+14155550816', 'ICE at 24th and Mission');
    const [first] = await incidents();
    expect((await dispatcher.post(`/api/incidents/${first!.id}/confirm`)).statusCode).toBe(202);
    await send('+14155550817', 'ICE raid happening now help');
    const second = (await incidents()).find((i) => i.id !== first!.id)!;
    // A dispatcher places the second by hand (it is unplaced) and confirms it, somewhere else for now.
    expect((await dispatcher.post(`/api/incidents/${second.id}/location`, { ...corner('Cesar Chavez Street', 'Potrero Avenue'), label: 'somewhere' })).statusCode).toBeLessThan(300);
    expect((await dispatcher.post(`/api/incidents/${second.id}/confirm`)).statusCode).toBe(202);
    await system.idle();
    // Now the second one's reporter says where it really is: at the first one's corner.
    await send('+14155550817', 'perdon, es en la 24 y Mission');
    const list = (await incidents()).filter((i) => ['new', 'verifying', 'confirmed'].includes(i.status));
    expect(list).toHaveLength(2);
    const a = (await dispatcher.get(`/api/incidents/${first!.id}`)).json() as { mergeSuggestion: { code: string } | null };
    const b = (await dispatcher.get(`/api/incidents/${second.id}`)).json() as { mergeSuggestion: { code: string } | null };
    expect(a.mergeSuggestion?.code).toBe(second.code);
    expect(b.mergeSuggestion?.code).toBe(first!.code);
  });
});

describe('a damaged street index', () => {
  it('item 2: reports are still taken and read (ZIPs, places) when the street index file is damaged, and the operator is told', async () => {
    const data = JSON.parse(gunzipSync(readFileSync(await fixtureStreetsFile())).toString('utf8')) as { areas: Array<{ names: unknown }> };
    for (const area of data.areas) area.names = null;
    const dir = mkdtempSync(join(tmpdir(), 'centinela-damaged-'));
    const path = join(dir, 'streets.json');
    writeFileSync(path, JSON.stringify(data));
    const system = await startSystem({ env: { STREETS_FILE: path } });
    try {
      expect(await system.text('+14155550861', 'ICE at 24th and Mission 94110')).toBe(fitSms(t('en', 'report_ack')));
      await system.idle();
      const dispatcher = await system.login();
      const [report] = (await dispatcher.get('/api/reports')).json() as Array<{ location: { precision: string } | null }>;
      expect(report?.location?.precision).toBe('zip');
      expect(system.logLines.some((line) => /street index unreadable/.test(line))).toBe(true);
    } finally {
      await system.close();
    }
  });
});
