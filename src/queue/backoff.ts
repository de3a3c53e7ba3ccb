import type { BackoffStrategy } from 'bullmq';

export const CAPPED_BACKOFF = 'capped-exponential';
/** No retry waits longer than this: an alert is worth little after a few minutes. */
export const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * base·2^(n-1), capped, with "equal jitter" (between half and all of it): retries spread out instead of
 * hammering a provider that just answered 429 in the same instant.
 */
export function cappedBackoff(baseMs: number, random: () => number = Math.random): BackoffStrategy {
  return (attemptsMade) => {
    const ceiling = Math.min(baseMs * 2 ** Math.max(0, attemptsMade - 1), MAX_BACKOFF_MS);
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  };
}
