import { describe, expect, it } from 'vitest';
import { batchSends, LEAD_BATCH, SEND_BATCH, sendPacing } from '../../src/queue/send-pacing.js';

const IN_FLIGHT = 200; // TWILIO_MAX_IN_FLIGHT's default

/** Messages per second the limiter admits when every job is full. */
const rateOf = (pacing: ReturnType<typeof sendPacing>) =>
  pacing.limiter ? (pacing.limiter.max * pacing.batch * 1000) / pacing.limiter.duration : Infinity;

describe('send pacing', () => {
  it('without a rate limit, sends go in batches, two jobs at a time, with no limiter', () => {
    expect(sendPacing(0, IN_FLIGHT)).toEqual({ batch: SEND_BATCH, concurrency: 2, limiter: undefined });
  });

  it.each([100, 10, 30, 1000, 250, 370, 5, 15, 1, 0.5])('SMS_RATE_PER_SECOND=%s: one row a job, and exactly the rate the limiter admits', (rate) => {
    const pacing = sendPacing(rate, IN_FLIGHT);
    expect(pacing.batch).toBe(1);
    expect(rateOf(pacing)).toBeCloseTo(rate, 9);
  });

  it('a rate is admitted in tenths of a second where it divides into them, in bursts no larger than a tenth', () => {
    expect(sendPacing(100, IN_FLIGHT).limiter).toEqual({ max: 10, duration: 100 });
    expect(sendPacing(15, IN_FLIGHT).limiter).toEqual({ max: 15, duration: 1000 });
    expect(sendPacing(0.5, IN_FLIGHT).limiter).toEqual({ max: 1, duration: 2000 });
  });

  it.each([200, 20, 7, 1])('a worker never claims more rows than the provider may call at once (TWILIO_MAX_IN_FLIGHT=%s)', (maxInFlight) => {
    for (const rate of [0, 10, 100, 1000, 5]) {
      const { batch, concurrency } = sendPacing(rate, maxInFlight);
      expect(batch * concurrency).toBeLessThanOrEqual(maxInFlight);
      expect(concurrency).toBeGreaterThanOrEqual(1);
    }
  });

  it('the first job of a list is small, so that the nearest alerts leave at once', () => {
    const ids = Array.from({ length: 250 }, (_, i) => `a${i}`);
    expect(batchSends(ids, 100, () => 1).map((job) => job.messageIds.length)).toEqual([LEAD_BATCH, 100, 100, 40]);
  });

  it('cuts rows into jobs in the order given, a priority per job', () => {
    const priorityOf = (id: string) => (id.startsWith('u') ? 5 : 1);
    expect(batchSends(['a1', 'a2', 'a3', 'u1', 'u2', 'a4'], 2, priorityOf)).toEqual([
      { messageIds: ['a1', 'a2'], priority: 1 },
      { messageIds: ['a3'], priority: 1 },
      { messageIds: ['u1', 'u2'], priority: 5 },
      { messageIds: ['a4'], priority: 1 },
    ]);
  });
});
