// Console sessions: a random token in an httpOnly SameSite=Strict cookie, stored only as its keyed hash.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role, User } from '../../db/repositories/users.js';
import type { Deps } from '../../deps.js';
import { HttpError, parse } from '../errors.js';

export const SESSION_COOKIE = 'centinela_session';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

// Failures allowed before each further attempt must wait; the wait doubles per failure, capped, never a lockout.
const FREE_FAILURES = 5;
const MAX_DELAY_MS = 15 * 60_000;
const FAILURE_MEMORY_MS = 24 * 3600_000;
// Compared against when the email is unknown, so a wrong email takes as long as a wrong password.
const DUMMY_HASH = argon2.hash('centinela-dummy-password', { type: argon2.argon2id });

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export function authHooks(app: FastifyInstance, deps: Deps): void {
  const tokenHash = (token: string) => createHmac('sha256', deps.config.keys.session).update(token).digest('base64url');
  app.decorateRequest('user', null);

  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) request.user = deps.repos.users.userForSession(tokenHash(token), deps.now()) ?? null;
  });

  const loginSchema = z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(1024) });

  app.post('/api/session', async (request, reply) => {
    const { email, password } = parse(loginSchema, request.body);
    const now = deps.now();
    const throttleKey = createHash('sha256').update(`${email.toLowerCase()}|${request.ip}`).digest('base64url');
    const failures = deps.repos.users.failures(throttleKey);
    // After a quiet day the count starts again: one typo must not bring back yesterday's long wait.
    if (failures && now - failures.lastAt > FAILURE_MEMORY_MS) deps.repos.users.clearFailures(throttleKey);
    const wait = waitBeforeNextAttempt(deps.repos.users.failures(throttleKey), now);
    if (wait > 0) {
      void reply.header('retry-after', Math.ceil(wait / 1000));
      throw new HttpError(429, 'too many wrong passwords; try again later');
    }
    const user = deps.repos.users.findByEmail(email);
    const ok = user && user.disabledAt === null ? await argon2.verify(user.passwordHash, password) : await argon2.verify(await DUMMY_HASH, password).then(() => false);
    if (!ok || !user) {
      deps.repos.users.recordFailure(throttleKey, now);
      deps.repos.audit.record('session.failed', now, { detail: { userKnown: Boolean(user) } });
      throw new HttpError(401, 'wrong email or password');
    }
    deps.repos.users.clearFailures(throttleKey);
    const token = randomBytes(32).toString('base64url');
    const ttlMs = deps.config.sessionTtlHours * 3600_000;
    deps.repos.users.createSession(tokenHash(token), user.id, now, now + ttlMs);
    deps.repos.audit.record('session.created', now, { actorUserId: user.id });
    void reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.config.secureCookies,
      path: '/',
      maxAge: Math.floor(ttlMs / 1000),
    });
    return reply.status(204).send();
  });

  app.delete('/api/session', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) deps.repos.users.deleteSession(tokenHash(token));
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });
}

function waitBeforeNextAttempt(failures: { count: number; lastAt: number } | undefined, now: number): number {
  if (!failures || failures.count < FREE_FAILURES) return 0;
  const delay = Math.min(1000 * 2 ** (failures.count - FREE_FAILURES), MAX_DELAY_MS);
  return Math.max(0, failures.lastAt + delay - now);
}

/** A preHandler that lets only signed-in users with one of these roles through. */
export function requireRole(...roles: Role[]) {
  return async function guard(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    if (!request.user) throw new HttpError(401, 'sign in first');
    if (!roles.includes(request.user.role)) throw new HttpError(403, 'not allowed for your role');
  };
}

export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new HttpError(401, 'sign in first');
  return request.user;
}
