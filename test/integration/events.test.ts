// The console's live list: a change made by a worker reaches an open event stream, and a stream lives only as
// long as its session.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createDeps } from '../../src/deps.js';
import { createLogger } from '../../src/log.js';
import { startSystem, TestClock, type ApiClient, type TestSystem } from '../support/system.js';

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

interface Stream {
  /** Resolves with everything the stream said once the server ends it; rejects if it is still open after 5 s. */
  ended(): Promise<string>;
  /** Resolves once the stream has said something that matches. */
  saw(pattern: RegExp): Promise<void>;
  close(): void;
}

/** Opens /api/events and resolves once it is connected. */
function openStream(base: string, cookie: string): Promise<Stream> {
  return new Promise((resolveOpen, reject) => {
    const req = httpRequest(`${base}/api/events`, { headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events answered ${res.statusCode}`));
      res.setEncoding('utf8');
      let said = '';
      let finished = false;
      const watchers = new Set<() => void>();
      const watch = (check: () => boolean, resolve: () => void) => {
        if (check()) return resolve();
        const watcher = () => {
          if (!check()) return;
          watchers.delete(watcher);
          resolve();
        };
        watchers.add(watcher);
      };
      const notify = () => {
        for (const watcher of [...watchers]) watcher();
      };
      res.on('data', (chunk: string) => {
        said += chunk;
        notify();
      });
      res.on('end', () => {
        finished = true;
        notify();
      });
      const stream: Stream = {
        ended: () =>
          new Promise((resolve, rejectEnd) => {
            const deadline = setTimeout(() => rejectEnd(new Error(`the stream is still open: ${JSON.stringify(said)}`)), 5000);
            watch(() => finished, () => {
              clearTimeout(deadline);
              resolve(said);
            });
          }),
        saw: (pattern) => new Promise((resolve) => watch(() => pattern.test(said), resolve)),
        close: () => req.destroy(),
      };
      watch(() => said.startsWith(': connected'), () => resolveOpen(stream));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('live events', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;
  let base: string;

  beforeAll(async () => {
    system = await startSystem();
    dispatcher = await system.login();
    base = await listen(system.app);
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

  it('item 11: signing out ends the open event streams of that session, also those another web process serves', async () => {
    const leaving = await system.login('dispatcher');
    const staying = await system.login('dispatcher');
    // A second web process on the same database and Redis, as `npm run start:web` twice would run.
    const otherDeps = createDeps(system.config, createLogger('silent'));
    const other = await buildApp(otherDeps);
    const streams: Stream[] = [];
    try {
      const otherBase = await listen(other);
      const [here, there, unrelated] = await Promise.all([
        openStream(base, leaving.cookie),
        openStream(otherBase, leaving.cookie),
        openStream(base, staying.cookie),
      ]);
      streams.push(here, there, unrelated);

      expect((await leaving.request('DELETE', '/api/session', {})).statusCode).toBe(204);
      expect(await here.ended()).toMatch(/event: signed-out/);
      expect(await there.ended()).toMatch(/event: signed-out/);
      // Another user's stream goes on: it still gets incidents.
      await system.sms('+14155550602', 'raid at the school on mission 94110');
      await unrelated.saw(/event: incident/);
    } finally {
      for (const stream of streams) stream.close();
      await other.close();
      await otherDeps.close();
    }
  });

  it("item 11: a disabled user's event stream ends without any further request", async () => {
    const email = 'leaving@example.org';
    const client = await system.login('dispatcher', email);
    const stream = await openStream(base, client.cookie);
    onTestFinished(() => stream.close());
    const user = system.deps.repos.users.findByEmail(email);
    system.deps.repos.users.setDisabled(user?.id ?? '', Date.now());
    await expect(stream.ended()).resolves.toMatch(/event: signed-out/);
    expect((await client.get('/api/incidents')).statusCode).toBe(401);
  });
});

describe('live events and session expiry', () => {
  const clock = new TestClock();
  let system: TestSystem;

  beforeAll(async () => {
    system = await startSystem({ clock, workers: false });
  });
  afterAll(() => system?.close());

  it('item 11: an event stream ends when its session expires', async () => {
    const client = await system.login();
    const stream = await openStream(await listen(system.app), client.cookie);
    onTestFinished(() => stream.close());
    clock.advance(system.config.sessionTtlHours * 3600_000 + 1000);
    await expect(stream.ended()).resolves.toMatch(/event: signed-out/);
  });
});
