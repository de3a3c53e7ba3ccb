import { describe, expect, it } from 'vitest';
import { cappedBackoff, MAX_BACKOFF_MS } from '../../src/queue/backoff.js';

describe('capped exponential backoff with jitter', () => {
  it('doubles per attempt between half and all of the ceiling, and never exceeds the cap', () => {
    const low = cappedBackoff(1000, () => 0);
    const high = cappedBackoff(1000, () => 1);
    expect([1, 2, 3, 4].map((n) => low(n))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => high(n))).toEqual([1000, 2000, 4000, 8000]);
    expect(high(30)).toBe(MAX_BACKOFF_MS);
    expect(low(30)).toBe(MAX_BACKOFF_MS / 2);
  });
});
