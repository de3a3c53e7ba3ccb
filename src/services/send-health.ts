// Whether the provider is taking our messages. Every worker records the outcome of each provider call in Redis,
// so that the web role's health answer sees what all of them saw. Recording never waits and never throws: a
// send must not slow down or fail for the sake of a statistic.
import type { Deps } from '../deps.js';
import { orTimeout } from '../timeout.js';

export const SENDS_WINDOW_MS = 5 * 60_000;
/** Fewer calls than this in the window say nothing either way. */
export const SENDS_MIN_CALLS = 10;
/** This many successes in a row mean sending works again: the alarm clears without waiting out the window. */
export const SENDS_RECOVERED_AFTER = 3;
/** Only the newest calls are kept: at high rates the window is the last this many calls, not all of 5 minutes. */
const KEEP = 1000;
const READ_TIMEOUT_MS = 500;
const WRITE_EVERY_MS = 100;

/** `failed`: the call failed or ended in doubt. Errors about one recipient (STOP, invalid number) are not recorded. */
export type CallOutcome = 'ok' | 'failed';

export interface SendsHealth {
  calls: number;
  failed: number;
  failing: boolean;
}

type HealthDeps = Pick<Deps, 'redis' | 'config' | 'now'>;

const keyOf = (deps: HealthDeps) => `${deps.config.queuePrefix}:provider-calls`;

export function recordProviderCall(deps: HealthDeps, outcome: CallOutcome): void {
  // The producer connection refuses commands while Redis is away; not even tried then.
  if (deps.redis.status !== 'ready') return;
  // Written at most every WRITE_EVERY_MS, in one round trip: a fan-out makes thousands of calls a second.
  let pending = unwritten.get(deps.redis);
  if (!pending) {
    unwritten.set(deps.redis, (pending = []));
    setTimeout(() => writeCalls(deps), WRITE_EVERY_MS).unref();
  }
  pending.push(`${deps.now()} ${outcome}`);
}

const unwritten = new WeakMap<HealthDeps['redis'], string[]>();

function writeCalls(deps: HealthDeps): void {
  const entries = unwritten.get(deps.redis) ?? [];
  unwritten.delete(deps.redis);
  if (entries.length === 0 || deps.redis.status !== 'ready') return;
  const key = keyOf(deps);
  deps.redis
    .multi()
    .lpush(key, ...entries)
    .ltrim(key, 0, KEEP - 1)
    .pexpire(key, SENDS_WINDOW_MS * 2)
    .exec()
    .catch(() => undefined);
}

/** The recent calls judged; null when Redis cannot say (health then reports Redis instead). */
export async function sendsHealth(deps: HealthDeps): Promise<SendsHealth | null> {
  // Calls this process has not written yet go first (the same connection keeps the order).
  writeCalls(deps);
  try {
    const raw = await orTimeout(deps.redis.lrange(keyOf(deps), 0, KEEP - 1), READ_TIMEOUT_MS);
    if (raw === 'timeout') return null;
    const outcomes = raw.map((entry) => {
      const [at, outcome] = entry.split(' ');
      return { at: Number(at), ok: outcome === 'ok' };
    });
    return judgeSends(outcomes, deps.now());
  } catch {
    return null;
  }
}

/**
 * Pure. `outcomes` newest first. Failing when at least half of at least SENDS_MIN_CALLS calls in the window
 * failed, unless the newest SENDS_RECOVERED_AFTER all succeeded.
 */
export function judgeSends(outcomes: ReadonlyArray<{ at: number; ok: boolean }>, now: number): SendsHealth {
  const recent = outcomes.filter((o) => o.at > now - SENDS_WINDOW_MS);
  const calls = recent.length;
  const failed = recent.filter((o) => !o.ok).length;
  const recovered = calls >= SENDS_RECOVERED_AFTER && recent.slice(0, SENDS_RECOVERED_AFTER).every((o) => o.ok);
  return { calls, failed, failing: calls >= SENDS_MIN_CALLS && failed * 2 >= calls && !recovered };
}
