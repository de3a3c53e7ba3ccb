// Fault injection with real processes: the web and worker roles run as child processes sharing one SQLite file
// and a private redis-server (never the machine's own), sending through a proxy to the fake Twilio. After every
// fault, every report is processed and every member has exactly one alert at the provider.
//
// The scenarios are independent: each has its own Redis, database, fake Twilio, proxy and processes.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, type ExpectStatic, it } from 'vitest';
import { fitSms } from '../../src/domain/sms-fit.js';
import { t } from '../../src/i18n/index.js';
import { GRACE_MS as RECONCILE_GRACE_MS } from '../../src/services/maintenance.js';
import { sendLeaseMs } from '../../src/services/sending.js';
import type { CreateAttempt } from '../support/fake-twilio.js';
import { type ProcessSystem, startProcessSystem } from '../support/process-system.js';

/** What a reporter is told when a report with a place was stored. */
const ACK = fitSms(t('en', 'report_ack'));
/** Twilio gives up on a webhook that has not answered after this long (and does not retry an SMS webhook). */
const TWILIO_WEBHOOK_TIMEOUT_MS = 15_000;

/** Starts a system and stops it (processes, Redis, fake, temp folder) when the test ends, whatever happened. */
async function system(onTestFinished: OnTestFinished, options: Parameters<typeof startProcessSystem>[0]): Promise<ProcessSystem> {
  const s = await startProcessSystem(options);
  onTestFinished(async ({ task }) => {
    // What the roles said, when a scenario fails: their logs are the only view inside them.
    if (task.result?.state === 'fail') {
      for (const [i, p] of s.processes.entries()) console.error(`--- process ${i} (pid ${p.child.pid}), last lines:\n${tail(p)}`);
    }
    await s.close();
  });
  return s;
}
/** The last lines a role wrote, without the connection errors it repeats while Redis is away. */
function tail(p: ProcessSystem['processes'][number], count = 30): string {
  return p.lines.filter((line) => !/ECONNREFUSED|EPIPE|ECONNRESET/.test(line)).slice(-count).join('\n');
}

type OnTestFinished = (fn: (context: { task: { result?: { state?: string } } }) => Promise<void>) => void;

/** A report from a new number, with a place (ZIP 94110, where the committee is): it joins the incident there. */
async function report(s: ProcessSystem, expect: ExpectStatic, n: number, text = 'raid at the laundromat 94110') {
  const answer = await s.sms(`+1415555${String(7000 + n)}`, text);
  expect(answer.status).toBe(200);
  expect(answer.reply).toBe(ACK);
  return answer;
}

/** Every member has exactly one alert at the provider; returns the numbers that do not, with their count. */
function notExactlyOne(s: ProcessSystem): Array<[string, number]> {
  return [...s.alertsPerMember()].filter(([, n]) => n !== 1);
}

/** The test-time settings the roles run with (process-system.ts): what a scenario may wait out after a fault. */
function waits(s: ProcessSystem) {
  return {
    /** A claim on a send held by a worker that died lapses after this. */
    sendLeaseMs: sendLeaseMs(Number(s.env['TWILIO_TIMEOUT_MS'])),
    /** A killed worker's running jobs are taken up again within twice this. */
    jobLockMs: Number(s.env['JOB_LOCK_MS']),
    maintenanceEveryMs: Number(s.env['MAINTENANCE_EVERY_MS']),
  };
}

/** Waits until every alert row of the incident is `sent` (so no further send can happen) and checks the provider. */
async function expectEveryoneAlertedOnce(s: ProcessSystem, expect: ExpectStatic, incidentId: string, timeoutMs = 30_000) {
  await s.fake.waitForSent(s.members.length, timeoutMs);
  await s.waitFor(`all ${s.members.length} alerts marked sent`, () => s.alertStatuses(incidentId)['sent'] === s.members.length, timeoutMs);
  expect(s.alertStatuses(incidentId)).toEqual({ sent: s.members.length });
  expect(notExactlyOne(s)).toEqual([]);
  expect(s.fake.sent).toHaveLength(s.members.length);
}

const since = (start: number) => `${((Date.now() - start) / 1000).toFixed(1)} s`;

