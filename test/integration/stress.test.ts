// Exactly-once under stress (#9, "How it is judged"): three worker processes share one SQLite file and one Redis,
// the provider answers 429 to one create in five, and one worker is killed with SIGKILL in the middle of a
// 2,000-member fan-out and replaced. Every member gets exactly one alert, and the ledger says the same.
import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import { fitSms } from '../../src/domain/sms-fit.js';
import { t } from '../../src/i18n/index.js';
import { sendLeaseMs } from '../../src/services/sending.js';
import type { Running } from '../support/processes.js';
import { type ProcessSystem, startProcessSystem } from '../support/process-system.js';

const MEMBERS = 2000;
const ACK = fitSms(t('en', 'report_ack'));

const since = (start: number) => `${((Date.now() - start) / 1000).toFixed(1)} s`;

type OnTestFinished = (fn: (context: { task: { result?: { state?: string } } }) => Promise<void>) => void;

/** Starts a system and stops it when the test ends; a failure prints what each role said last. */
async function system(onTestFinished: OnTestFinished, options: Parameters<typeof startProcessSystem>[0]): Promise<ProcessSystem> {
  const s = await startProcessSystem(options);
  onTestFinished(async ({ task }) => {
    if (task.result?.state === 'fail') {
      for (const [i, p] of s.processes.entries()) console.error(`--- process ${i} (pid ${p.child.pid}), last lines:\n${p.lines.slice(-30).join('\n')}`);
    }
    await s.close();
  });
  return s;
}

describe('exactly-once under stress', () => {
  it('item 4: 3 worker processes, 429 to one create in five, a worker SIGKILLed mid 2,000-member fan-out and replaced: every member gets exactly one alert', async ({ expect, onTestFinished }) => {
    const s = await system(onTestFinished, {
      members: MEMBERS,
      env: {
        QUEUE_PREFIX: `stress-${randomBytes(4).toString('hex')}`,
        // Across all workers (BullMQ's limiter is global): 2,000 alerts and their retries in ~12 s, so that the
        // kill lands mid fan-out and not after it.
        SMS_RATE_PER_SECOND: '200',
        // A 429 is retried 50–100 ms later; 14 attempts make "every try of one message hit a 429" impossible in
        // practice (the production 8 would give up on about one run in 200 at this failure share).
        SMS_RETRY_BASE_MS: '100',
        SMS_SEND_ATTEMPTS: '14',
        // The killed worker's jobs run again within 2 × 2 s; its claimed rows wait out the lease (2 × 2 s + 10 s).
        JOB_LOCK_MS: '2000',
        TWILIO_TIMEOUT_MS: '2000',
        MAINTENANCE_EVERY_MS: '1000',
      },
    });
    const started = Date.now();
    const [, ...workers] = await Promise.all([s.startWeb(), s.startWorker(), s.startWorker(), s.startWorker()]);
    const victim: Running = workers[0]!;
    const startedIn = since(started);

    const answer = await s.sms('+14155557001', 'raid at the bakery 94110');
    expect(answer).toMatchObject({ status: 200, reply: ACK });
    const incident = await s.firstIncident();

    // Round trips slow enough that the kill catches the victim's sends in flight both ways: some held before the
    // provider (they never arrive), some accepted whose answer never comes back (in doubt, looked up later).
    // (Up to 0.9 s a round trip: within TWILIO_TIMEOUT_MS, and within the 150 sends three workers run at once.)
    s.proxy.slowCreates({ beforeMs: 500, afterMs: 400 });
    s.fake.failEvery(5, { status: 429 });
    const confirmedAt = Date.now();
    expect(await s.confirm(incident)).toBe(202);

    // On the fake's own event, not a sleep: 35 % of the members have their alert.
    await s.fake.waitForSent(Math.round(0.35 * MEMBERS), 40_000);
    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    const acceptedAtKill = s.fake.sent.length;
    expect(acceptedAtKill, 'the kill lands in the middle of the fan-out').toBeLessThanOrEqual(0.6 * MEMBERS);
    expect(acceptedAtKill).toBeGreaterThanOrEqual(0.3 * MEMBERS);
    expect(s.alertRows(incident)).toHaveLength(MEMBERS);

    const replacement = await s.startWorker();
    expect(replacement.child.exitCode).toBeNull();

    // Done when every row is sent: the victim's claims lapse after the lease, and their rows are looked up first.
    const lease = sendLeaseMs(Number(s.env['TWILIO_TIMEOUT_MS']));
    await s.waitFor(`all ${MEMBERS} alerts marked sent`, () => s.alertStatuses(incident)['sent'] === MEMBERS, lease + 40_000);
    await s.fake.waitForSent(MEMBERS, 5_000);
    const doneIn = since(confirmedAt);

    // Every member exactly one alert at the provider, and nothing else was sent.
    expect([...s.alertsPerMember()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(s.fake.sent).toHaveLength(MEMBERS);
    for (const phone of s.members) expect(s.fake.attempts.filter((a) => a.to === phone && a.outcome === 'accepted')).toHaveLength(1);

    // The ledger agrees: one alert row per member, each sent with the sid the provider gave that member's message.
    const rows = s.sqlite
      .prepare("select contact_id as contactId, status, provider_sid as sid from outgoing_messages where incident_id = ? and kind = 'alert'")
      .all(incident) as Array<{ contactId: string; status: string; sid: string | null }>;
    expect(rows).toHaveLength(MEMBERS);
    expect(rows.filter((row) => row.status !== 'sent' && row.status !== 'delivered')).toEqual([]);
    expect(new Set(rows.map((row) => row.contactId)).size).toBe(MEMBERS);
    const sidOf = new Map(s.fake.sent.map((m) => [m.to, m.sid]));
    expect(rows.filter((row) => row.sid === null || row.sid !== sidOf.get(s.phoneOf.get(row.contactId) ?? ''))).toEqual([]);

    // The faults really happened: one create in five answered 429, and the victim died with sends in flight, whose
    // rows were looked up at the provider before anything was sent again. (How many of those never reached the
    // provider and how many it had accepted is chance, so only reported.)
    const rejected = s.fake.attempts.filter((a) => a.outcome === 'rejected');
    expect(rejected.every((a) => a.status === 429)).toBe(true);
    expect(rejected).toHaveLength(Math.floor(s.fake.requests / 5));
    const dropped = s.proxy.requests.filter((r) => r.kind === 'create' && r.outcome === 'dropped').length;
    const members = new Set(s.members);
    const lookups = s.proxy.requests.filter((r) => r.kind === 'list' && r.to !== null && members.has(r.to));
    expect(lookups.length).toBeGreaterThan(0);
    // Accepted before its row was looked up: the victim died before hearing the answer, and it was not resent.
    const acceptedAt = new Map(s.fake.attempts.filter((a) => a.outcome === 'accepted').map((a) => [a.to, a.at.getTime()]));
    const foundAtProvider = new Set(lookups.filter((r) => (acceptedAt.get(r.to) ?? Number.POSITIVE_INFINITY) < r.at).map((r) => r.to)).size;
    for (const w of workers.slice(1)) expect(w.child.exitCode).toBeNull();

    console.info(
      `[stress] ${MEMBERS} members, 3 workers (started in ${startedIn}); ${rejected.length} of ${s.fake.requests} creates answered 429; ` +
        `killed one at ${acceptedAtKill} accepted (${since(killedAt)} ago), ${dropped} of its sends never reached the provider, ` +
        `${lookups.length} rows in doubt looked up (${foundAtProvider} found accepted); all ${MEMBERS} sent ${doneIn} after the confirmation`,
    );
  }, 150_000);
});
