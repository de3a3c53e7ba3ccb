import { describe, expect, it } from 'vitest';
import { batchSends, LEAD_BATCH, SEND_BATCH, sendPacing } from '../../src/queue/send-pacing.js';

/** Messages per second the limiter admits when every job is full. */
const rateOf = (pacing: ReturnType<typeof sendPacing>) =>
  pacing.limiter ? (pacing.limiter.max * pacing.batch * 1000) / pacing.limiter.duration : Infinity;

describe('send pacing', () => {
  it('without a rate limit, sends go in batches with no limiter', () => {
    expect(sendPacing(0)).toMatchObject({ batch: SEND_BATCH, limiter: undefined });
  });

  it.each([100, 10, 30, 1000, 250, 370, 1010, 5, 15, 1, 0.5])('SMS_RATE_PER_SECOND=%s is exactly the rate the limiter admits', (rate) => {
    const pacing = sendPacing(rate);
    expect(rateOf(pacing)).toBeCloseTo(rate, 9);
    expect(pacing.batch).toBeGreaterThanOrEqual(1);
    expect(pacing.batch).toBeLessThanOrEqual(SEND_BATCH);
  });

  it('a rate is admitted in tenths of a second where it divides into them, in bursts no larger than a tenth', () => {
    expect(sendPacing(100)).toMatchObject({ batch: 10, limiter: { max: 1, duration: 100 } });
    expect(sendPacing(1000)).toMatchObject({ batch: 100, limiter: { max: 1, duration: 100 } });
    expect(sendPacing(3000)).toMatchObject({ batch: 100, limiter: { max: 3, duration: 100 } });
    expect(sendPacing(370)).toMatchObject({ batch: 37, limiter: { max: 1, duration: 100 } });
    // 101 a tenth is a prime over the largest batch: one message a job.
    expect(sendPacing(1010)).toMatchObject({ batch: 1, limiter: { max: 101, duration: 100 } });
  });

  it('works on about two hundred rows at once whatever the batch, in at least two jobs', () => {
    expect(sendPacing(0).concurrency * sendPacing(0).batch).toBeGreaterThanOrEqual(200);
    expect(sendPacing(0).concurrency).toBeGreaterThanOrEqual(2);
    expect(sendPacing(5).concurrency).toBe(200);
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