// Four lanes run concurrently (each suite runs its tests one after another). What a lane waits out (the send claim
// lease, a job lock, a maintenance interval) is set short in process-system.ts and read from there.
describe('faults, with the roles as separate processes', () => {
  describe('a worker killed mid fan-out', { concurrent: true }, () => {
    it('SIGKILL of the worker mid fan-out: a new worker finishes it, nobody gets an alert twice or none', async ({ expect, onTestFinished }) => {
      const s = await system(onTestFinished, { members: 200, env: { SMS_RATE_PER_SECOND: '50' } });
      await Promise.all([s.startWeb(), s.startWorker()]);
      await report(s, expect, 1, 'raid at the bakery 94110');
      const incident = await s.firstIncident();

      // Slow provider round trips, so that the kill catches sends in flight both ways: some not yet at the provider,
      // some accepted by it whose answer never comes back. (BullMQ's limiter starts up to 50 sends at once.)
      s.proxy.slowCreates({ beforeMs: 400, afterMs: 300 });
      expect(await s.confirm(incident)).toBe(202);
      await s.fake.waitForSent(25, 20_000);
      await s.worker!.stop('SIGKILL');
      const killedAt = Date.now();
      await s.proxy.settled();
      s.proxy.slowCreates({ beforeMs: 0, afterMs: 0 });

      const rows = s.alertRows(incident);
      const inDoubt = rows.filter((row) => row.status === 'sending');
      const accepted = new Set(s.fake.sent.map((m) => m.to));
      const acceptedUnanswered = inDoubt.filter((row) => accepted.has(row.phone));
      const neverArrived = inDoubt.filter((row) => !accepted.has(row.phone));
      expect(rows).toHaveLength(200);
      // The scenario really has both kinds of send in doubt.
      expect(acceptedUnanswered.length).toBeGreaterThan(0);
      expect(neverArrived.length).toBeGreaterThan(0);
      expect(notExactlyOne(s).filter(([, n]) => n > 1)).toEqual([]);

      // A new worker: the jobs left in Redis and its start-up reconcile send every row that was still queued.
      await s.startWorker();
      const doubtful = new Set(inDoubt.map((row) => row.id));
      const restSent = () => s.alertRows(incident).every((row) => doubtful.has(row.id) || row.status === 'sent');
      await s.waitFor('every row not in doubt to be sent', restSent, 20_000);
      const restOfFanOut = since(killedAt);
      // Nobody had two; the rows in doubt wait for the killed worker's claim to lapse (SEND_LEASE_MS).
      expect(notExactlyOne(s).filter(([, n]) => n > 1)).toEqual([]);
      const stillInDoubt = s.alertRows(incident).filter((row) => row.status === 'sending').length;
      const stillWaiting = neverArrived.filter((row) => s.alertsPerMember().get(row.phone) === 0).length;

      // Past the lease (their jobs taken up again once the dead worker's locks lapse, and a reconcile tick) the rows
      // in doubt are settled: looked up at the provider first.
      const { sendLeaseMs: lease, jobLockMs, maintenanceEveryMs } = waits(s);
      const settleBy = killedAt + Math.max(lease, 2 * jobLockMs) + 2 * maintenanceEveryMs + 10_000;
      await expectEveryoneAlertedOnce(s, expect, incident, Math.max(0, settleBy - Date.now()));
      const settled = since(killedAt);
      for (const row of acceptedUnanswered) {
        expect(s.fake.attempts.filter((a) => a.to === row.phone)).toHaveLength(1);
        expect(s.proxy.requests.some((r) => r.kind === 'list' && r.to === row.phone)).toBe(true);
      }
      for (const row of neverArrived) expect(s.fake.attempts.filter((a) => a.to === row.phone && a.outcome === 'accepted')).toHaveLength(1);
      console.info(
        `[faults] SIGKILL mid fan-out: ${inDoubt.length} rows in doubt at the kill (${acceptedUnanswered.length} accepted, ` +
          `${neverArrived.length} never reached the provider); the rest sent ${restOfFanOut} after the kill, when ` +
          `${stillInDoubt} rows were still in doubt and ${stillWaiting} members still without their alert; ` +
          `all settled ${settled} after the kill`,
      );
    }, 90_000);
  });

  describe('Redis stopped and back empty', { concurrent: true }, () => {
    it('Redis stopped mid fan-out and back empty: webhooks still answer and store reports, health says degraded, the running worker picks the work up again without a restart', async ({ expect, onTestFinished }) => {
      // A slow fan-out (20 at 5/s), so that Redis loses queued sends as well as the reports' jobs.
      const s = await system(onTestFinished, { members: 20, env: { SMS_RATE_PER_SECOND: '5' } });
      await Promise.all([s.startWeb(), s.startWorker()]);
      await report(s, expect, 1, 'raid at the bakery 94110');
      const incident = await s.firstIncident();
      expect(await s.confirm(incident)).toBe(202);
      await s.fake.waitForSent(5);
      await s.redis.stop();

      const answers = [];
      for (const n of [2, 3, 4, 5]) answers.push(await report(s, expect, n));
      // Well within Twilio's 15 s: a Redis known to be down is not waited on (the add is not even tried).
      for (const answer of answers) expect(answer.ms).toBeLessThan(5000);
      expect(s.reportCounts()).toEqual({ received: 4, processed: 1 });
      const health = await s.health();
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'degraded', db: 'ok', redis: 'down' });

      // No persistence: Redis comes back empty, without the queued sends, the reports' jobs and the maintenance
      // schedule. The web role reconnects by itself (ioredis retries at most every 2 s).
      await s.redis.start();
      const backAt = Date.now();
      await waitForHealth(s, 'ok', 10_000);
      // The running worker registers the schedule again: the reconciler is back within an interval.
      const { maintenanceEveryMs } = waits(s);
      await s.waitFor('every report to be processed', () => s.reportCounts().received === 0, Math.max(0, backAt + maintenanceEveryMs + 15_000 - Date.now()));
      expect(s.reportCounts()).toEqual({ received: 0, processed: 5 });
      await expectEveryoneAlertedOnce(s, expect, incident, 20_000);
    }, 60_000);
  });

  describe('Redis flushed, frozen', { concurrent: true }, () => {
    it.sequential('FLUSHALL between the webhook and the worker: the start-up reconcile processes the reports and sends the alert', async ({ expect, onTestFinished }) => {
      // The production interval: within this test only a worker's start-up reconcile can find the reports.
      const s = await system(onTestFinished, { members: 30, env: { MAINTENANCE_EVERY_MS: '60000' } });
      await Promise.all([s.startWeb(), s.startWorker()]);
      await report(s, expect, 1, 'raid at the bakery 94110');
      const incident = await s.firstIncident();

      // The web role alone: the confirmation and three reports are queued in Redis, and Redis forgets them.
      expect(await s.worker!.stop('SIGTERM')).toBe(0);
      expect(await s.confirm(incident)).toBe(202);
      for (const n of [2, 3, 4]) await report(s, expect, n);
      const lastReportAt = Date.now();
      expect(s.reportCounts()).toEqual({ received: 3, processed: 1 });
      await s.redis.flushall();

      // The reconciler leaves reports younger than its grace alone, at start-up too: wait it out, or the next
      // pass is a full maintenance interval later.
      await sleep(Math.max(0, lastReportAt + RECONCILE_GRACE_MS + 200 - Date.now()));
      await s.startWorker();
      await s.waitFor('every report to be processed', () => s.reportCounts().received === 0);
      expect(s.reportCounts()).toEqual({ received: 0, processed: 4 });
      await expectEveryoneAlertedOnce(s, expect, incident);
    }, 60_000);

    it.sequential('Redis frozen (SIGSTOP): webhooks answer before Twilio gives up while it hangs, and store the reports', async ({ expect, onTestFinished }) => {
      const s = await system(onTestFinished, { members: 10 });
      await Promise.all([s.startWeb(), s.startWorker()]);
      await report(s, expect, 1, 'raid at the bakery 94110');
      const incident = await s.firstIncident();

      // A hung Redis (or a network black hole) is not a refused connection: the port is open, nothing answers. It
      // stays frozen until the webhook has answered: one that waited on Redis would hit Twilio's 15 s first.
      s.redis.freeze();
      const frozenAt = Date.now();
      try {
        const health = await s.health();
        expect(health.status).toBe(200);
        expect(health.body).toMatchObject({ status: 'degraded', redis: 'down' });
        // The confirmation is committed even if its broadcast can't be queued now.
        expect(await s.confirm(incident)).toBe(202);
        const answer = await s.sms('+14155557002', 'raid at the laundromat 94110').catch((error: Error) => ({ status: 0, reply: error.message, ms: Date.now() - frozenAt }));
        expect(answer, 'the webhook must answer within Twilio’s 15 s while Redis hangs').toMatchObject({ status: 200, reply: ACK });
        expect(answer.ms).toBeLessThan(TWILIO_WEBHOOK_TIMEOUT_MS);
        expect(s.reportCounts()).toEqual({ received: 1, processed: 1 });
      } finally {
        s.redis.thaw();
      }
      // The running worker and the web role carry on by themselves once Redis answers again.
      await waitForHealth(s, 'ok', 10_000);
      await s.waitFor('every report to be processed', () => s.reportCounts().received === 0);
      expect(s.reportCounts()).toEqual({ received: 0, processed: 2 });
      await expectEveryoneAlertedOnce(s, expect, incident);
    }, 60_000);
  });

  describe('provider faults', { concurrent: true }, () => {
    it.sequential('the provider failing every request for six attempts of each message: retries outlast it and every member gets exactly one alert', async ({ expect, onTestFinished }) => {
      // Capped exponential backoff from 100 ms with 14 attempts: far more than the outage, which lasts until every
      // message has failed six times (1.6 to 3.1 s of backoff; the production defaults, 2 s and 8 attempts, wait
      // at least 127 s in all). The seventh attempt comes at most 3.2 s after the outage ends.
      const s = await system(onTestFinished, { members: 20, env: { SMS_RETRY_BASE_MS: '100', SMS_SEND_ATTEMPTS: '14' } });
      await Promise.all([s.startWeb(), s.startWorker()]);
      await report(s, expect, 1, 'raid at the bakery 94110');
      const incident = await s.firstIncident();

      s.fake.failAll({ status: 500 });
      s.proxy.failLists(Number.POSITIVE_INFINITY, 500);
      expect(await s.confirm(incident)).toBe(202);
      await s.fake.waitForRequests(1);
      const outageStart = Date.now();
      await failedEach(s, 6, 30_000);
      s.fake.failAll(null);
      s.proxy.failLists(0, 500);
      const outageEnd = Date.now();

      const rejected = (phone: string) => s.fake.attempts.filter((a) => a.to === phone && a.outcome === 'rejected').length;
      expect(s.fake.sent).toHaveLength(0);
      expect(Math.min(...s.members.map(rejected))).toBeGreaterThanOrEqual(6);
      await expectEveryoneAlertedOnce(s, expect, incident, 30_000);
      console.info(
        `[faults] provider outage of ${((outageEnd - outageStart) / 1000).toFixed(1)} s: ${Math.min(...s.members.map(rejected))}–` +
          `${Math.max(...s.members.map(rejected))} failed attempts per member; all sent ${since(outageEnd)} after it ended`,
      );
    }, 90_000);

    it.sequential('a message in doubt whose lookup at the provider fails is not sent again blindly', async ({ expect, onTestFinished }) => {
      const s = await system(onTestFinished, { members: 5 });
      await Promise.all([s.startWeb(), s.startWorker()]);
      await report(s, expect, 1, 'raid at the bakery 94110');
      const incident = await s.firstIncident();

      // The first alert is accepted but its answer is garbled: the row is in doubt. The lookup that must come
      // before any new attempt is rate-limited once (Twilio answers 429 when many lookups come at once).
      s.fake.failNext(1, { kind: 'accepted-garbled' });
      s.proxy.failLists(1, 429, (to) => to !== null && s.members.includes(to));
      expect(await s.confirm(incident)).toBe(202);
      await expectEveryoneAlertedOnce(s, expect, incident);
    }, 60_000);
  });
});

