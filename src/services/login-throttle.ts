// Wrong-password throttling for console sign-in, in two layers:
// - per account and client address: after 5 failures each further try waits 1 s, 2 s, 4 s … up to 15 minutes
//   after the last failure, so a guesser at one address slows only itself;
// - per account across all addresses: at most 20 failures in an hour; past that only a device that signed in
//   before or a correct second-factor code may try (the caller decides that), so fresh addresses buy no guesses.
// A refused try (429) is not a guess and counts toward nothing: one address alone never reaches the account's cap.
// Counters live in SQLite under HMAC keys (HASH_KEY): no email or address is stored in plain text.
import { createHmac } from 'node:crypto';
import type { UsersRepository } from '../db/repositories/users.js';

export const ADDRESS_FREE_FAILURES = 5;
export const ACCOUNT_FAILURES_PER_HOUR = 20;
const MAX_DELAY_MS = 15 * 60_000;
const HOUR_MS = 3600_000;
/** After a quiet day a count starts again: one typo must not bring back yesterday's long wait. */
const FAILURE_MEMORY_MS = 24 * HOUR_MS;

export interface LoginAttempt {
  /** How long this account must still wait at this address; 0 when it may try. */
  addressWaitMs: number;
  /** When the account is at its hourly cap: how long until the hour's count starts again; otherwise 0. */
  accountWaitMs: number;
  failed(): void;
  succeeded(): void;
}

export function createLoginThrottle(users: UsersRepository, hashKey: Buffer) {
  const keyOf = (...parts: string[]) => createHmac('sha256', hashKey).update(['login', ...parts].join('\n')).digest('base64url');

  return {
    attempt(email: string, address: string, now: number): LoginAttempt {
      const account = email.trim().toLowerCase();
      const addressKey = keyOf('address', account, address);
      // One counter per clock hour: the cap is "20 failures in this hour".
      const hour = Math.floor(now / HOUR_MS);
      const accountKey = keyOf('account', account, String(hour));
      const accountFailures = users.failures(accountKey)?.count ?? 0;
      return {
        addressWaitMs: addressWait(users.failures(addressKey), now),
        accountWaitMs: accountFailures >= ACCOUNT_FAILURES_PER_HOUR ? (hour + 1) * HOUR_MS - now : 0,
        failed() {
          // Only failures add rows, so this is where old ones go; an old row read meanwhile asks no wait anyway.
          users.forgetFailuresBefore(now - FAILURE_MEMORY_MS);
          users.recordFailure(addressKey, now);
          users.recordFailure(accountKey, now);
        },
        // The account's count stays: the owner signing in must not hand a guesser a fresh 20.
        succeeded() {
          users.clearFailures(addressKey);
        },
      };
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

function addressWait(failures: { count: number; lastAt: number } | undefined, now: number): number {
  if (!failures || failures.count < ADDRESS_FREE_FAILURES) return 0;
  const delay = Math.min(1000 * 2 ** (failures.count - ADDRESS_FREE_FAILURES), MAX_DELAY_MS);
  return Math.max(0, failures.lastAt + delay - now);
}
