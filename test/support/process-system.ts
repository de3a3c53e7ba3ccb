// The system as operators run it, for fault tests: the web and worker roles as separate child processes sharing
// one SQLite file (in a temp folder) and a private redis-server, sending through a proxy to the fake Twilio that
// runs in the test process. Seed data is written straight into the SQLite file before the roles start.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { createPhoneVault } from '../../src/crypto/phones.js';
import { inTransaction, openDatabase } from '../../src/db/client.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { createRepositories } from '../../src/deps.js';
import { zipCentroid } from '../../src/geo/zips.js';
import { hashPassword } from '../../src/http/api/auth.js';
import { type FakeTwilio, startFakeTwilio } from './fake-twilio.js';
import { listeningPort, runEntry, type Running } from './processes.js';
import { type ProviderProxy, startProviderProxy } from './provider-proxy.js';
import { type RedisServer, startRedisServer } from './redis-server.js';
import { AUTH_TOKEN, FROM_NUMBER, newMessageSid, PUBLIC_URL, sign, testKeys, twimlText } from './system.js';

const EMAIL = 'dispatcher@example.org';
/** Starting a role through tsx takes a few seconds of CPU; much longer on a busy 2-core machine. */
const START_TIMEOUT_MS = 60_000;
const PASSWORD = 'correct horse battery staple';

export interface ProcessSystem {
  dir: string;
  env: Record<string, string>;
  redis: RedisServer;
  fake: FakeTwilio;
  proxy: ProviderProxy;
  /** The members' numbers, E.164, all active in one committee covering ZIP 94110. */
  members: string[];
  /** The member number of each contact id. */
  phoneOf: Map<string, string>;
  /** The test's own connection to the shared SQLite file. */
  sqlite: Database.Database;
  /** Every role process started so far (the last web and worker are `web` and `worker`). */
  processes: Running[];
  web: Running | null;
  worker: Running | null;
  /** Starts the web role and resolves once it listens and its health says Redis answers. */
  startWeb(): Promise<Running>;
  /** Starts a worker role and resolves once it logged `workers started` (its start-up reconcile is done by then). */
  startWorker(): Promise<Running>;
  /** A signed inbound SMS posted to the web role; resolves with the status and the TwiML reply text. */
  sms(from: string, body: string): Promise<{ status: number; reply: string; ms: number }>;
  /** Signs in (once) and confirms the incident through the API; resolves with the HTTP status. */
  confirm(incidentId: string): Promise<number>;
  health(): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Polls the SQLite file (there is no cross-process event for a row change) until `check` returns a value. */
  waitFor<T>(what: string, check: () => T | null | undefined | false, timeoutMs?: number): Promise<T>;
  reportCounts(): { received: number; processed: number };
  /** Alert ledger rows of an incident by status. */
  alertStatuses(incidentId: string): Record<string, number>;
  alertRows(incidentId: string): Array<{ id: string; phone: string; status: string }>;
  /** Waits until the first report is processed; resolves with its incident id. */
  firstIncident(): Promise<string>;
  /** How many messages the fake accepted per member number (0 for none). */
  alertsPerMember(): Map<string, number>;
  close(): Promise<void>;
}

