// The whole system in-process for integration tests: temp SQLite, real Redis with a unique queue prefix,
// real BullMQ workers, the real twilio SDK pointed at a local fake Twilio server.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import twilio from 'twilio';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { hashPassword } from '../../src/http/api/auth.js';
import { createLogger } from '../../src/log.js';
import { startWorkers, type Workers } from '../../src/queue/workers.js';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio.js';

export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const PUBLIC_URL = 'https://centinela.example.org';
export const FROM_NUMBER = '+15005550006';

export interface TestSystem {
  config: Config;
  deps: Deps;
  app: FastifyInstance;
  workers: Workers | null;
  twilio: FakeTwilio;
  dir: string;
  logLines: string[];
  /** Posts a signed inbound SMS webhook; returns the response. */
  sms(from: string, body: string, extra?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** The text of the TwiML reply to an inbound SMS ('' for an empty answer). */
  text(from: string, body: string): Promise<string>;
  /** Creates a console user and signs in; returns a client that sends its cookie. */
  login(role?: 'admin' | 'dispatcher', email?: string): Promise<ApiClient>;
  /** Resolves when no job is waiting, delayed or running in any queue. */
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface ApiClient {
  request(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body: unknown): Promise<LightMyRequestResponse>;
  cookie: string;
}

export function testKeys(): Record<string, string> {
  return {
    DATA_KEY: randomBytes(32).toString('base64'),
    HASH_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('base64'),
  };
}

let sidCounter = 0;
export const newMessageSid = () => `SM${randomBytes(12).toString('hex')}${(sidCounter++).toString(16).padStart(8, '0')}`;

/** A clock tests can move forward instead of waiting: time windows are checked against it. */
export class TestClock {
  private offset = 0;
  now = (): number => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
}

export async function startSystem(options: { env?: Record<string, string>; workers?: boolean; clock?: TestClock } = {}): Promise<TestSystem> {
  const dir = mkdtempSync(join(tmpdir(), 'centinela-test-'));
  const fake = await startFakeTwilio();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_PATH: join(dir, 'centinela.db'),
    QUEUE_PREFIX: `test-${randomBytes(6).toString('hex')}`,
    PUBLIC_URL,
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_FROM_NUMBER: FROM_NUMBER,
    TWILIO_API_BASE_URL: fake.url,
    TWILIO_TIMEOUT_MS: '2000',
    SMS_RATE_PER_SECOND: '0',
    SMS_RETRY_BASE_MS: '50',
    LOG_LEVEL: 'debug',
    // The maintenance schedule is left to tests that call it: an hourly tick never fires during a test.
    MAINTENANCE_EVERY_MS: '3600000',
    // Existing tests release with one dispatcher's click; approval tests set RELEASE_APPROVALS themselves.
    RELEASE_APPROVALS: '1',
    // Existing tests count every text sent; follow-through tests turn the reporter's thank-you on themselves.
    REPORTER_THANKS: 'false',
    ...testKeys(),
    ...options.env,
  };
  const config = loadConfig(env);
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const deps = createDeps(config, createLogger(config.logLevel, sink), { now: options.clock?.now });
  const app = await buildApp(deps);
  await app.ready();
  const workers = options.workers === false ? null : await startWorkers(deps);

  // Every number and longer text sent in is remembered: at close, no log line may contain any of them.
  const secrets = new Set<string>();
  const sms = (from: string, body: string, extra: Record<string, string> = {}) => {
    secrets.add(from);
    secrets.add(from.replace(/^\+1?/, ''));
    if (body.trim().length >= 12) secrets.add(body);
    const params = { MessageSid: newMessageSid(), AccountSid: fake.accountSid, From: from, To: FROM_NUMBER, Body: body, NumMedia: '0', ...extra };
    return app.inject({
      method: 'POST',
      url: '/twilio/sms',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign('/twilio/sms', params) },
      payload: new URLSearchParams(params).toString(),
    });
  };

  const system: TestSystem = {
    config,
    deps,
    app,
    workers,
    twilio: fake,
    dir,
    logLines,
    sms,
    async text(from, body) {
      const response = await sms(from, body);
      if (response.statusCode !== 200) throw new Error(`webhook answered ${response.statusCode}: ${response.body}`);
      return twimlText(response.body);
    },
    async login(role = 'dispatcher', email = `${role}-${randomBytes(3).toString('hex')}@example.org`) {
      const password = 'correct horse battery staple';
      deps.repos.users.create({ email, role, passwordHash: await hashPassword(password) }, Date.now());
      const response = await app.inject({ method: 'POST', url: '/api/session', payload: { email, password } });
      if (response.statusCode !== 204) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
      const setCookie = response.headers['set-cookie'];
      const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0] ?? '';
      return apiClient(app, cookie);
    },
    idle: (timeoutMs = 15_000) => waitForIdle(deps, workers, timeoutMs),
    async close() {
      await workers?.close();
      await app.close();
      await dropQueues(deps);
      await deps.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
      const leaks = [...secrets].filter((secret) => logLines.some((line) => line.includes(secret)));
      if (leaks.length > 0) throw new Error(`log lines contain phone numbers or message texts: ${leaks.join(' | ')}`);
    },
  };
  return system;
}

export function sign(path: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(AUTH_TOKEN, PUBLIC_URL + path, params);
}

export function apiClient(app: FastifyInstance, cookie: string): ApiClient {
  const request: ApiClient['request'] = (method, url, body) =>
    app.inject({
      method,
      url,
      headers: { cookie, ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
      ...(method === 'GET' ? {} : { payload: JSON.stringify(body ?? {}) }),
    });
  return {
    cookie,
    request,
    get: (url) => request('GET', url),
    post: (url, body) => request('POST', url, body),
    patch: (url, body) => request('PATCH', url, body),
  };
}

/** The <Message> text of a TwiML answer. */
export function twimlText(xml: string): string {
  const match = /<Message>([\s\S]*?)<\/Message>/.exec(xml);
  return match?.[1] ? decodeXml(match[1]) : '';
}

function decodeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

async function waitForIdle(deps: Deps, workers: Workers | null, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const queues = [deps.queues.reports, deps.queues.alerts, deps.queues.send, deps.queues.media];
  for (;;) {
    const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
    const busy = counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
    if (busy === 0) return;
    if (Date.now() > deadline) throw new Error(`queues still busy after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    if (!workers) throw new Error('jobs are waiting but this test system runs no workers');
    // Wake on the next job event of any worker (or after a short while, for delayed retries).
    const controller = new AbortController();
    await Promise.race([
      ...workers.all.map((w) => once(w, 'completed', { signal: controller.signal }).catch(() => undefined)),
      ...workers.all.map((w) => once(w, 'failed', { signal: controller.signal }).catch(() => undefined)),
      new Promise((resolve) => setTimeout(resolve, 100).unref()),
    ]);
    controller.abort();
  }
}

async function dropQueues(deps: Deps): Promise<void> {
  const { redis, config } = deps;
  if (redis.status !== 'ready') return;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.queuePrefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
