// Reports becoming incidents: the location follow-up, clustering, and what dismiss and resolve send.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fitSms } from '../../src/domain/sms-fit.js';
import { t } from '../../src/i18n/index.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

describe('reports and incidents', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  let clock: TestClock;

  beforeEach(async () => {
    clock = new TestClock();
    system = await startSystem({ clock });
    dispatcher = await system.login();
  });
  afterEach(() => system?.close());

  const incidents = async () => (await dispatcher.get('/api/incidents')).json() as Array<{ id: string; status: string; reportCount: number; distinctReporters: number; location: { label: string } | null; afterDismissedId: string | null }>;

  it('asks where when a report has no location, and takes the next message as the answer', async () => {
    const reporter = '+14155550401';
    expect(await system.text(reporter, 'ICE vans outside the laundromat right now')).toBe(fitSms(t('en', 'report_ack_ask_location')));
    await system.idle();
    let [incident] = await incidents();
    expect(incident).toMatchObject({ status: 'new', location: null }); // an unplaced report opens an unplaced incident

    expect(await system.text(reporter, 'near 94110')).toBe(fitSms(t('en', 'location_ack')));
    await system.idle();
    [incident] = await incidents();
    expect(incident).toMatchObject({ location: { label: 'ZIP 94110' }, reportCount: 1 });
    const reports = (await dispatcher.get('/api/reports')).json();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ text: 'ICE vans outside the laundromat right now', locationText: 'near 94110' });
    expect((await dispatcher.get('/api/reports?unplaced=true')).json()).toHaveLength(0);
  });

  it('takes a message after FOLLOWUP_MINUTES as a new report, not as the location', async () => {
    const reporter = '+14155550402';
    await system.text(reporter, 'agents knocking on doors on my street');
    clock.advance((system.config.followupMinutes * 60 + 1) * 1000);
    expect(await system.text(reporter, 'now they are at the school 94110')).toBe(fitSms(t('en', 'report_ack')));
    await system.idle();
    expect((await dispatcher.get('/api/reports')).json()).toHaveLength(2);
    expect((await dispatcher.get('/api/reports?unplaced=true')).json()).toHaveLength(1);
  });

  it('gathers nearby reports into one incident and counts distinct reporters', async () => {
    await reportIncident(system, dispatcher, '+14155550403', 'raid at the warehouse 94110');
    await reportIncident(system, dispatcher, '+14155550404', 'la migra en el almacen 94110');
    await reportIncident(system, dispatcher, '+14155550403', 'still there, 94110');
    await reportIncident(system, dispatcher, '+14155550405', 'checkpoint on the highway 10001'); // New York: far away
    const list = await incidents();
    expect(list).toHaveLength(2);
    const mission = list.find((i) => i.location?.label === 'ZIP 94110');
    expect(mission).toMatchObject({ reportCount: 3, distinctReporters: 2 });
  });

  it('a reporter whose unplaced report is then placed into their earlier incident still counts once', async () => {
    const reporter = '+14155550460';
    const id = await reportIncident(system, dispatcher, reporter, 'raid at the warehouse 94110');
    await system.text(reporter, 'ICE vans outside the laundromat right now'); // unplaced: an incident of its own
    await system.idle();
    expect(await incidents()).toHaveLength(2);
    await system.text(reporter, 'near 94110');
    await system.idle();
    const list = await incidents();
    expect(list).toHaveLength(1); // the unplaced one was folded in
    expect(list[0]).toMatchObject({ id, reportCount: 2, distinctReporters: 1 });
  });

  it('after CLUSTER_MINUTES a report nearby opens a new incident', async () => {
    await reportIncident(system, dispatcher, '+14155550406', 'raid at the warehouse 94110');
    clock.advance((system.config.clusterMinutes * 60 + 1) * 1000);
    await reportIncident(system, dispatcher, '+14155550407', 'raid at the warehouse 94110');
    expect(await incidents()).toHaveLength(2);
  });

  it('opens a new incident that says so next to a recently dismissed one', async () => {
    const first = await reportIncident(system, dispatcher, '+14155550408', 'raid at the warehouse 94110');
    expect((await dispatcher.post(`/api/incidents/${first}/dismiss`, {})).statusCode).toBe(200);
    const second = await reportIncident(system, dispatcher, '+14155550409', 'they are back at the warehouse 94110');
    expect(second).not.toBe(first);
    const [latest] = await incidents();
    expect(latest).toMatchObject({ id: second, status: 'new', afterDismissedId: first });
  });

  it('dismissing before confirmation sends nothing; confirming a dismissed incident is a conflict', async () => {
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155550410', '+14155550411']);
    const id = await reportIncident(system, dispatcher, '+14155550412', 'raid at the warehouse 94110');
    await dispatcher.post(`/api/incidents/${id}/dismiss`, {});
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(409);
    await system.idle();
    expect(system.twilio.sent).toHaveLength(0);
  });

  it('confirming an unplaced incident is a conflict', async () => {
    await system.text('+14155550413', 'ICE is here help');
    await system.idle();
    const [incident] = await incidents();
    const response = await dispatcher.post(`/api/incidents/${incident!.id}/confirm`, {});
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatch(/unplaced/);
  });

  it('after confirmation, a dismissal sends a correction and a resolution the all clear, to exactly those alerted', async () => {
    const members = ['+14155550420', '+14155550421'];
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, members);
    const a = await reportIncident(system, dispatcher, '+14155550422', 'raid at the warehouse 94110');
    await dispatcher.post(`/api/incidents/${a}/confirm`, {});
    await system.twilio.waitForSent(2);
    // A member who joins after the alert went out gets no correction: they never got the alert.
    await committeeWithMembers(system, dispatcher, { name: 'Mission 2', area: MISSION_ZIPS }, ['+14155550423']);
    expect((await dispatcher.post(`/api/incidents/${a}/dismiss`, {})).statusCode).toBe(200);
    await system.twilio.waitForSent(4);
    await system.idle();
    const corrections = system.twilio.sent.slice(2);
    expect(corrections.map((m) => m.to).sort()).toEqual(members);
    expect(corrections[0]?.body).toMatch(/CORRECTION/);

    clock.advance((system.config.clusterMinutes * 60 + 1) * 1000);
    const b = await reportIncident(system, dispatcher, '+14155550424', 'raid at the school 94110');
    await dispatcher.post(`/api/incidents/${b}/confirm`, {});
    await system.twilio.waitForSent(7);
    expect((await dispatcher.post(`/api/incidents/${b}/resolve`, {})).statusCode).toBe(200);
    await system.twilio.waitForSent(10);
    await system.idle();
    expect(system.twilio.sent.slice(7).every((m) => /ALL CLEAR/.test(m.body))).toBe(true);
    expect(system.twilio.sent).toHaveLength(10);
  });

  it('sends one alert per person however many covering committees they are in, and none to the reporter', async () => {
    const both = '+14155550430';
    const reporterMember = '+14155550431';
    await committeeWithMembers(system, dispatcher, { name: 'A', area: MISSION_ZIPS }, [both, reporterMember]);
    await committeeWithMembers(system, dispatcher, { name: 'B', area: { type: 'circle', center: { lat: 37.7599, lng: -122.4148 }, radiusMeters: 5000 } }, [both]);
    const id = await reportIncident(system, dispatcher, reporterMember, 'raid at the warehouse 94110');
    await dispatcher.post(`/api/incidents/${id}/confirm`, {});
    await system.twilio.waitForSent(1);
    await system.idle();
    expect(system.twilio.sent.map((m) => m.to)).toEqual([both]);
  });

  it('expires an unconfirmed incident INCIDENT_EXPIRE_MINUTES after its last report', async () => {
    const { expireIncidents } = await import('../../src/services/maintenance.js');
    await reportIncident(system, dispatcher, '+14155550440', 'raid at the warehouse 94110');
    expect(await expireIncidents(system.deps)).toBe(0);
    clock.advance((system.config.incidentExpireMinutes * 60 + 1) * 1000);
    expect(await expireIncidents(system.deps)).toBe(1);
    expect((await incidents())[0]?.status).toBe('expired');
  });

  it('a dispatcher places an unplaced incident by hand; moving a confirmed one alerts only the newly covering committees', async () => {
    const mission = ['+14155550450'];
    const oakland = ['+15105550451'];
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, mission);
    await committeeWithMembers(system, dispatcher, { name: 'Oakland', area: { type: 'circle', center: { lat: 37.8044, lng: -122.2712 }, radiusMeters: 2000 } }, oakland, '94612');
    await system.text('+14155550452', 'agents outside the clinic right now');
    await system.idle();
    const [incident] = await incidents();
    expect((await dispatcher.post(`/api/incidents/${incident!.id}/location`, { lat: 91, lng: 0 })).statusCode).toBe(400);

    const placed = await dispatcher.post(`/api/incidents/${incident!.id}/location`, { lat: 37.7599, lng: -122.4148, label: 'Mission clinic' });
    expect(placed.statusCode).toBe(200);
    expect(placed.json().location).toMatchObject({ label: 'Mission clinic', precision: 'point' });
    expect((await dispatcher.post(`/api/incidents/${incident!.id}/confirm`, {})).statusCode).toBe(202);
    await system.twilio.waitForSent(1);

    await dispatcher.post(`/api/incidents/${incident!.id}/location`, { lat: 37.8044, lng: -122.2712, label: 'Oakland clinic' });
    await system.twilio.waitForSent(2);
    await system.idle();
    expect(system.twilio.sent.map((m) => m.to)).toEqual([...mission, ...oakland]);

    await dispatcher.post(`/api/incidents/${incident!.id}/dismiss`, {});
    expect((await dispatcher.post(`/api/incidents/${incident!.id}/location`, { lat: 37.7, lng: -122.4 })).statusCode).toBe(409);
  });
});

