import { and, eq, gt, lt, sql } from 'drizzle-orm';
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

    setPassword(id: string, passwordHash: string): void {
      db.update(users).set({ passwordHash }).where(eq(users.id, id)).run();
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
  };
}
export type UsersRepository = ReturnType<typeof createUsersRepository>;

