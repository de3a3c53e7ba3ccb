// The server routes the dispatcher console needs (issue 7): incident codes, catch-up after a reconnect, the alert
// preview, idle sessions, people and audit, committee edits.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { auditEntrySchema, previewSchema, userCreatedSchema, userSchema } from '../../src/http/schemas.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, sign, startSystem, TestClock, type TestSystem } from '../support/system.js';

interface IncidentAnswer {
  id: string;
  code: string;
  status: string;
}

describe('console API: incidents', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let dispatcher: ApiClient;
  let missionId: string;

  beforeAll(async () => {
    system = await startSystem({ clock });
    dispatcher = await system.login();
    missionId = (await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155550801', '+14155550802'])).id;
  });
  afterAll(() => system?.close());

  const incident = async (idOrCode: string) => (await dispatcher.get(`/api/incidents/${idOrCode}`)).json() as IncidentAnswer;

  it("item 8: every incident route takes the incident's code, typed in any case", async () => {
    const id = await reportIncident(system, dispatcher, '+14155550811', 'raid at the bakery 94110');
    const { code } = await incident(id);
    expect(code).toMatch(/^[A-Z0-9]{4}$/);

    const byCode = await dispatcher.get(`/api/incidents/${code.toLowerCase()}`);
    expect(byCode.statusCode).toBe(200);
    expect(byCode.json().id).toBe(id);
    expect((await dispatcher.post(`/api/incidents/${code.toLowerCase()}/preview`, {})).statusCode).toBe(200);
    expect((await dispatcher.post(`/api/incidents/${code}/location`, { lat: 37.7599, lng: -122.4148 })).statusCode).toBe(200);
    expect((await dispatcher.post(`/api/incidents/${code}/confirm`, {})).statusCode).toBe(202);
    await system.idle();
    expect((await dispatcher.post(`/api/incidents/${code}/resolve`, {})).statusCode).toBe(200);
    expect((await incident(id)).status).toBe('resolved');
    // A closed incident's code still names it.
    expect((await incident(code)).id).toBe(id);

    const unknown = await dispatcher.get('/api/incidents/ZZ99');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: 'no such incident' });
    expect((await dispatcher.post('/api/incidents/zz99/dismiss', {})).statusCode).toBe(404);
  });

  it('item 5: an incident placed from a typed ZIP stays at ZIP precision; a click on the map is a point', async () => {
    await system.text('+14155550821', 'agents at the corner store, come quick');
    await system.idle();
    const [unplaced] = (await dispatcher.get('/api/reports?unplaced=true&limit=1')).json() as Array<{ incidentId: string }>;
    const found = (await dispatcher.get('/api/geocode?q=94110')).json();
    expect(found).toMatchObject({ label: 'ZIP 94110', precision: 'zip', zip: '94110' });
    expect((await dispatcher.get('/api/geocode?q=nowhere%20in%20particular')).statusCode).toBe(404);
    const placed = await dispatcher.post(`/api/incidents/${unplaced!.incidentId}/location`, found);
    expect(placed.statusCode).toBe(200);
    expect(placed.json().location).toMatchObject({ label: 'ZIP 94110', precision: 'zip' });
    const clicked = await dispatcher.post(`/api/incidents/${unplaced!.incidentId}/location`, { lat: 37.7599, lng: -122.4148 });
    expect(clicked.json().location).toMatchObject({ precision: 'point', label: '37.75990, -122.41480' });
  });

  it('item 5: one sender keeps one letter among an incident\'s reports, and nothing says who they are', async () => {
    // A ZIP no other test here uses: a ZIP-level report joins the latest open incident in its ZIP.
    const id = await reportIncident(system, dispatcher, '+14155550831', 'raid at the laundromat 94601');
    await system.text('+14155550832', 'ICE at the laundromat on 24th 94601');
    await system.text('+14155550831', 'they have 2 vans now 94601');
    await system.idle();
    const { reports } = (await dispatcher.get(`/api/incidents/${id}`)).json() as { reports: Array<{ reporter: string; text: string }> };
    expect(reports.map((r) => r.reporter)).toEqual(['A', 'B', 'A']);
    expect(JSON.stringify(reports)).not.toMatch(/4155550831|4155550832/);
  });

  it('item 3: GET /api/incidents?updatedSince= lists only incidents changed after that time, delivery states included', async () => {
    const quiet = await reportIncident(system, dispatcher, '+14155550823', 'raid at the bakery 94110 on 24th street');
    const busy = await reportIncident(system, dispatcher, '+14155550822', 'checkpoint at 10001 near the station');
    const changed = async (since: number) =>
      ((await dispatcher.get(`/api/incidents?updatedSince=${encodeURIComponent(new Date(since).toISOString())}`)).json() as IncidentAnswer[]).map((i) => i.id);

    clock.advance(60_000);
    const afterReports = clock.now();
    clock.advance(60_000);
    expect(await changed(afterReports)).toEqual([]);

    expect((await dispatcher.post(`/api/incidents/${busy}/dismiss`, {})).statusCode).toBe(200);
    expect(await changed(afterReports)).toEqual([busy]);

    // A delivery report changes no incident row, yet the board shows delivery counts: it counts as a change.
    const confirmed = await dispatcher.post(`/api/incidents/${quiet}/confirm`, {});
    expect(confirmed.statusCode, confirmed.body).toBe(202);
    const [alert] = await system.twilio.waitForSent(system.twilio.sent.length + 1);
    await system.idle();
    clock.advance(60_000);
    const afterAlert = clock.now();
    clock.advance(60_000);
    expect(await changed(afterAlert)).toEqual([]);
    const sid = system.twilio.sent.at(-1)?.sid ?? alert?.sid ?? '';
    const params = { MessageSid: sid, MessageStatus: 'delivered', AccountSid: system.twilio.accountSid };
    const callback = await system.app.inject({
      method: 'POST',
      url: '/twilio/status',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign('/twilio/status', params) },
      payload: new URLSearchParams(params).toString(),
    });
    expect(callback.statusCode).toBe(200);
    expect(await changed(afterAlert)).toEqual([quiet]);

    expect((await dispatcher.get('/api/incidents?updatedSince=yesterday')).json().error).toMatch(/^updatedSince: /);
  });

  it('item 6: the preview counts each person once across committees, leaves reporters out, shows every text, and sends nothing', async () => {
    // A second committee over the same ZIP shares one member with Mission and has the reporter as a member.
    const shared = '+14155550802';
    const reporter = '+14155550833';
    const second = await committeeWithMembers(system, dispatcher, { name: 'Mission too', area: MISSION_ZIPS }, [shared, reporter]);
    // Past the clustering window: the report opens an incident of its own.
    clock.advance(system.config.clusterMinutes * 60_000 + 60_000);
    const id = await reportIncident(system, dispatcher, reporter, 'raid at the laundromat 94110 now');
    const sentBefore = system.twilio.sent.length;

    const response = await dispatcher.post(`/api/incidents/${id}/preview`, {});
    expect(response.statusCode).toBe(200);
    const preview = previewSchema.strict().parse(response.json());
    expect(preview.recipients).toBe(2);
    expect(preview.committees).toEqual(
      expect.arrayContaining([
        { id: missionId, name: 'Mission', recipients: 2 },
        { id: second.id, name: 'Mission too', recipients: 1 },
      ]),
    );
    expect(preview.committees).toHaveLength(2);
    expect(preview.warning).toBeNull();
    expect(preview.texts.en).toContain((await incident(id)).code);
    expect(new Set([preview.texts.en, preview.texts.es, preview.texts.tl]).size).toBe(3);
    expect({ approvals: preview.approvals, needed: preview.needed }).toEqual({ approvals: 0, needed: 1 });

    await system.idle();
    expect(system.twilio.sent).toHaveLength(sentBefore);
    expect((await incident(id)).status).toBe('new');
  });

  it('item 6: an incident no committee covers previews as reaching no one, and says why; unplaced or closed is 409, unknown 404', async () => {
    const uncovered = await reportIncident(system, dispatcher, '+14155550841', 'raid at the warehouse 10001 right now');
    const preview = previewSchema.parse((await dispatcher.post(`/api/incidents/${uncovered}/preview`, {})).json());
    expect(preview).toMatchObject({ recipients: 0, committees: [], warning: expect.stringMatching(/no committee covers/) });

    const unplaced = await reportIncident(system, dispatcher, '+14155550842', 'they are taking people away help');
    const refused = await dispatcher.post(`/api/incidents/${unplaced}/preview`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatch(/unplaced/);

    expect((await dispatcher.post(`/api/incidents/${uncovered}/dismiss`, {})).statusCode).toBe(200);
    expect((await dispatcher.post(`/api/incidents/${uncovered}/preview`, {})).statusCode).toBe(409);
    expect((await dispatcher.post('/api/incidents/nope/preview', {})).statusCode).toBe(404);
  });
});

