// The console's live list: a change made by a worker reaches an open event stream.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type TestSystem, type ApiClient } from '../support/system.js';

describe('live events', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  let base: string;

  beforeAll(async () => {
    system = await startSystem();
    dispatcher = await system.login();
    await system.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(system.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => system?.close());

  it('streams an incident event when a texted report opens an incident', async () => {
    const events: string[] = [];
    const incident = await new Promise<{ code: string; status: string }>((resolve, reject) => {
      const req = httpRequest(`${base}/api/events`, { headers: { cookie: dispatcher.cookie } }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/text\/event-stream/);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          events.push(chunk);
          if (chunk.startsWith(': connected')) void system.sms('+14155550601', 'raid at the warehouse 94110');
          const match = /event: incident\ndata: (.+)\n\n/.exec(chunk);
          if (match?.[1]) {
            req.destroy();
            resolve(JSON.parse(match[1]));
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(incident).toMatchObject({ status: 'new' });
    expect(incident.code).toMatch(/^[A-Z0-9]{4}$/);
  });

  it('answers 401 without a session', async () => {
    const response = await system.app.inject({ method: 'GET', url: '/api/events' });
    expect(response.statusCode).toBe(401);
  });
});