export async function startProcessSystem(options: { members: number; env?: Record<string, string>; redis?: RedisServer }): Promise<ProcessSystem> {
  const dir = mkdtempSync(join(tmpdir(), 'centinela-faults-'));
  const redis = options.redis ?? (await startRedisServer());
  const fake = await startFakeTwilio();
  const proxy = await startProviderProxy(fake.url);
  const keys = testKeys();
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_PATH: join(dir, 'centinela.db'),
    REDIS_URL: redis.url,
    QUEUE_PREFIX: `faults-${randomBytes(4).toString('hex')}`,
    PUBLIC_URL,
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_FROM_NUMBER: FROM_NUMBER,
    TWILIO_API_BASE_URL: proxy.url,
    // Test time: what the roles wait out after a fault, short, so that a scenario takes seconds, not minutes. The
    // send claim lease is 2×TWILIO_TIMEOUT_MS + 10 s (14 s); a killed worker's jobs run again within 2×JOB_LOCK_MS;
    // the reconciler passes every second.
    TWILIO_TIMEOUT_MS: '2000',
    JOB_LOCK_MS: '3000',
    MAINTENANCE_EVERY_MS: '1000',
    SMS_RATE_PER_SECOND: '50',
    SMS_RETRY_BASE_MS: '100',
    LOG_LEVEL: 'info',
    // Existing tests release with one dispatcher's click; approval tests set RELEASE_APPROVALS themselves.
    RELEASE_APPROVALS: '1',
    // Existing tests count every text sent; follow-through tests turn the reporter's thank-you on themselves.
    REPORTER_THANKS: 'false',
    ...keys,
    ...options.env,
  };

  const db = openDatabase(env['DATABASE_PATH']!);
  applyMigrations(db);
  const vault = createPhoneVault({ data: Buffer.from(keys.DATA_KEY!, 'base64'), hash: Buffer.from(keys.HASH_KEY!, 'base64') });
  const repos = createRepositories(db, vault);
  const members = Array.from({ length: options.members }, (_, i) => `+1415556${String(1000 + i).padStart(4, '0')}`);
  const phoneOf = new Map<string, string>();
  const home = zipCentroid('94110');
  const now = Date.now();
  const passwordHash = await hashPassword(PASSWORD);
  inTransaction(db, () => {
    const committee = repos.committees.create({ name: 'Mission', area: { type: 'zips', zips: ['94110'] }, inviteCode: 'MISSION', autoApprove: true }, now);
    for (const phone of members) {
      const { contact } = repos.contacts.findOrCreate(phone, now, true);
      phoneOf.set(contact.id, phone);
      repos.committees.addMember(
        { committeeId: committee.id, contactId: contact.id, status: 'active', zip: '94110', lat: home?.lat ?? null, lng: home?.lng ?? null, note: null },
        now,
      );
    }
    repos.users.create({ email: EMAIL, role: 'dispatcher', passwordHash }, now);
  });
  const sqlite = db.$client;

  let webPort = 0;
  let cookie = '';
  const processes: Running[] = [];
  const base = () => {
    if (!webPort) throw new Error('the web role is not running');
    return `http://127.0.0.1:${webPort}`;
  };

  /** Signs in once; the session lives in SQLite, so it outlives a restart of the web role. */
  const signIn = async () => {
    if (cookie) return;
    const login = await fetch(`${base()}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    if (login.status !== 204) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
  };

  const system: ProcessSystem = {
    dir,
    env,
    redis,
    fake,
    proxy,
    members,
    phoneOf,
    sqlite,
    processes,
    web: null,
    worker: null,

    async startWeb() {
      const web = runEntry('src/server.ts', { cwd: dir, env });
      processes.push(web);
      system.web = web;
      webPort = listeningPort(await web.waitForLine(/listening at/, START_TIMEOUT_MS));
      // The web role listens before its Redis connection is ready, and a report queued in that moment waits for
      // the reconciler's next pass: a test starts once health says Redis answers.
      const deadline = Date.now() + START_TIMEOUT_MS;
      while ((await system.health()).body['redis'] !== 'ok') {
        if (Date.now() > deadline) throw new Error('the web role never reached Redis');
        await sleep(50);
      }
      return web;
    },

    async startWorker() {
      const worker = runEntry('src/worker.ts', { cwd: dir, env });
      processes.push(worker);
      system.worker = worker;
      await worker.waitForLine(/workers started/, START_TIMEOUT_MS);
      return worker;
    },

    async sms(from, body) {
      const params = { MessageSid: newMessageSid(), AccountSid: fake.accountSid, From: from, To: FROM_NUMBER, Body: body, NumMedia: '0' };
      const started = Date.now();
      const response = await fetch(`${base()}/twilio/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign('/twilio/sms', params) },
        body: new URLSearchParams(params).toString(),
        // Twilio gives up on a webhook after 15 s.
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      return { status: response.status, reply: twimlText(text), ms: Date.now() - started };
    },

    async confirm(incidentId) {
      await signIn();
      const response = await fetch(`${base()}/api/incidents/${incidentId}/confirm`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: '{}',
      });
      await response.text();
      return response.status;
    },

    async health() {
      // Signed in: without a session health answers only {status}.
      await signIn();
      const response = await fetch(`${base()}/api/health`, { headers: { cookie }, signal: AbortSignal.timeout(5000) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },

    async waitFor(what, check, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = check();
        if (value !== null && value !== undefined && value !== false) return value;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await sleep(100);
      }
    },

    reportCounts() {
      const rows = sqlite.prepare('select status, count(*) as n from reports group by status').all() as Array<{ status: string; n: number }>;
      const counts = { received: 0, processed: 0 };
      for (const row of rows) counts[row.status as 'received' | 'processed'] = row.n;
      return counts;
    },

    alertStatuses(incidentId) {
      const rows = sqlite
        .prepare("select status, count(*) as n from outgoing_messages where incident_id = ? and kind = 'alert' group by status")
        .all(incidentId) as Array<{ status: string; n: number }>;
      return Object.fromEntries(rows.map((row) => [row.status, row.n]));
    },

    alertRows(incidentId) {
      const rows = sqlite
        .prepare("select id, contact_id as contactId, status from outgoing_messages where incident_id = ? and kind = 'alert'")
        .all(incidentId) as Array<{ id: string; contactId: string; status: string }>;
      return rows.map((row) => ({ id: row.id, phone: phoneOf.get(row.contactId) ?? '?', status: row.status }));
    },

    firstIncident() {
      const first = sqlite.prepare("select incident_id as id from reports where status = 'processed' and incident_id is not null order by received_at limit 1");
      return system.waitFor('the first report to be processed', () => (first.get() as { id: string } | undefined)?.id, 30_000);
    },

    alertsPerMember() {
      const counts = new Map(members.map((phone) => [phone, 0]));
      for (const message of fake.sent) {
        if (counts.has(message.to)) counts.set(message.to, (counts.get(message.to) ?? 0) + 1);
      }
      return counts;
    },

    async close() {
      await Promise.all(processes.map((p) => p.stop('SIGKILL')));
      sqlite.close();
      await proxy.close();
      await fake.close();
      if (!options.redis) await redis.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return system;
}
