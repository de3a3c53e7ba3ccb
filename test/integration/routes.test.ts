// Route schemas (src/http/schemas.ts): what a route takes is checked before it runs, and what it answers is
// exactly what the schema the console imports says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { committeeSchema, healthSchema, incidentDetailSchema, incidentSchema, memberSchema, reportSchema } from '../../src/http/schemas.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, type TestSystem } from '../support/system.js';

/** Strict: a field the API sends but the schema lacks fails too. */
const strict = <T extends z.ZodObject>(schema: T) => schema.strict();

describe('route schemas', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  let committeeId: string;
  let incidentId: string;

  beforeAll(async () => {
    system = await startSystem();
    dispatcher = await system.login();
    committeeId = (await committeeWithMembers(system, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155550701'])).id;
    incidentId = await reportIncident(system, dispatcher, '+14155550799', 'raid at the bakery 94110');
  });
  afterAll(() => system?.close());

  const post = (url: string, payload: string) =>
    system.app.inject({ method: 'POST', url, headers: { cookie: dispatcher.cookie, 'content-type': 'application/json' }, payload });

  it('item 20: an incident action refuses a body that is not a JSON object, and changes nothing', async () => {
    const timeline = (await dispatcher.get(`/api/incidents/${incidentId}`)).json().timeline;
    for (const payload of ['[]', '"confirm"', 'null', '7']) {
      const response = await post(`/api/incidents/${incidentId}/confirm`, payload);
      expect(response.statusCode, payload).toBe(400);
      expect(response.json().error).toMatch(/expected object/);
    }
    const incident = (await dispatcher.get(`/api/incidents/${incidentId}`)).json();
    expect(incident.status).toBe('new');
    expect(incident.timeline).toEqual(timeline);
  });

  it('a request that fails its schema gets 400 naming the field; without a session, 401 comes first', async () => {
    expect((await dispatcher.get('/api/incidents?limit=abc')).json().error).toMatch(/^limit: /);
    expect((await dispatcher.get('/api/reports?since=yesterday')).json().error).toMatch(/^since: /);
    expect((await dispatcher.patch('/api/members/x', { role: 'boss' })).json().error).toMatch(/^role: /);
    expect((await dispatcher.post(`/api/incidents/${incidentId}/location`, { lat: 95, lng: 0 })).json().error).toMatch(/^lat: /);
    const committee = await dispatcher.post('/api/committees', { name: 'x', area: { type: 'zips', zips: ['94110', '00000'] } });
    expect(committee.json()).toEqual({ error: 'area.zips.1: unknown ZIP code 00000' });
    expect((await system.app.inject({ method: 'GET', url: '/api/incidents?limit=abc' })).statusCode).toBe(401);
  });

  it('item 20: an answer that does not match its schema is a logged 500 that says nothing internal', async () => {
    const db = system.deps.db.$client;
    db.prepare("update incidents set status = 'misfiled' where id = ?").run(incidentId);
    try {
      const logsFrom = system.logLines.length;
      const response = await dispatcher.get(`/api/incidents/${incidentId}`);
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ error: 'internal error' });
      const logged = system.logLines.slice(logsFrom).map((line) => JSON.parse(line) as { msg?: string; issues?: Array<{ path: string }> });
      expect(logged.find((line) => line.msg === 'request failed')?.issues).toEqual([expect.objectContaining({ path: 'status' })]);
    } finally {
      db.prepare("update incidents set status = 'new' where id = ?").run(incidentId);
    }
  });

  it("the console's shared schemas describe exactly what the API answers", async () => {
    const answer = async (url: string): Promise<unknown> => (await dispatcher.get(url)).json();
    // parse() throws, naming the field, on anything missing, extra or of another type.
    z.array(strict(incidentSchema)).parse(await answer('/api/incidents'));
    expect(strict(incidentDetailSchema).parse(await answer(`/api/incidents/${incidentId}`)).reports).toHaveLength(1);
    z.array(strict(reportSchema)).parse(await answer('/api/reports'));
    z.array(strict(committeeSchema)).parse(await answer('/api/committees'));
    expect(z.array(strict(memberSchema)).parse(await answer(`/api/committees/${committeeId}/members`))).toHaveLength(1);
    expect(strict(healthSchema).parse(await answer('/api/health')).db).toBe('ok');
  });
});
