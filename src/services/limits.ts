// Abuse resistance at the door: per-number and line-wide limits, and flood detection, counted in Redis by the
// number's keyed hash (never the number). While Redis is away, reports are let through (no report is ever lost
// to a limiter) and JOINs are refused (an infiltration wave must not slip through an outage).
import type { Redis } from 'ioredis';
import type { Contact } from '../db/repositories/contacts.js';
import type { Deps } from '../deps.js';
import type { Command } from '../domain/keywords.js';
import { isPhoneNumber } from '../domain/senders.js';

export const FLOOD_KEY = 'flood';
const FLOOD_WINDOW_MS = 10 * 60_000;
/** JOINs one number may send in an hour, right code or wrong: enough for typos, too few to guess codes. */
export const JOINS_PER_NUMBER_PER_HOUR = 5;

export type Admission =
  | { admit: true; newReporter: boolean; flood: boolean }
  /** Over a limit: `refusal` is the answer (null: silence after one polite answer per window). Nothing is stored. */
  | { admit: false; refusal: 'report_limited' | 'report_busy' | 'join_busy' | null };

type LimitDeps = Pick<Deps, 'redis' | 'config' | 'repos' | 'now' | 'log' | 'vault'>;

/** Decides at the door whether a message from `phone` is taken, reading (never writing) what the line knows of it. */
export async function admitSender(
  deps: LimitDeps,
  phone: string,
  command: Command,
  hasMedia: boolean,
): Promise<{ gate: Admission; known: Contact | undefined }> {
  if (!isPhoneNumber(phone)) return { gate: await admitHiddenNumber(deps, command, hasMedia), known: undefined };
  const known = deps.repos.contacts.findByPhone(phone);
  // "Seen lately": an active member, or a number whose report (not a flood report) or JOIN was taken on an earlier
  // day, by the daily sets (src/db/repositories/seen.ts) rather than a time kept on the contact. Texting HELP or
  // STOP makes no number known, nor does anything sent today: a flood of fresh numbers stays a flood.
  const seenLately =
    (known !== undefined && deps.repos.contacts.isActiveMember(known.id)) ||
    deps.repos.seen.seenBeforeToday(phone, deps.now(), deps.config.retentionDays);
  const gate = await admit(deps, deps.vault.hash(phone), seenLately, command, hasMedia);
  return { gate, known };
}

/** Never limited: a number must always be able to stop messages or ask what this is. */
const ALWAYS = new Set<Command['type']>(['stop', 'start', 'help']);

async function admit(deps: LimitDeps, phoneHash: string, seenLately: boolean, command: Command, hasMedia: boolean): Promise<Admission> {
  const now = deps.now();
  const { limits } = deps.config;
  const isReport = countsAsReport(command, hasMedia);
  const newReporter = !seenLately;

  if (ALWAYS.has(command.type)) return { admit: true, newReporter, flood: false };
  const key = (...parts: (string | number)[]) => limitKey(deps, ...parts);

  try {
    if (command.type === 'join') {
      const joinGate = await admitJoin(deps, phoneHash, command, now);
      return joinGate ?? { admit: true, newReporter, flood: false };
    }
    const hour = Math.floor(now / 3_600_000);
    if (!isReport) {
      if (limits.keywordsPerNumberPerHour === 0) return { admit: true, newReporter, flood: false };
      const count = await counter(deps.redis, key('keyword', phoneHash, hour), 7200);
      return count <= limits.keywordsPerNumberPerHour ? { admit: true, newReporter, flood: false } : { admit: false, refusal: null };
    }
    if (limits.reportsPerNumberPerHour > 0) {
      const count = await counter(deps.redis, key('report', phoneHash, hour), 7200);
      if (count > limits.reportsPerNumberPerHour) {
        const first = await deps.redis.set(key('refused', phoneHash, hour), '1', 'EX', 7200, 'NX');
        return { admit: false, refusal: first === 'OK' ? 'report_limited' : null };
      }
    }
    // Only numbers new to the line are marked during a flood: known reporters are trusted as before.
    return { admit: true, newReporter, flood: newReporter && (await countNewReporter(deps, key('new-reporters'), now)) };
  } catch (error) {
    deps.log.warn({ err: (error as Error).message }, 'rate limits unavailable (Redis): reports pass, joins wait');
    if (command.type === 'join') return { admit: false, refusal: 'join_busy' };
    return { admit: true, newReporter, flood: newReporter && floodActive(deps, now) };
  }
}

const countsAsReport = (command: Command, hasMedia: boolean) => command.type === 'report' || (command.type === 'empty' && hasMedia);

const limitKey = (deps: LimitDeps, ...parts: (string | number)[]) => [deps.config.queuePrefix, 'limit', ...parts].join(':');

/**
 * Every JOIN counts against its number's own limit; only wrong codes count against the line-wide budget, so made-up
 * codes from many numbers cannot shut the door on a real invitee. Returns the refusal, or null to let it through.
 */
