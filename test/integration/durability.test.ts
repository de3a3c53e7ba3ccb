// What survives Redis going away, and what happens to work that keeps failing: follow-ups owed by a dispatcher's
// action are in the ledger before the action answers; a job that gives up is recorded and not queued forever.
import { once } from 'node:events';
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { messageIdsOf } from '../../src/queue/names.js';
import { startWorkers, type Workers } from '../../src/queue/workers.js';
import { runBroadcast } from '../../src/services/broadcast.js';
import { GRACE_MS, reconcile } from '../../src/services/maintenance.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { type ApiClient, startSystem, TestClock, type TestSystem } from '../support/system.js';

const members = ['+14155550301', '+14155550302', '+14155550303'];
const reporter = '+14155550399';

describe('durability', () => {
  let system: TestSystem | undefined;
  let redis: RedisServer | undefined;
  let workers: Workers | undefined;
  afterEach(async () => {
    await workers?.close();
    await system?.close();
    await redis?.close();
    system = redis = workers = undefined;
  });

  /** Members, a confirmed incident, and every member's alert handed to the provider. */
  async function alerted(s: TestSystem, dispatcher: ApiClient): Promise<string> {
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, members);
    const id = await reportIncident(s, dispatcher, reporter, 'raid at the bakery 94110');
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await s.twilio.waitForSent(members.length);
    await s.idle();
    return id;
  }
  const perMember = (s: TestSystem, pattern: RegExp) => members.map((to) => s.twilio.sent.filter((m) => m.to === to && pattern.test(m.body)).length);

  for (const [action, pattern] of [
    ['resolve', /ALL CLEAR/i],
    ['dismiss', /CORRECTION/i],
  ] as const) {
    it(`item 2: Redis stopped, ${action}, Redis back: every alerted member gets the ${action === 'resolve' ? 'all clear' : 'correction'} once`, async () => {
      redis = await startRedisServer();
      const clock = new TestClock();
      const s = (system = await startSystem({ clock, env: { REDIS_URL: redis.url } }));
      const dispatcher = await s.login();
      const id = await alerted(s, dispatcher);
      expect(perMember(s, pattern)).toEqual([0, 0, 0]);

      await redis.stop();
      expect((await dispatcher.post(`/api/incidents/${id}/${action}`, {})).statusCode).toBe(200);
      // Redis comes back empty (no persistence): nothing about the follow-up was ever queued in it.
      await redis.start();
      if (s.deps.redis.status !== 'ready') await once(s.deps.redis, 'ready');

      // The worker's periodic reconcile, once the rows are past its grace.
      clock.advance(GRACE_MS + 1);
      await reconcile(s.deps);
      await s.twilio.waitForSent(2 * members.length);
      await s.idle();
      expect(perMember(s, pattern)).toEqual([1, 1, 1]);
      expect(s.twilio.sent).toHaveLength(2 * members.length);
      // Another pass sends nothing more.
      await reconcile(s.deps);
      await s.idle();
      expect(s.twilio.sent).toHaveLength(2 * members.length);
    }, 60_000);
  }

  it('item 3: a report whose job fails every attempt is marked failed, counted on health, and not queued again', async () => {
    const clock = new TestClock();
    const s = (system = await startSystem({ clock, workers: false }));
    const admin = await s.login('admin');
    expect((await s.sms(reporter, 'raid at the bakery 94110')).statusCode).toBe(200);
    const [report] = (await admin.get('/api/reports?limit=1')).json() as Array<{ id: string }>;
    // A row no worker can read (damaged, or written by a bug): every attempt throws.
    s.deps.db.$client.prepare("update reports set media = 'not json' where id = ?").run(report!.id);

    workers = await startWorkers(s.deps);
    const [reportsWorker] = workers.all;
    // BullMQ sets finishedOn only when it gives up (not on a failure it retries).
    for (;;) {
      const [job] = (await once(reportsWorker!, 'failed')) as [Job | undefined];
      if (job?.finishedOn) break;
    }
    // (Read by hand: the damaged row cannot be read through its repository.)
    expect(s.deps.db.$client.prepare('select status from reports where id = ?').get(report!.id)).toEqual({ status: 'failed' });
    const health = (await admin.get('/api/health')).json();
    expect(health.failedJobs).toBe(1);

    // The reconciler leaves it alone: no job is queued again, the failed one is still there to be seen.
    clock.advance(GRACE_MS + 1);
    expect((await reconcile(s.deps)).reports).toBe(0);
    expect(await s.deps.queues.reports.getJobCounts('waiting', 'delayed', 'active', 'failed')).toEqual({ waiting: 0, delayed: 0, active: 0, failed: 1 });
  }, 60_000);

  it('a send whose job failed after its last attempt is sent by the reconciler: the kept failed job does not hold its id', async () => {
    const clock = new TestClock();
    const s = (system = await startSystem({ clock, env: { SMS_SEND_ATTEMPTS: '2' } }));
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, members);
    const id = await reportIncident(s, dispatcher, reporter, 'raid at the bakery 94110');
    // Answers nobody can read: every attempt ends in doubt, and the jobs give up with the rows `unknown`.
    s.twilio.failAll({ kind: 'malformed' });
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await s.idle();
    expect((await dispatcher.get(`/api/incidents/${id}`)).json().alerts.alert).toEqual({ unknown: 3 });
    // The three rows went in one send job, which gave up.
    expect(await s.deps.queues.send.getFailedCount()).toBe(1);

    s.twilio.failAll(null);
    clock.advance(GRACE_MS + 1);
    expect((await reconcile(s.deps)).sends).toBe(3);
    await s.twilio.waitForSent(3);
    await s.idle();
    expect(s.twilio.sent.map((m) => m.to).sort()).toEqual(members);
    expect((await dispatcher.get(`/api/incidents/${id}`)).json().alerts.alert).toEqual({ sent: 3 });
  }, 60_000);

  it('item 3: an alert fan-out that gave up is not planned again by the reconciler; confirming again retries it', async () => {
    const clock = new TestClock();
    const s = (system = await startSystem({ clock, env: { SMS_SEND_ATTEMPTS: '2' } }));
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, members);
    const id = await reportIncident(s, dispatcher, reporter, 'raid at the bakery 94110');
    // A committee area no fan-out can read (damaged, or written by a bug): every attempt throws.
    const area = s.deps.db.$client.prepare('select area from committees').pluck().get() as string;
    s.deps.db.$client.prepare("update committees set area = 'not json'").run();
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await s.idle();
    expect(s.deps.repos.incidents.get(id)?.alertFailedAt).not.toBeNull();
    clock.advance(GRACE_MS + 1);
    expect((await reconcile(s.deps)).broadcasts).toBe(0);
    expect(s.twilio.sent).toHaveLength(0);

    // Mended; the dispatcher confirms again: nothing is resent twice, everyone gets the alert once.
    s.deps.db.$client.prepare('update committees set area = ?').run(area);
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(200);
    await s.twilio.waitForSent(members.length);
    await s.idle();
    expect(s.twilio.sent.map((m) => m.to).sort()).toEqual(members);
    expect(s.deps.repos.incidents.get(id)?.alertFailedAt).toBeNull();
  }, 60_000);

  it('item 3: a row left in doubt is queued again a bounded number of times, then left unknown', async () => {
    const clock = new TestClock();
    const s = (system = await startSystem({ clock, env: { SMS_SEND_ATTEMPTS: '1' } }));
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, members.slice(0, 1));
    const id = await reportIncident(s, dispatcher, reporter, 'raid at the bakery 94110');
    s.twilio.failAll({ kind: 'malformed' });
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await s.idle();
    // One attempt per job, three jobs' worth in all: the first job and two rounds of the reconciler.
    const rounds: number[] = [];
    for (let round = 0; round < 4; round++) {
      clock.advance(GRACE_MS + 1);
      rounds.push((await reconcile(s.deps)).sends);
      await s.idle();
    }
    expect(rounds).toEqual([1, 1, 0, 0]);
    expect((await dispatcher.get(`/api/incidents/${id}`)).json().alerts.alert).toEqual({ unknown: 1 });
  }, 60_000);

  it('the reconciler leaves rows that a waiting send job carries to it, and queues them again once the job is lost', async () => {
    const clock = new TestClock();
    const s = (system = await startSystem({ clock }));
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, members);
    const id = await reportIncident(s, dispatcher, reporter, 'raid at the bakery 94110');
    // No workers: the fan-out's send job waits in Redis.
    await s.workers?.close();
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await runBroadcast(s.deps, { incidentId: id, kind: 'alert' });
    const waiting = await s.deps.queues.send.getJobs(['prioritized', 'waiting']);
    expect(waiting).toHaveLength(1);
    expect(messageIdsOf(waiting[0]!.data)).toHaveLength(members.length);

    // Every row is still `queued`, but its job exists: nothing is queued twice.
    clock.advance(GRACE_MS + 1);
    expect((await reconcile(s.deps)).sends).toBe(0);
    expect(await s.deps.queues.send.getJobs(['prioritized', 'waiting'])).toHaveLength(1);

    // Redis loses the job: the reconciler queues the rows again, and the workers send each once.
    await s.deps.queues.send.obliterate({ force: true });
    expect((await reconcile(s.deps)).sends).toBe(members.length);
    workers = await startWorkers(s.deps);
    await s.twilio.waitForSent(members.length);
    await s.idle();
    expect(s.twilio.sent.map((m) => m.to).sort()).toEqual(members);
  });

  it('a batch whose last attempt fails keeps the rows that an account error left waiting, and the resume sends them', async () => {
    const s = (system = await startSystem({ env: { SMS_SEND_ATTEMPTS: '1' } }));
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, members);
    const id = await reportIncident(s, dispatcher, reporter, 'raid at the bakery 94110');
    // In one batch: one member's send meets an account error (sending pauses), another's answer is lost (in doubt,
    // so the job fails its only attempt).
    s.twilio.failFor(members[0]!, { status: 401, code: 20003 });
    s.twilio.failFor(members[1]!, { kind: 'accepted-garbled' });
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await s.idle();
    expect(await s.deps.queues.send.getFailedCount()).toBe(1);
    const statusOf = (to: string) => s.deps.repos.messages.ofIncident(id).find((row) => row.contactId === s.deps.repos.contacts.findByPhone(to)?.id)?.status;
    expect(statusOf(members[0]!)).toBe('queued');

    s.twilio.failFor(members[0]!, null);
    expect((await dispatcher.post('/api/sending/resume', {})).statusCode).toBe(200);
    await s.idle();
    expect(s.twilio.sent.filter((m) => m.to === members[0])).toHaveLength(1);
    expect(statusOf(members[0]!)).toBe('sent');
  });
});
