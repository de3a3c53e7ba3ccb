// Paging the on-duty dispatchers by SMS (issue 9 item 1): a new incident nobody opened, a confirmed one left open.
// Time is the test's: the clock moves, the maintenance duty is called directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageDispatchers } from '../../src/services/paging.js';
import { pageDispatchersWhenDue } from '../../src/services/maintenance.js';
import { escalateVerifications } from '../../src/services/verification.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, PUBLIC_URL, startSystem, TestClock, type TestSystem } from '../support/system.js';

const ANA = '+14155550801';
const BEN = '+14155550802';
const ADMIN = '+14155550803';
const MEMBERS = ['+14155550811', '+14155550812'];
const UNPLACED_REPORT = 'la migra esta aqui, ayuda por favor';

describe('paging dispatchers', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let admin: ApiClient;
  let ana: ApiClient;
  let ben: ApiClient;
  let reporter = 0;

  beforeAll(async () => {
    // Sessions outlive the hours the clock jumps.
    system = await startSystem({ clock, env: { SESSION_IDLE_MINUTES: String(7 * 24 * 60) } });
    admin = await system.login('admin');
    ana = await system.login('dispatcher', 'ana@example.org');
    ben = await system.login('dispatcher', 'ben@example.org');
    await committeeWithMembers(system, admin, { name: 'Mission', area: MISSION_ZIPS }, MEMBERS);
    // Ana works in Spanish; Ben has a phone but is off duty; the admin is on duty with the default language.
    expect((await ana.patch('/api/me', { phone: '(415) 555-0801', locale: 'es' })).statusCode).toBe(200);
    expect((await ben.patch('/api/me', { phone: BEN, onDuty: false })).statusCode).toBe(200);
    expect((await admin.patch('/api/me', { phone: ADMIN })).statusCode).toBe(200);
    await system.idle();
  });
  afterAll(() => system?.close());

  // Past CLUSTER_MINUTES: each report opens its own incident.
  const newIncident = (text = 'raid at the bakery 94110') => {
    clock.advance(31 * 60_000);
    return reportIncident(system, admin, `+1415555097${reporter++}`, text);
  };
  const sentSince = (since: number) => system.twilio.sent.slice(since);
  const codeOf = (id: string) => system.deps.repos.incidents.get(id)?.code ?? '';
  const due = async () => {
    await pageDispatchersWhenDue(system.deps);
    await system.idle();
  };
  /** The maintenance run's verification and paging duties, in its order. */
  const maintenanceRun = async () => {
    await escalateVerifications(system.deps);
    await due();
  };
  const pagesAbout = (code: string) => system.twilio.sent.filter((m) => [ANA, ADMIN, BEN].includes(m.to) && m.body.includes(code));
  // Read from the repository: opening the incident in the console would count as opening it.
  const timelineOf = async (id: string) => system.deps.repos.incidents.events(id).map((e) => e.type);

  it('item 1: a console user adds a phone number (stored encrypted, shown masked) and switches on-duty', async () => {
    const me = (await ana.get('/api/session')).json();
    expect(me).toMatchObject({ email: 'ana@example.org', phone: '+1•••••••0801', onDuty: true });
    const row = system.deps.repos.users.findByEmail('ana@example.org');
    expect(row?.phoneEnc).toBeTruthy();
    expect(row?.phoneEnc).not.toContain('5550801');
    expect((await ben.get('/api/session')).json()).toMatchObject({ phone: '+1•••••••0802', onDuty: false });
    expect((await ben.patch('/api/me', { phone: 'not a phone' })).statusCode).toBe(400);
    expect((await ben.patch('/api/me', {})).statusCode).toBe(400);
    const audit = JSON.stringify((await admin.get('/api/audit?limit=1000')).json());
    expect(audit).toContain('user.on_duty');
    expect(audit).not.toContain('5550802');
  });

  it('item 1: an unplaced incident nobody opened pages the on-duty dispatchers once, after PAGE_AFTER_SECONDS', async () => {
    const id = await newIncident(UNPLACED_REPORT);
    expect(system.deps.repos.incidents.get(id)?.lat).toBeNull();
    const before = system.twilio.sent.length;
    clock.advance(58_000);
    await due();
    expect(sentSince(before)).toEqual([]);

    clock.advance(3_000);
    await due();
    const pages = sentSince(before);
    expect(pages.map((m) => m.to).sort()).toEqual([ANA, ADMIN].sort());
    const code = codeOf(id);
    const link = `${PUBLIC_URL}/incidents/${code}`;
    expect(pages.find((m) => m.to === ANA)?.body).toBe(`Despacho: nadie ha abierto el incidente ${code} en la consola. Revíselo: ${link}`);
    expect(pages.find((m) => m.to === ADMIN)?.body).toBe(`Dispatch: new incident ${code} has not been opened in the console yet. Please check it: ${link}`);
    for (const page of pages) expect(page.body).not.toMatch(/migra|ayuda/i);

    // Once: later runs send nothing more, and the incident stays as it was.
    clock.advance(10 * 60_000);
    await due();
    expect(sentSince(before)).toHaveLength(2);
    const detail = (await admin.get(`/api/incidents/${id}`)).json();
    expect(detail.status).toBe('new');
    expect(detail.timeline).toContainEqual(expect.objectContaining({ type: 'paged', detail: { reason: 'unopened', pages: 2 } }));
  });

  it('item 1: an incident opened in the console within PAGE_AFTER_SECONDS pages nobody', async () => {
    const id = await newIncident();
    const before = system.twilio.sent.length;
    clock.advance(30_000);
    expect((await ben.get(`/api/incidents/${codeOf(id)}`)).statusCode).toBe(200);
    clock.advance(5 * 60_000);
    await due();
    expect(sentSince(before)).toEqual([]);
    expect(system.deps.repos.incidents.get(id)).toMatchObject({ pagedAt: null, firstOpenedAt: expect.any(Number) });
  });

  it('item 1: a confirmed incident still open after STALE_HOURS reminds the on-duty dispatchers once; nothing closes it', async () => {
    const id = await newIncident();
    // Opened and confirmed at once: no "unopened" page.
    expect((await ana.get(`/api/incidents/${id}`)).statusCode).toBe(200);
    expect((await ana.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await system.idle();
    const before = system.twilio.sent.length;
    clock.advance(6 * 3_600_000 - 60_000);
    await due();
    expect(sentSince(before)).toEqual([]);

    clock.advance(2 * 60_000);
    await due();
    const code = codeOf(id);
    const reminders = sentSince(before);
    expect(reminders.map((m) => m.to).sort()).toEqual([ANA, ADMIN].sort());
    expect(reminders.find((m) => m.to === ADMIN)?.body).toContain(`incident ${code} is still open`);
    expect(reminders.every((m) => m.body.includes(`${PUBLIC_URL}/incidents/${code}`))).toBe(true);

    clock.advance(24 * 3_600_000);
    await due();
    expect(sentSince(before)).toHaveLength(2);
    expect(system.deps.repos.incidents.get(id)).toMatchObject({ status: 'confirmed', closedAt: null });
    // Members got the alert and nothing else: no all clear was sent automatically.
    expect(system.twilio.sent.filter((m) => MEMBERS.includes(m.to)).map((m) => m.body.split(' ')[0])).not.toContain('ALL');
  });

  it('item 1: pageDispatchers pages once per incident and reason (the verification service calls it)', async () => {
    const id = await newIncident();
    const incident = system.deps.repos.incidents.get(id);
    if (!incident) throw new Error('no incident');
    const before = system.twilio.sent.length;
    expect(await pageDispatchers(system.deps, incident, 'disputed')).toBe(2);
    expect(await pageDispatchers(system.deps, incident, 'disputed')).toBe(0);
    expect(await pageDispatchers(system.deps, incident, 'escalation')).toBe(2);
    await system.idle();
    const pages = sentSince(before);
    expect(pages).toHaveLength(4);
    expect(pages.filter((m) => m.to === ADMIN).map((m) => m.body)).toEqual([
      `Dispatch: incident ${incident.code} is disputed: a verifier said false after an approval. Please decide: ${PUBLIC_URL}/incidents/${incident.code}`,
      `Dispatch: no verifier answered about incident ${incident.code}. Please check it: ${PUBLIC_URL}/incidents/${incident.code}`,
    ]);
  });

  it('item 1: no verifier covers a new incident: each dispatcher gets one page, the escalation page standing for the unopened one', async () => {
    // The committee has no verifier: a placed incident goes to escalation at the next run.
    const escalatedFirst = await newIncident('raid at the car wash 94110');
    expect(await timelineOf(escalatedFirst)).toContain('verify_none');
    clock.advance(61_000);
    await maintenanceRun();
    const first = pagesAbout(codeOf(escalatedFirst));
    expect(first.map((m) => m.to).sort()).toEqual([ANA, ADMIN].sort());
    expect(first.find((m) => m.to === ADMIN)?.body).toMatch(/^Dispatch: no verifier answered about incident/);
    clock.advance(10 * 60_000);
    await maintenanceRun();
    expect(pagesAbout(codeOf(escalatedFirst))).toHaveLength(2);
    expect(system.deps.repos.incidents.get(escalatedFirst)?.pagedAt).not.toBeNull();

    // The other way round: paged as unopened first, then escalated: no second page.
    const pagedFirst = await newIncident('raid at the laundromat 94110');
    clock.advance(61_000);
    await due();
    expect(pagesAbout(codeOf(pagedFirst)).map((m) => m.body.split(' ')[1]).sort()).toEqual(['nadie', 'new']);
    await maintenanceRun();
    expect(pagesAbout(codeOf(pagedFirst))).toHaveLength(2);
    expect(await timelineOf(pagedFirst)).toEqual(expect.arrayContaining(['paged', 'verify_escalated']));
  });

  it('item 1: a drill is never paged, neither as unopened nor as stale', async () => {
    const before = system.twilio.sent.length;
    const drill = await admin.post('/api/drills', { location: { lat: 37.7599, lng: -122.4148, label: 'ZIP 94110', precision: 'zip', zip: '94110' }, kind: 'worksite' });
    expect(drill.statusCode).toBe(201);
    const { id, code } = drill.json() as { id: string; code: string };
    await system.idle();
    clock.advance(7 * 3_600_000);
    await maintenanceRun();
    expect(sentSince(before).filter((m) => [ANA, ADMIN, BEN].includes(m.to))).toEqual([]);
    expect(pagesAbout(code)).toEqual([]);
    expect(system.deps.repos.incidents.get(id)).toMatchObject({ drill: true, pagedAt: null, staleRemindedAt: null });
  });

  it('item 1: with no console user on duty with a phone, the incident is not marked paged; the timeline and health say so once; paged once someone can be', async () => {
    expect((await ana.patch('/api/me', { phone: null })).json()).toMatchObject({ phone: null });
    expect((await admin.patch('/api/me', { onDuty: false })).json()).toMatchObject({ onDuty: false });
    expect((await ana.get('/api/health')).json().alarms).not.toContainEqual(expect.objectContaining({ type: 'nobody_to_page' }));
    const id = await newIncident(UNPLACED_REPORT.replace('aqui', 'aqui en la tienda'));
    const before = system.twilio.sent.length;
    clock.advance(5 * 60_000);
    await due();
    await due();
    expect(sentSince(before)).toEqual([]);
    expect(system.deps.repos.incidents.get(id)?.pagedAt).toBeNull();
    expect((await timelineOf(id)).filter((type) => type === 'page_nobody')).toHaveLength(1);
    expect((await ana.get('/api/health')).json().alarms).toContainEqual({ type: 'nobody_to_page', incidents: 1 });
    expect(system.deps.repos.users.findByEmail('ana@example.org')).toMatchObject({ phoneEnc: null, phoneMask: null });

    // Ana adds her phone again: paged at once, without waiting for the next maintenance run.
    expect((await ana.patch('/api/me', { phone: ANA })).statusCode).toBe(200);
    await system.idle();
    expect(sentSince(before).map((m) => m.to)).toEqual([ANA]);
    expect(system.deps.repos.incidents.get(id)?.pagedAt).not.toBeNull();
    expect((await ana.get('/api/health')).json().alarms).not.toContainEqual(expect.objectContaining({ type: 'nobody_to_page' }));
    await due();
    expect(sentSince(before)).toHaveLength(1);
  });

  it('item 1: a dispatcher whose number sent STOP is nobody to page: health says so, and START makes them pageable again', async () => {
    expect((await system.sms(ANA, 'STOP')).statusCode).toBe(200);
    const id = await newIncident(UNPLACED_REPORT.replace('aqui', 'aqui en la fabrica'));
    const before = system.twilio.sent.length;
    clock.advance(5 * 60_000);
    await due();
    expect(sentSince(before)).toEqual([]);
    expect((await ana.get('/api/health')).json().alarms).toContainEqual({ type: 'nobody_to_page', incidents: 1 });

    expect((await system.sms(ANA, 'START')).statusCode).toBe(200);
    expect((await ana.get('/api/health')).json().alarms).not.toContainEqual(expect.objectContaining({ type: 'nobody_to_page' }));
    await due();
    expect(pagesAbout(codeOf(id)).map((m) => m.to)).toEqual([ANA]);
  });
});

describe('paging on time: a delayed job per new incident (PAGE_AFTER_SECONDS=2)', () => {
  let system: TestSystem;
  let ana: ApiClient;

  beforeAll(async () => {
    // Real time here (no test clock): the page must come from the incident's own job; the maintenance run is hourly.
    system = await startSystem({ env: { PAGE_AFTER_SECONDS: '2' } });
    ana = await system.login('dispatcher', 'ana@example.org');
    expect((await ana.patch('/api/me', { phone: ANA })).statusCode).toBe(200);
  });
  afterAll(() => system?.close());

  it('item 1: the page goes out PAGE_AFTER_SECONDS after the incident was created, not at the next maintenance run', async () => {
    const before = system.twilio.sent.length;
    const id = await reportIncident(system, ana, '+14155550990', UNPLACED_REPORT);
    const job = await system.deps.queues.pages.getJob(`page-${id}`);
    expect(job?.name).toBe('page');
    const createdAt = system.deps.repos.incidents.get(id)?.createdAt ?? 0;
    const [page] = (await system.twilio.waitForSent(before + 1)).slice(before);
    expect(Date.now() - createdAt).toBeGreaterThanOrEqual(2000);
    expect(page).toMatchObject({ to: ANA, body: expect.stringContaining('has not been opened in the console yet') });
    expect(system.deps.repos.incidents.get(id)?.pagedAt).not.toBeNull();
    // The maintenance run after it pages nothing more.
    await pageDispatchersWhenDue(system.deps);
    await system.idle();
    expect(system.twilio.sent).toHaveLength(before + 1);
  });
});

describe('flood incidents: one page per flood window for all of them (FLOOD_NEW_REPORTERS_PER_10_MIN=1)', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let ana: ApiClient;

  beforeAll(async () => {
    system = await startSystem({ clock, env: { FLOOD_NEW_REPORTERS_PER_10_MIN: '1' } });
    ana = await system.login('dispatcher', 'ana@example.org');
    expect((await ana.patch('/api/me', { phone: ANA })).statusCode).toBe(200);
  });
  afterAll(() => system?.close());

  const floodIncident = async (from: string, text: string) => {
    const id = await reportIncident(system, ana, from, text);
    expect(system.deps.repos.incidents.get(id)?.flood).toBe(true);
    return id;
  };
  const pages = () => system.twilio.sent.filter((m) => m.to === ANA);

  it('item 1: flood incidents page the dispatchers once per flood window, not once per incident', async () => {
    // The first new number is within the threshold: an ordinary incident, opened at once (no page about it).
    const ordinary = await reportIncident(system, ana, '+14155550951', 'raid at the school 94103');
    expect((await ana.get(`/api/incidents/${ordinary}`)).statusCode).toBe(200);
    const first = await floodIncident('+14155550952', 'raid at the bakery 94110');
    const second = await floodIncident('+14155550953', 'raid at the church 94121');
    clock.advance(61_000);
    await pageDispatchersWhenDue(system.deps);
    await system.idle();
    const code = system.deps.repos.incidents.get(first)?.code ?? '';
    expect(pages().map((m) => m.body)).toEqual([
      `Dispatch: a flood of reports from new numbers. New incidents such as ${code} wait unopened, and nothing goes out until you act: ${PUBLIC_URL}/incidents/${code}`,
    ]);
    // Both are marked paged: the one page stands for every flood incident of the window.
    for (const id of [first, second]) expect(system.deps.repos.incidents.get(id)?.pagedAt).not.toBeNull();

    // Later in the same window: another flood incident pages nobody again.
    clock.advance(3 * 60_000);
    const third = await floodIncident('+14155550954', 'raid at the clinic 94112');
    clock.advance(61_000);
    await pageDispatchersWhenDue(system.deps);
    await system.idle();
    expect(pages()).toHaveLength(1);
    const timeline = (await ana.get(`/api/incidents/${third}`)).json().timeline as Array<{ type: string; detail: unknown }>;
    expect(timeline).toContainEqual(expect.objectContaining({ type: 'paged', detail: { reason: 'flood', pages: 0, sameFloodPageAs: code } }));

    // A new window: the next flood incidents page once more.
    clock.advance(11 * 60_000);
    const opened = await reportIncident(system, ana, '+14155550955', 'raid at the market 94107');
    expect((await ana.get(`/api/incidents/${opened}`)).statusCode).toBe(200);
    const fresh = await floodIncident('+14155550956', 'raid at the park 94124');
    clock.advance(61_000);
    await pageDispatchersWhenDue(system.deps);
    await system.idle();
    expect(pages()).toHaveLength(2);
    expect(system.deps.repos.incidents.get(fresh)?.pagedAt).not.toBeNull();
  });
});
