import { describe, expect, it } from 'vitest';
import { judgeSends, SENDS_WINDOW_MS } from '../../src/services/send-health.js';

const now = 1_000_000_000;
/** Newest first, one second apart. */
const calls = (pattern: string) => [...pattern].map((c, i) => ({ at: now - i * 1000, ok: c === '+' }));

describe('judgeSends', () => {
  it('is failing when at least half of at least 10 recent calls failed', () => {
    expect(judgeSends(calls('-+-+-+-+-+'), now)).toEqual({ calls: 10, failed: 5, failing: true });
    expect(judgeSends(calls('-+-+-+-++'), now).failing).toBe(false); // 9 calls say nothing
    expect(judgeSends(calls('-+-+-+-+++'), now).failing).toBe(false); // 4 of 10
  });

  it('clears once the newest three calls succeeded, however many failed before', () => {
    expect(judgeSends(calls('++' + '-'.repeat(20)), now).failing).toBe(true);
    expect(judgeSends(calls('+++' + '-'.repeat(20)), now)).toEqual({ calls: 23, failed: 20, failing: false });
  });

  it('counts only the last 5 minutes', () => {
    const old = calls('-'.repeat(12)).map((c) => ({ ...c, at: c.at - SENDS_WINDOW_MS }));
    expect(judgeSends(old, now)).toEqual({ calls: 0, failed: 0, failing: false });
  });
});