describe('console API: idle sessions', () => {
  const clock = new TestClock();
  let system: TestSystem;

  beforeAll(async () => {
    system = await startSystem({ clock, workers: false, env: { SESSION_IDLE_MINUTES: '30', SESSION_TTL_HOURS: '12' } });
  });
  afterAll(() => system?.close());

  const lastUsedAt = () => system.deps.db.$client.prepare('select last_used_at as at from sessions').all() as Array<{ at: number | null }>;

  it('item 2: a session unused for SESSION_IDLE_MINUTES ends; each use renews it, written at most once a minute', async () => {
    const client = await system.login();
    clock.advance(20 * 60_000);
    expect((await client.get('/api/incidents')).statusCode).toBe(200);
    const renewed = lastUsedAt()[0]?.at;
    expect(renewed).toBeGreaterThan(0);
    clock.advance(30_000);
    expect((await client.get('/api/incidents')).statusCode).toBe(200);
    expect(lastUsedAt()[0]?.at).toBe(renewed);

    // 50 minutes after sign-in, 20 after the last use: still signed in.
    clock.advance(20 * 60_000);
    expect((await client.get('/api/incidents')).statusCode).toBe(200);
    clock.advance(31 * 60_000);
    const expired = await client.get('/api/incidents');
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toEqual({ error: 'sign in first' });
  });

  it('item 2: an event stream ends when its session goes idle', async () => {
    const client = await system.login();
    await system.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (system.app.server.address() as AddressInfo).port;
    const said = await new Promise<{ connected: Promise<void>; ended: Promise<string> }>((resolve, reject) => {
      const req = httpRequest(`http://127.0.0.1:${port}/api/events`, { headers: { cookie: client.cookie } }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`events answered ${res.statusCode}`));
        res.setEncoding('utf8');
        let text = '';
        let connected: () => void = () => undefined;
        const ended = new Promise<string>((resolveEnd) => res.on('end', () => resolveEnd(text)));
        const isConnected = new Promise<void>((r) => (connected = r));
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes(': connected')) connected();
        });
        resolve({ connected: isConnected, ended });
      });
      req.on('error', reject);
      onTestFinished(() => {
        req.destroy();
      });
      req.end();
    });
    await said.connected;
    // An open stream is not use: with no request for longer than the idle time, the stream is told and closed.
    clock.advance(31 * 60_000);
    await expect(said.ended).resolves.toMatch(/event: signed-out/);
  });
});

