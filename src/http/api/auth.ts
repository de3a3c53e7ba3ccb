// Console sessions: a random token in an httpOnly SameSite=Strict cookie, stored only as its keyed hash.
// Sign-in is throttled per account and address and capped per account (src/services/login-throttle.ts); a
// long-lived signed device cookie lets a browser that signed in before past the account's cap.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createSecretBox } from '../../crypto/secrets.js';
import type { Role, User } from '../../db/repositories/users.js';
import type { Deps } from '../../deps.js';
import { createLoginThrottle } from '../../services/login-throttle.js';
import { totpCodeIsRight } from '../../services/totp.js';
import { HttpError } from '../errors.js';
import { emptyBody, errorResponses, loginBody } from '../schemas.js';
import { totpRoutes } from './totp.js';

export const SESSION_COOKIE = 'centinela_session';
/** Names the user of a browser that signed in before; sent only to the sign-in route. */
export const DEVICE_COOKIE = 'centinela_device';
const DEVICE_TTL_MS = 365 * 24 * 3600_000;
/** A session's last use is written at most this often: a busy console does not write on every request. */
const SESSION_RENEW_MS = 60_000;

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    /** The keyed hash of this request's live session token, when it has one. */
    sessionTokenHash: string | null;
  }
}

// Compared against when the email is unknown, so a wrong email takes as long as a wrong password.
const DUMMY_HASH = argon2.hash('centinela-dummy-password', { type: argon2.argon2id });

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export function authHooks(app: FastifyInstance, deps: Deps): void {
  const sessionKey = deps.config.keys.session;
  const tokenHash = (token: string) => createHmac('sha256', sessionKey).update(token).digest('base64url');
  const throttle = createLoginThrottle(deps.repos.users, deps.config.keys.hash);
  const box = createSecretBox(deps.config.keys);
  app.decorateRequest('user', null);
  app.decorateRequest('sessionTokenHash', null);

  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const hash = tokenHash(token);
    const now = deps.now();
    const live = deps.repos.users.userForSession(hash, now, deps.config.sessionIdleMinutes * 60_000);
    if (!live) return;
    request.user = live.user;
    request.sessionTokenHash = hash;
    if (now - live.lastUsedAt >= SESSION_RENEW_MS) deps.repos.users.touchSession(hash, now);
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  const noContent = { 204: z.void(), ...errorResponses };

  api.post('/api/session', { schema: { body: loginBody, response: noContent } }, async (request, reply) => {
    const { email, password, code } = request.body;
    const now = deps.now();
    const found = deps.repos.users.findByEmail(email);
    const user = found && found.disabledAt === null ? found : undefined;
    const device = user ? deviceCookieOf(sessionKey, request.cookies[DEVICE_COOKIE], user.id, now) : undefined;
    // A browser that signed in before is throttled on its own count, not its address's: guesses from a shared
    // address (a NAT, a proxy) do not slow the dispatcher on her own laptop.
    const attempt = throttle.attempt(email, device ? `device:${device}` : request.ip, now);
    if (attempt.addressWaitMs > 0) throw tooMany(reply, attempt.addressWaitMs, 'too many wrong passwords; try again later');

    const totpSecret = user?.totpEnabledAt != null && user.totpSecret ? user.totpSecret : undefined;
    const codeIsRight = (sealed: string, typed: string) => totpCodeIsRight(box.open(sealed), typed, now);
    const fail = (message: string): HttpError => {
      attempt.failed();
      deps.repos.audit.record('session.failed', now, { detail: { userKnown: Boolean(found) } });
      return new HttpError(401, message);
    };

    const pastCap = attempt.accountWaitMs > 0 && device === undefined;
    if (pastCap && !(totpSecret && code)) {
      throw tooMany(reply, attempt.accountWaitMs, 'too many wrong passwords for this account: sign in from a device that signed in before, or with your code');
    }
    // Past the cap the code is checked before the password, so guesses there learn nothing about the password.
    if (pastCap && totpSecret && !(await codeIsRight(totpSecret, code ?? ''))) throw fail('wrong code');

    const passwordRight = user ? await argon2.verify(user.passwordHash, password) : await argon2.verify(await DUMMY_HASH, password).then(() => false);
    if (!user || !passwordRight) throw fail('wrong email or password');
    if (totpSecret && !pastCap) {
      // The password was right, so saying that a code is missing tells a guesser nothing new.
      if (!code) throw new HttpError(401, 'code needed: enter the 6-digit code from your authenticator app');
      if (!(await codeIsRight(totpSecret, code))) throw fail('wrong code');
    }
    if (totpSecret && box.isStale(totpSecret)) deps.repos.users.setTotp(user.id, box.seal(box.open(totpSecret)), user.totpEnabledAt);

    attempt.succeeded();
    const token = randomBytes(32).toString('base64url');
    const ttlMs = deps.config.sessionTtlHours * 3600_000;
    deps.repos.users.createSession(tokenHash(token), user.id, now, now + ttlMs);
    deps.repos.audit.record('session.created', now, { actorUserId: user.id });
    const cookie = { httpOnly: true, sameSite: 'strict', secure: deps.config.secureCookies } as const;
    void reply.setCookie(SESSION_COOKIE, token, { ...cookie, path: '/', maxAge: Math.floor(ttlMs / 1000) });
    void reply.setCookie(DEVICE_COOKIE, deviceCookie(sessionKey, user.id, now), { ...cookie, path: '/api/session', maxAge: Math.floor(DEVICE_TTL_MS / 1000) });
    return reply.status(204).send();
  });

  api.delete('/api/session', { schema: { body: emptyBody, response: noContent } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    // Open event streams of this session notice within seconds, in every web process (src/http/api/events.ts).
    if (token) deps.repos.users.deleteSession(tokenHash(token));
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  totpRoutes(app, deps, box);
}

function tooMany(reply: FastifyReply, waitMs: number, message: string): HttpError {
  void reply.header('retry-after', Math.ceil(waitMs / 1000));
  return new HttpError(429, message);
}

/** `<userId>.<issued, base 36>.<HMAC>`: names the user, so it helps only at that user's account. */
function deviceCookie(key: Buffer, userId: string, issuedAt: number): string {
  const body = `${userId}.${issuedAt.toString(36)}`;
  return `${body}.${deviceMac(key, body)}`;
}

/** The signature of a valid device cookie of this user (it tells one device from another), or undefined. */
function deviceCookieOf(key: Buffer, value: string | undefined, userId: string, now: number): string | undefined {
  const [cookieUser, issued, mac] = value?.split('.') ?? [];
  if (!cookieUser || !issued || !mac || cookieUser !== userId) return undefined;
  const expected = Buffer.from(deviceMac(key, `${cookieUser}.${issued}`));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const issuedAt = parseInt(issued, 36);
  return issuedAt <= now && now - issuedAt < DEVICE_TTL_MS ? mac : undefined;
}

function deviceMac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(`device\n${body}`).digest('base64url');
}

/** A preValidation hook that lets only signed-in users with one of these roles through, before their input is looked at. */
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
