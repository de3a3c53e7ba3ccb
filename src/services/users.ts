// Console users, managed by admins. A new user gets a one-time link to set a password: the link is shown once to
// the admin who created the user (never emailed); only a keyed hash of its token is stored, it expires, it works once.
import { createHmac, randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { maskPhone } from '../crypto/phones.js';
import type { Role, User } from '../db/repositories/users.js';
import type { Deps } from '../deps.js';

type UserDeps = Pick<Deps, 'repos' | 'config' | 'vault' | 'now'>;

export const PASSWORD_LINK_TTL_MS = 72 * 3600_000;

export class UserError extends Error {
  constructor(
    readonly reason: 'not_found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export interface PasswordLink {
  url: string;
  expiresAt: number;
}

export async function createUser(deps: UserDeps, actorId: string, input: { email: string; role: Role; phone?: string }): Promise<{ user: User; link: PasswordLink }> {
  const { users, audit } = deps.repos;
  if (users.findByEmail(input.email)) throw new UserError('conflict', 'a user with this email exists');
  const phone = input.phone === undefined ? undefined : phoneFields(deps, input.phone);
  const now = deps.now();
  // Nobody knows this password: the account opens only once its user sets one from the link.
  const passwordHash = await argon2.hash(randomBytes(32).toString('base64url'), { type: argon2.argon2id });
  const user = users.create({ email: input.email, role: input.role, passwordHash }, now);
  if (phone) users.update(user.id, phone);
  const link = issuePasswordLink(deps, user.id, now);
  audit.record('user.create', now, { actorUserId: actorId, target: user.id, detail: { role: input.role, phone: phone !== undefined } });
  return { user: users.findById(user.id) ?? user, link };
}

/** A new one-time link for an existing user (a forgotten password); links issued before still work until used or expired. */
export function issuePasswordLink(deps: UserDeps, userId: string, now: number): PasswordLink {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + PASSWORD_LINK_TTL_MS;
  deps.repos.users.createPasswordToken(passwordTokenHash(deps, token), userId, now, expiresAt);
  // In the fragment: browsers send it neither to the server's access log nor in a Referer.
  return { url: `${deps.config.publicUrl}/set-password#${token}`, expiresAt };
}

export async function setPasswordFromLink(deps: UserDeps, token: string, password: string): Promise<void> {
  const now = deps.now();
  // Hashed before the token is spent, so a slow hash cannot leave a spent token and no password.
  const passwordHash = await argon2.hash(password, { type: argon2.argon2id });
  const userId = deps.repos.users.usePasswordToken(passwordTokenHash(deps, token), now);
  if (!userId) throw new UserError('invalid', 'this link is not valid: it was used already or has expired; ask an admin for a new one');
  deps.repos.users.setPassword(userId, passwordHash);
  // Whoever held the old password is signed out.
  deps.repos.users.deleteSessionsOf(userId);
  deps.repos.audit.record('user.password_set', now, { actorUserId: userId, target: userId });
}

export function updateUser(deps: UserDeps, actorId: string, id: string, patch: { role?: Role; disabled?: boolean; phone?: string | null }): User {
  const { users, audit } = deps.repos;
  const user = users.findById(id);
  if (!user) throw new UserError('not_found', 'no such user');
  // The last admin could lock everyone out of user management: nobody demotes or disables themselves.
  if (id === actorId && patch.disabled === true) throw new UserError('conflict', 'you cannot disable your own account');
  if (id === actorId && patch.role !== undefined && patch.role !== user.role) throw new UserError('conflict', 'you cannot change your own role');
  const now = deps.now();
  const phone = patch.phone === undefined ? {} : patch.phone === null ? { phoneEnc: null, phoneMask: null } : phoneFields(deps, patch.phone);
  users.update(id, {
    ...(patch.role ? { role: patch.role } : {}),
    ...(patch.disabled === undefined ? {} : { disabledAt: patch.disabled ? (user.disabledAt ?? now) : null }),
    ...phone,
  });
  if (patch.disabled === true) users.deleteSessionsOf(id);
  const detail = { ...patch, ...(patch.phone === undefined ? {} : { phone: patch.phone === null ? 'removed' : 'set' }) };
  audit.record('user.update', now, { actorUserId: actorId, target: id, detail });
  return users.findById(id) ?? user;
}

function phoneFields(deps: UserDeps, phone: string): { phoneEnc: string; phoneMask: string } {
  const parsed = parsePhoneNumberFromString(phone, 'US');
  if (!parsed?.isValid()) throw new UserError('invalid', 'phone: not a valid phone number');
  return { phoneEnc: deps.vault.encrypt(parsed.number), phoneMask: maskPhone(parsed.number) };
}

function passwordTokenHash(deps: UserDeps, token: string): string {
  return createHmac('sha256', deps.config.keys.session).update(`password-link\n${token}`).digest('base64url');
}