describe('console API: people and audit', () => {
  let system: TestSystem;
  let admin: ApiClient;
  let dispatcher: ApiClient;

  beforeAll(async () => {
    system = await startSystem({ workers: false });
    admin = await system.login('admin', 'admin@example.org');
    dispatcher = await system.login('dispatcher', 'dispatcher@example.org');
  });
  afterAll(() => system?.close());

  const anonymous = (url: string, body: unknown) =>
    system.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  const signIn = (email: string, password: string) => anonymous('/api/session', { email, password });

  it('item 10: an admin adds a user, who sets a password once from the one-time link and signs in', async () => {
    const phone = '+14155550871';
    const response = await admin.post('/api/users', { email: 'Nuevo@Example.org', role: 'dispatcher', phone });
    expect(response.statusCode).toBe(201);
    const created = userCreatedSchema.strict().parse(response.json());
    expect(created).toMatchObject({ email: 'nuevo@example.org', role: 'dispatcher', phone: '+1•••••••0871', disabled: false });
    const token = new URL(created.passwordLink).hash.slice(1);
    expect(token.length).toBeGreaterThanOrEqual(40);

    // The link is shown once: the list does not carry it, and the database keeps neither it nor the number.
    const listed = z.array(userSchema.strict()).parse((await admin.get('/api/users')).json());
    expect(listed.find((u) => u.id === created.id)?.phone).toBe('+1•••••••0871');
    const dump = JSON.stringify(system.deps.db.$client.prepare('select * from users, password_tokens').all());
    expect(dump).not.toContain(token);
    expect(dump).not.toContain('4155550871');

    // Not signed in yet: nobody knows the account's password.
    expect((await signIn('nuevo@example.org', 'a long enough passphrase')).statusCode).toBe(401);
    expect((await anonymous('/api/users/password', { token, password: 'short' })).statusCode).toBe(400);
    expect((await anonymous('/api/users/password', { token, password: 'a long enough passphrase' })).statusCode).toBe(204);
    expect((await signIn('nuevo@example.org', 'a long enough passphrase')).statusCode).toBe(204);
    // Single use.
    const again = await anonymous('/api/users/password', { token, password: 'another long passphrase' });
    expect(again.statusCode).toBe(400);
    expect(again.json().error).toMatch(/used already or has expired/);
    expect((await signIn('nuevo@example.org', 'another long passphrase')).statusCode).toBe(401);

    expect((await admin.post('/api/users', { email: 'nuevo@example.org', role: 'admin' })).statusCode).toBe(409);
    expect((await admin.post('/api/users', { email: 'x@example.org', role: 'dispatcher', phone: '12' })).json().error).toMatch(/^phone: /);
  });

  it('item 10: a dispatcher gets 403 on the admin routes', async () => {
    const { id } = userSchema.parse((await admin.post('/api/users', { email: 'someone@example.org', role: 'dispatcher' })).json());
    for (const response of [
      await dispatcher.get('/api/users'),
      await dispatcher.post('/api/users', { email: 'sneaky@example.org', role: 'admin' }),
      await dispatcher.patch(`/api/users/${id}`, { role: 'admin' }),
      await dispatcher.get('/api/audit'),
    ]) {
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: 'not allowed for your role' });
    }
    expect(system.deps.repos.users.findByEmail('sneaky@example.org')).toBeUndefined();
    expect(system.deps.repos.users.findById(id)?.role).toBe('dispatcher');
  });

  it('item 10: an admin disables a user (signed out at once) and changes roles, but cannot disable themselves', async () => {
    const target = await system.login('dispatcher', 'target@example.org');
    const id = system.deps.repos.users.findByEmail('target@example.org')?.id ?? '';
    const adminId = system.deps.repos.users.findByEmail('admin@example.org')?.id ?? '';

    const self = await admin.patch(`/api/users/${adminId}`, { disabled: true });
    expect(self.statusCode).toBe(409);
    expect(self.json().error).toMatch(/your own account/);
    expect((await admin.get('/api/users')).statusCode).toBe(200);

    expect((await admin.patch(`/api/users/${id}`, { role: 'admin' })).json()).toMatchObject({ role: 'admin', disabled: false });
    expect((await admin.patch(`/api/users/${id}`, { disabled: true })).json()).toMatchObject({ disabled: true });
    expect((await target.get('/api/incidents')).statusCode).toBe(401);
    expect((await signIn('target@example.org', 'correct horse battery staple')).statusCode).toBe(401);
    expect((await admin.patch('/api/users/nobody', { disabled: true })).statusCode).toBe(404);
    expect((await admin.patch(`/api/users/${id}`, {})).statusCode).toBe(400);
  });

  it('item 10: the audit log says who opened which incident (once per person and incident a while), filtered by action, actor, target and time, in pages', async () => {
    // Set up directly: this system runs no workers to cluster a texted report.
    const now = Date.now();
    const ids = ['T3ST', 'T4ST', 'T5ST'].map((code) => system.deps.repos.incidents.insert({ code, status: 'new', kind: 'other', firstReportedAt: now, lastReportedAt: now }, now).id);
    const [id = ''] = ids;
    const dispatcherId = system.deps.repos.users.findByEmail('dispatcher@example.org')?.id ?? '';
    const start = new Date().toISOString();
    // An open page re-reads its incident whenever it changes: three reads of one incident are one view.
    for (let i = 0; i < 3; i++) expect((await dispatcher.get(`/api/incidents/${id}`)).statusCode).toBe(200);

    const page = async (query: string) => z.array(auditEntrySchema.strict()).parse((await admin.get(`/api/audit?${query}`)).json());
    const views = await page(`action=incident.view&target=${id}`);
    expect(views).toHaveLength(1);
    expect(views[0]?.actorUserId).toBe(dispatcherId);
    // Another person opening it is another entry.
    expect((await admin.get(`/api/incidents/${id}`)).statusCode).toBe(200);
    expect(await page(`action=incident.view&target=${id}`)).toHaveLength(2);

    for (const other of ids.slice(1)) expect((await dispatcher.get(`/api/incidents/${other}`)).statusCode).toBe(200);
    expect(await page(`action=incident.view&actor=dispatcher@example.org&since=${encodeURIComponent(start)}`)).toHaveLength(3);
    expect(await page(`action=incident.view&until=${encodeURIComponent('2000-01-01T00:00:00Z')}`)).toHaveLength(0);

    const first = await page('action=incident.view&actor=dispatcher@example.org&limit=2');
    const second = await page(`action=incident.view&actor=dispatcher@example.org&limit=2&before=${first.at(-1)?.id ?? ''}`);
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(1);
    expect(new Set([...first, ...second].map((e) => e.target))).toEqual(new Set(ids));
    expect((await admin.get('/api/audit?before=yesterday')).statusCode).toBe(400);
  });
});

