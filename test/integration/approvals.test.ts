// Release approvals (issue 9 item 2): no alert goes out before RELEASE_APPROVALS different people approved it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { auditEntrySchema } from '../../src/http/schemas.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

const MEMBERS = ['+14155550901', '+14155550902', '+14155550903'];

describe('release approvals (RELEASE_APPROVALS=2)', () => {
  const clock = new TestClock();
  let system: TestSystem;
  let admin: ApiClient;
  let ana: ApiClient;
  let ben: ApiClient;
  let reporter = 0;

  beforeAll(async () => {
    system = await startSystem({ clock, env: { RELEASE_APPROVALS: '2' } });
    admin = await system.login('admin');
    ana = await system.login('dispatcher', 'ana@example.org');
    ben = await system.login('dispatcher', 'ben@example.org');
    await committeeWithMembers(system, admin, { name: 'Mission', area: MISSION_ZIPS }, MEMBERS);
    await system.idle();
  });
  afterAll(() => system?.close());

  // Past CLUSTER_MINUTES: each report opens its own incident.
  const newIncident = () => {
    clock.advance(31 * 60_000);
    return reportIncident(system, ana, `+1415555096${reporter++}`, 'raid at the bakery 94110');
  };
  const alertsTo = (since: number) => MEMBERS.map((phone) => system.twilio.sent.slice(since).filter((m) => m.to === phone).length);
  const sentBefore = () => system.twilio.sent.length;

  it('item 2: one dispatcher confirming twice sends nothing: approvals 1 of 2', async () => {
    const id = await newIncident();
    const before = sentBefore();
    const first = await ana.post(`/api/incidents/${id}/confirm`, {});
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ status: 'new', approvals: 1, needed: 2 });
    clock.advance(1000);
    const again = await ana.post(`/api/incidents/${id}/confirm`, {});
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ status: 'new', approvals: 1, needed: 2 });
    await system.idle();
    expect(system.twilio.sent.length).toBe(before);

    const detail = (await ana.get(`/api/incidents/${id}`)).json();
    expect(detail).toMatchObject({ status: 'new', needed: 2, approvals: [{ by: 'ana@example.org' }] });
    expect(detail.timeline.filter((e: { type: string }) => e.type === 'approved')).toHaveLength(1);
    expect((await ben.post(`/api/incidents/${id}/preview`, {})).json()).toMatchObject({ approvals: 1, needed: 2 });
  });

  it('item 2: two different dispatchers release the alert once; everyone is alerted once; the audit log names both', async () => {
    const id = await newIncident();
    const before = sentBefore();
    expect((await ana.post(`/api/incidents/${id}/preview`, {})).json()).toMatchObject({ approvals: 0, needed: 2, recipients: MEMBERS.length });
    expect((await ana.post(`/api/incidents/${id}/confirm`, {})).json()).toMatchObject({ status: 'new', approvals: 1, needed: 2 });
    await system.idle();
    expect(alertsTo(before)).toEqual([0, 0, 0]);

    const last = await ben.post(`/api/incidents/${id}/confirm`, {});
    expect(last.statusCode).toBe(202);
    expect(last.json()).toMatchObject({ status: 'confirmed', approvals: 2, needed: 2 });
    await system.twilio.waitForSent(before + MEMBERS.length);
    await system.idle();
    // Confirming a confirmed incident resends nothing.
    const again = await ana.post(`/api/incidents/${id}/confirm`, {});
    expect(again.statusCode).toBe(200);
    await system.idle();
    expect(alertsTo(before)).toEqual([1, 1, 1]);

    const audit = z.array(auditEntrySchema).parse((await admin.get('/api/audit?limit=500')).json()).filter((e) => e.target === id);
    const users = (await admin.get('/api/users')).json() as Array<{ id: string; email: string }>;
    const idOf = (email: string) => users.find((u) => u.email === email)?.id;
    expect(audit.filter((e) => e.action === 'incident.approve').map((e) => e.actorUserId).sort()).toEqual([idOf('ana@example.org'), idOf('ben@example.org')].sort());
    const releases = audit.filter((e) => e.action === 'incident.release');
    expect(releases).toHaveLength(1);
    expect(releases[0]?.detail).toEqual({ approvers: [{ userId: idOf('ana@example.org') }, { userId: idOf('ben@example.org') }] });
  });

  it('item 2: two dispatchers confirming at the same moment release the alert exactly once', async () => {
    const id = await newIncident();
    const carla = await system.login('dispatcher', 'carla@example.org');
    const before = sentBefore();
    const answers = await Promise.all([ana.post(`/api/incidents/${id}/confirm`, {}), carla.post(`/api/incidents/${id}/confirm`, {})]);
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202]);
    expect(answers.map((a) => a.json().approvals).sort()).toEqual([1, 2]);
    await system.twilio.waitForSent(before + MEMBERS.length);
    await system.idle();
    expect(system.twilio.sent.length - before).toBe(MEMBERS.length);
    const audit = z.array(auditEntrySchema).parse((await admin.get('/api/audit?limit=500')).json());
    expect(audit.filter((e) => e.target === id && e.action === 'incident.release')).toHaveLength(1);
  });

  it('item 2: an incident no committee covers cannot be approved (409), and nothing is recorded', async () => {
    const id = await newIncident();
    expect((await ana.post(`/api/incidents/${id}/location`, { lat: 40.7128, lng: -74.006 })).statusCode).toBe(200);
    const refused = await ana.post(`/api/incidents/${id}/confirm`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatch(/no committee covers this place/);
    expect((await ana.get(`/api/incidents/${id}`)).json()).toMatchObject({ approvals: [], needed: 2 });
  });
});