describe('flood reports on incidents', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;

  beforeEach(async () => {
    // Two reports from new numbers in 10 minutes are the most before a flood warning.
    system = await startSystem({ env: { FLOOD_NEW_REPORTERS_PER_10_MIN: '2' } });
    dispatcher = await system.login();
  });
  afterEach(() => system?.close());

  type IncidentRow = { id: string; location: { label: string } | null; reportCount: number; distinctReporters: number; floodReporters: number; flood: boolean };
  const incidentAt = async (label: string) => ((await dispatcher.get('/api/incidents')).json() as IncidentRow[]).find((i) => i.location?.label === label);

  it('item 10: each report says whether it came in a flood, and the incident counts flood reporters beside distinct reporters', async () => {
    const known = '+14155550601';
    // Known to the line before the flood: an active member.
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, [known]);
    const newcomers = ['+14155550602', '+14155550603', '+14155550604', '+14155550605', '+14155550606'];
    for (const phone of newcomers) await system.text(phone, 'raid at the warehouse 94110');
    await system.text(known, 'raid at the warehouse 94110, I saw it too');
    await system.idle();

    const incident = await incidentAt('ZIP 94110');
    // The first two new numbers came before the warning; the last three are flood reports.
    expect(incident).toMatchObject({ reportCount: 6, distinctReporters: 6, floodReporters: 3, flood: false });
    const reports = (await dispatcher.get('/api/reports')).json() as Array<{ flood: boolean }>;
    expect(reports.map((r) => r.flood)).toEqual([false, true, true, true, false, false]); // newest first
    const detail = (await dispatcher.get(`/api/incidents/${incident!.id}`)).json() as IncidentRow & { reports: Array<{ flood: boolean }> };
    expect(detail).toMatchObject({ distinctReporters: 6, floodReporters: 3, flood: false });
    expect(detail.reports.filter((r) => r.flood)).toHaveLength(3);
  });

  it('item 10: an incident is flood while all its reporters are flood reporters; a known number’s report ends that', async () => {
    const known = '+14155550611';
    await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, [known]);
    // The warning is raised by new numbers elsewhere (New York).
    for (const phone of ['+14155550612', '+14155550613', '+14155550614']) await system.text(phone, 'checkpoint on the highway 10001');
    const flooders = ['+14155550615', '+14155550616'];
    for (const phone of flooders) await system.text(phone, 'raid at the school 94110');
    await system.idle();
    expect(await incidentAt('ZIP 94110')).toMatchObject({ distinctReporters: 2, floodReporters: 2, flood: true });

    // A flood number texting again is still one flood reporter: the incident does not look corroborated.
    await system.text(flooders[0]!, 'still at the school 94110');
    await system.idle();
    expect(await incidentAt('ZIP 94110')).toMatchObject({ reportCount: 3, distinctReporters: 2, floodReporters: 2, flood: true });

    await system.text(known, 'agents at the school on 24th 94110');
    await system.idle();
    expect(await incidentAt('ZIP 94110')).toMatchObject({ reportCount: 4, distinctReporters: 3, floodReporters: 2, flood: false });
  });
});