async function admitJoin(deps: LimitDeps, phoneHash: string, command: Extract<Command, { type: 'join' }>, now: number): Promise<Admission | null> {
  const hour = Math.floor(now / 3_600_000);
  const tries = await counter(deps.redis, limitKey(deps, 'join', phoneHash, hour), 7200);
  if (tries > JOINS_PER_NUMBER_PER_HOUR) {
    const first = await deps.redis.set(limitKey(deps, 'join-refused', phoneHash, hour), '1', 'EX', 7200, 'NX');
    return { admit: false, refusal: first === 'OK' ? 'join_busy' : null };
  }
  const budget = deps.config.limits.joinsPerMinute;
  const wrongCode = command.code !== null && !deps.repos.committees.findByInviteCode(command.code);
  if (!wrongCode || budget === 0) return null;
  const wrong = await counter(deps.redis, limitKey(deps, 'join-wrong', Math.floor(now / 60_000)), 120);
  return wrong > budget ? { admit: false, refusal: 'join_busy' } : null;
}

/**
 * A withheld caller ID is many people at once: it gets no contact and no per-number count. Its reports share one
 * line-wide hourly budget; every refused one is told so (there is no "once per number" to keep track of).
 */
async function admitHiddenNumber(deps: LimitDeps, command: Command, hasMedia: boolean): Promise<Admission> {
  const now = deps.now();
  // Keywords from it change nothing (there is no number to act on): the inbound handler explains that.
  if (!countsAsReport(command, hasMedia)) return { admit: true, newReporter: true, flood: false };
  const budget = deps.config.limits.hiddenNumberReportsPerHour;
  try {
    if (budget > 0) {
      const count = await counter(deps.redis, limitKey(deps, 'hidden-reports', Math.floor(now / 3_600_000)), 7200);
      if (count > budget) return { admit: false, refusal: 'report_busy' };
    }
    // Never known to the line: counted as a new reporter for the flood warning.
    return { admit: true, newReporter: true, flood: await countNewReporter(deps, limitKey(deps, 'new-reporters'), now) };
  } catch (error) {
    deps.log.warn({ err: (error as Error).message }, 'rate limits unavailable (Redis): reports pass');
    return { admit: true, newReporter: true, flood: floodActive(deps, now) };
  }
}

async function counter(redis: Redis, key: string, ttlSeconds: number): Promise<number> {
  const [[, count]] = (await redis.multi().incr(key).expire(key, ttlSeconds).exec()) as [[Error | null, number]];
  return count;
}

/**
 * Counts a report from a number not seen before; raises (or keeps up) the flood warning past the threshold.
 */
async function countNewReporter(deps: LimitDeps, key: string, now: number): Promise<boolean> {
  const threshold = deps.config.limits.floodNewReportersPer10Min;
  if (threshold === 0) return false;
  // Reports, as the setting says (each new number is also held to its own hourly report limit).
  const member = `${now}:${Math.random().toString(36).slice(2)}`;
  const results = (await deps.redis
    .multi()
    .zadd(key, now, member)
    .zremrangebyscore(key, 0, now - FLOOD_WINDOW_MS)
    .zcard(key)
    .pexpire(key, FLOOD_WINDOW_MS)
    .exec()) as Array<[Error | null, number]>;
  const count = results[2]?.[1] ?? 0;
  if (count > threshold) {
    const state = deps.repos.systemState.get(FLOOD_KEY);
    const since = typeof state?.['since'] === 'string' ? state['since'] : new Date(now).toISOString();
    // Refreshed at most once a second: during a flood every report would otherwise be another write.
    const lastAboveAt = typeof state?.['lastAboveAt'] === 'number' ? state['lastAboveAt'] : 0;
    if (now - lastAboveAt >= 1000) deps.repos.systemState.set(FLOOD_KEY, { since, lastAboveAt: now, newReportersIn10Min: count }, now);
    if (!state) {
      deps.repos.audit.record('flood.raised', now, { detail: { newReportersIn10Min: count } });
      deps.log.warn({ newReportersIn10Min: count }, 'flood of reports from new numbers: automatic messages held');
    }
    return true;
  }
  return floodActive(deps, now);
}

/** A flood lasts until the rate has stayed under the threshold for 10 minutes, or a dispatcher clears it. */
export function floodActive(deps: Pick<Deps, 'repos'>, now: number): boolean {
  const state = deps.repos.systemState.get(FLOOD_KEY);
  return typeof state?.['lastAboveAt'] === 'number' && now - state['lastAboveAt'] < FLOOD_WINDOW_MS;
}

export function floodStatus(deps: Pick<Deps, 'repos'>, now: number) {
  const state = deps.repos.systemState.get(FLOOD_KEY);
  if (!state || !floodActive(deps, now)) return { active: false as const };
  return { active: true as const, since: state['since'], newReportersIn10Min: state['newReportersIn10Min'] };
}
