import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { loginFailures, passwordTokens, sessions, users } from '../schema.js';

export type User = typeof users.$inferSelect;
export type Role = User['role'];

/** When a session was last used: its last renewal, else its creation. */
const lastUsed = sql<number>`coalesce(${sessions.lastUsedAt}, ${sessions.createdAt})`;
/** Live: not past its absolute expiry, used within the idle window. */
const sessionLive = (now: number, idleMs: number) => and(gt(sessions.expiresAt, now), gt(lastUsed, now - idleMs));

export function createUsersRepository(db: Db) {
  return {
    create(input: { email: string; passwordHash: string; role: Role }, now: number): User {
      const user: User = {
        id: newId(),
        onDuty: true,
        createdAt: now,
        disabledAt: null,
        totpSecret: null,
        totpEnabledAt: null,
        phoneEnc: null,
        phoneMask: null,
        ...input,
        email: input.email.toLowerCase(),
      };
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

    /** The user of a live session and when the session was last used, or undefined. */
    userForSession(tokenHash: string, now: number, idleMs: number): { user: User; lastUsedAt: number } | undefined {
      const row = db
        .select({ user: users, lastUsedAt: lastUsed })
        .from(sessions)
        .innerJoin(users, eq(sessions.userId, users.id))
        .where(and(eq(sessions.tokenHash, tokenHash), sessionLive(now, idleMs)))
        .get();
      return row && row.user.disabledAt === null ? row : undefined;
    },

    touchSession(tokenHash: string, now: number): void {
      db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.tokenHash, tokenHash)).run();
    },

    /** Of these sessions, the ones still live: not signed out, not expired, their user not disabled. */
    liveSessions(tokenHashes: string[], now: number, idleMs: number): Set<string> {
      if (tokenHashes.length === 0) return new Set();
      const rows = db
        .select({ tokenHash: sessions.tokenHash })
        .from(sessions)
        .innerJoin(users, eq(sessions.userId, users.id))
        .where(and(inArray(sessions.tokenHash, tokenHashes), sessionLive(now, idleMs), isNull(users.disabledAt)))
        .all();
      return new Set(rows.map((row) => row.tokenHash));
    },

    deleteSession(tokenHash: string): void {
      db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
    },

    deleteExpiredSessions(now: number, idleMs = Infinity): number {
      const idle = Number.isFinite(idleMs) ? lt(lastUsed, now - idleMs) : undefined;
      return db.delete(sessions).where(or(lt(sessions.expiresAt, now), idle)).run().changes;
    },

    list(): User[] {
      return db.select().from(users).orderBy(asc(users.email)).all();
    },

    update(id: string, patch: Partial<Pick<User, 'role' | 'disabledAt' | 'phoneEnc' | 'phoneMask'>>): void {
      db.update(users).set(patch).where(eq(users.id, id)).run();
    },

    /** Ends every session of the user (a disabled user is signed out everywhere). */
    deleteSessionsOf(userId: string): void {
      db.delete(sessions).where(eq(sessions.userId, userId)).run();
    },

    createPasswordToken(tokenHash: string, userId: string, now: number, expiresAt: number): void {
      db.insert(passwordTokens).values({ tokenHash, userId, createdAt: now, expiresAt }).run();
    },

    /** Marks an unused, unexpired token used and returns its user id; undefined when there is no such token. */
    usePasswordToken(tokenHash: string, now: number): string | undefined {
      return db
        .update(passwordTokens)
        .set({ usedAt: now })
        .where(and(eq(passwordTokens.tokenHash, tokenHash), isNull(passwordTokens.usedAt), gt(passwordTokens.expiresAt, now)))
        .returning({ userId: passwordTokens.userId })
        .get()?.userId;
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