/** Resolves once the provider has rejected a create to every member at least `count` times (on its events). */
function failedEach(s: ProcessSystem, count: number, timeoutMs: number): Promise<void> {
  const failures = new Map(s.members.map((phone) => [phone, 0]));
  const tally = (a: CreateAttempt) => {
    const n = a.to === null ? undefined : failures.get(a.to);
    if (a.outcome === 'rejected' && a.to !== null && n !== undefined) failures.set(a.to, n + 1);
  };
  s.fake.attempts.forEach(tally);
  const done = () => [...failures.values()].every((n) => n >= count);
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onRequest = (a: CreateAttempt) => {
      tally(a);
      if (done()) finish(null);
    };
    const timer = setTimeout(() => finish(new Error(`not every member failed ${count} times within ${timeoutMs} ms: ${[...failures.values()].join(',')}`)), timeoutMs);
    const finish = (error: Error | null) => {
      clearTimeout(timer);
      s.fake.off('request', onRequest);
      if (error) reject(error);
      else resolve();
    };
    s.fake.on('request', onRequest);
  });
}

async function waitForHealth(s: ProcessSystem, status: 'ok' | 'degraded', timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // /api/health is the only view of the web role's Redis connection; polled at short, bounded intervals.
  while ((await s.health()).body['status'] !== status) {
    if (Date.now() > deadline) throw new Error(`health not ${status} after ${timeoutMs} ms`);
    await sleep(200);
  }
}
