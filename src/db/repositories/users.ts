import { and, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { loginFailures, sessions, users } from '../schema.js';

export type User = typeof users.$inferSelect;
export type Role = User['role'];

export function createUsersRepository(db: Db) {
  return {
    create(input: { email: string; passwordHash: string; role: Role }, now: number): User {
      const user: User = { id: newId(), createdAt: now, disabledAt: null, totpSecret: null, totpEnabledAt: null, ...input, email: input.email.toLowerCase() };
      db.insert(users).values(user).run();
      return user;
    },

    findByEmail(email: string): User | undefined {
      return db.select().from(users).where(eq(users.email, email.toLowerCase())).get();
    },

    findById(id: string): User | undefined {
      return db.select().from(users).where(eq(users.id, id)).get();
    },

    setPassword(id: string, passwordHash: string): void {
      db.update(users).set({ passwordHash }).where(eq(users.id, id)).run();
    },

    /** Disabling ends the user's sessions at once (their event streams notice within seconds). */
    setDisabled(id: string, disabledAt: number | null): void {
      db.update(users).set({ disabledAt }).where(eq(users.id, id)).run();
    },

    /** A sealed TOTP secret: pending (enabledAt null) until a first code confirms it, or already in use. */
    setTotp(id: string, sealedSecret: string, enabledAt: number | null): void {
      db.update(users).set({ totpSecret: sealedSecret, totpEnabledAt: enabledAt }).where(eq(users.id, id)).run();
    },

    /** Turns on a pending secret; false when there is none (or it changed since it was read). */
    enableTotp(id: string, sealedSecret: string, now: number): boolean {
      return (
        db
          .update(users)
          .set({ totpEnabledAt: now })
          .where(and(eq(users.id, id), eq(users.totpSecret, sealedSecret), isNull(users.totpEnabledAt)))
          .run().changes === 1
      );
    },

    createSession(tokenHash: string, userId: string, now: number, expiresAt: number): void {
      db.insert(sessions).values({ tokenHash, userId, createdAt: now, expiresAt }).run();
    },

    /** The user of a live session, or undefined. */
    userForSession(tokenHash: string, now: number): User | undefined {
      const row = db
        .select({ user: users })
        .from(sessions)
        .innerJoin(users, eq(sessions.userId, users.id))
        .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)))
        .get();
      return row && row.user.disabledAt === null ? row.user : undefined;
    },

    /** Of these sessions, the ones still live: not signed out, not expired, their user not disabled. */
    liveSessions(tokenHashes: string[], now: number): Set<string> {
      if (tokenHashes.length === 0) return new Set();
      const rows = db
        .select({ tokenHash: sessions.tokenHash })
        .from(sessions)
        .innerJoin(users, eq(sessions.userId, users.id))
        .where(and(inArray(sessions.tokenHash, tokenHashes), gt(sessions.expiresAt, now), isNull(users.disabledAt)))
        .all();
      return new Set(rows.map((row) => row.tokenHash));
    },

    deleteSession(tokenHash: string): void {
      db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
    },

    deleteExpiredSessions(now: number): number {
      return db.delete(sessions).where(lt(sessions.expiresAt, now)).run().changes;
    },

    failures(key: string): { count: number; lastAt: number } | undefined {
      return db.select().from(loginFailures).where(eq(loginFailures.key, key)).get();
    },

    recordFailure(key: string, now: number): void {
      db.insert(loginFailures)
        .values({ key, count: 1, lastAt: now })
        .onConflictDoUpdate({ target: loginFailures.key, set: { count: sql`${loginFailures.count} + 1`, lastAt: now } })
        .run();
    },

    clearFailures(key: string): void {
      db.delete(loginFailures).where(eq(loginFailures.key, key)).run();
    },

    /** Counts with no failure since this time are forgotten: a quiet day wipes the slate. */
    forgetFailuresBefore(time: number): void {
      db.delete(loginFailures).where(lt(loginFailures.lastAt, time)).run();
    },
  };
}
export type UsersRepository = ReturnType<typeof createUsersRepository>;

