// "Was this number seen lately?" for the flood rule, without a long-lived hash of it. Each UTC day gets its own
// random key, and a number whose report was taken (not a flood report) or whose JOIN made it a member is recorded
// as HMAC(that day's key, number) in that day's set.
// A day that leaves the window is deleted with its key: from then on nothing can tell who texted that day.
// The stored random key is mixed with HASH_KEY, so a copy of the database alone cannot test numbers either.
import { createHmac, randomBytes } from 'node:crypto';
import { lt } from 'drizzle-orm';
import { normalizePhone, type PhoneVault } from '../../crypto/phones.js';
import type { Db } from '../client.js';
import { seenDays } from '../schema.js';

const DAY_MS = 86_400_000;

/** The UTC day of a time, e.g. `2026-11-23`. UTC, not the network's time zone: the key rotates at 00:00 UTC. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The HMAC key of a day's set: its stored random key under HASH_KEY. */
export const dayHashKey = (vault: Pick<PhoneVault, 'digest'>, storedKey: string): Buffer => vault.digest(`seen-day:${storedKey}`);

export function createSeenRepository(db: Db, vault: Pick<PhoneVault, 'digest'>) {
  // A day's key never changes once made (the first process to need it creates it): each process caches them.
  const keys = new Map<string, Buffer>();
  const keyOf = db.$client.prepare<[string], { key: string }>('select key from seen_days where day = ?');
  // created_at is the day's start, not the first message's time; the rowid is random, so the set's storage order
  // is not the order (and so the time) in which numbers came in.
  const createDay = db.$client.prepare<[string, string, number]>('insert or ignore into seen_days (day, key, created_at) values (?, ?, ?)');
  const insert = db.$client.prepare<[string, string]>('insert or ignore into seen_numbers (rowid, day, hash) values (random(), ?, ?)');
  const has = db.$client.prepare<[string, string], { one: number }>('select 1 as one from seen_numbers where day = ? and hash = ?');

  function keyFor(day: string, create: boolean): Buffer | undefined {
    const cached = keys.get(day);
    if (cached) return cached;
    if (create) createDay.run(day, randomBytes(32).toString('base64'), Date.parse(`${day}T00:00:00Z`));
    const row = keyOf.get(day);
    if (!row) return undefined;
    const key = dayHashKey(vault, row.key);
    keys.set(day, key);
    return key;
  }
  const hashUnder = (key: Buffer, normalized: string) => createHmac('sha256', key).update(normalized).digest('base64url');

  return {
    /** Puts the number in the set of the day of `at` (the time its report or JOIN was received). */
    record(phone: string, at: number): void {
      const day = utcDay(at);
      const key = keyFor(day, true);
      if (key) insert.run(day, hashUnder(key, normalizePhone(phone)));
    },

    /**
     * Whether the number is in the set of one of the `days - 1` days before today's. Today's set is not asked: a
     * number first seen today is new all day, so numbers that report one after the other in a flood stay new.
     */
    seenBeforeToday(phone: string, now: number, days: number): boolean {
      const normalized = normalizePhone(phone);
      for (let i = 1; i < days; i++) {
        const day = utcDay(now - i * DAY_MS);
        const key = keyFor(day, false);
        if (key && has.get(day, hashUnder(key, normalized))) return true;
      }
      return false;
    },

    /** Deletes the days before `day`, keys and sets together (the sets go by ON DELETE CASCADE). */
    forgetBefore(day: string): number {
      for (const cached of keys.keys()) if (cached < day) keys.delete(cached);
      return db.delete(seenDays).where(lt(seenDays.day, day)).run().changes;
    },

    /** The first day still kept when the window is `days` long (today included). */
    firstKeptDay(now: number, days: number): string {
      return utcDay(now - (Math.max(days, 1) - 1) * DAY_MS);
    },
  };
}
export type SeenRepository = ReturnType<typeof createSeenRepository>;