describe('console API: committees', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;

  beforeAll(async () => {
    system = await startSystem({ workers: false });
    dispatcher = await system.login();
  });
  afterAll(() => system?.close());

  it('item 9: a committee is renamed, re-drawn and set to auto-approve; bad input changes nothing', async () => {
    const created = (await dispatcher.post('/api/committees', { name: 'Mission', area: MISSION_ZIPS })).json() as { id: string };
    const circle = { type: 'circle', center: { lat: 37.76, lng: -122.41 }, radiusMeters: 1500 };
    const patched = await dispatcher.patch(`/api/committees/${created.id}`, { name: 'Mission & Bernal', area: circle, autoApprove: true });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Mission & Bernal', area: circle, autoApprove: true });

    const bad = await dispatcher.patch(`/api/committees/${created.id}`, { name: 'x', area: { type: 'zips', zips: ['00000'] } });
    expect(bad.statusCode).toBe(400);
    expect((await dispatcher.get(`/api/committees/${created.id}`)).json()).toMatchObject({ name: 'Mission & Bernal', area: circle });
    expect((await dispatcher.patch('/api/committees/nope', { name: 'x' })).statusCode).toBe(404);
  });

  it('item 9: rotating the invite code makes the old one stop working', async () => {
    const committee = (await dispatcher.post('/api/committees', { name: 'Excelsior', area: MISSION_ZIPS, autoApprove: true })).json() as {
      id: string;
      inviteCode: string;
    };
    const rotated = await dispatcher.post(`/api/committees/${committee.id}/invite-code`, {});
    expect(rotated.statusCode).toBe(200);
    const { inviteCode } = rotated.json() as { inviteCode: string };
    expect(inviteCode).not.toBe(committee.inviteCode);

    await system.text('+14155550891', `JOIN ${committee.inviteCode} 94110`);
    await system.text('+14155550892', `JOIN ${inviteCode} 94110`);
    const members = (await dispatcher.get(`/api/committees/${committee.id}/members`)).json() as Array<{ phone: string }>;
    expect(members.map((m) => m.phone)).toEqual(['+1•••••••0892']);
  });
});
