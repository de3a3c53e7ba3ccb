// Admins: console users and the audit log. Setting a password from a one-time link needs no session.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { User } from '../../db/repositories/users.js';
import type { Deps } from '../../deps.js';
import { pageWaitingIncidents, rememberPagingLocale } from '../../services/paging.js';
import { createUser, setPasswordFromLink, updateUser, UserError } from '../../services/users.js';
import { HttpError } from '../errors.js';
import {
  auditEntrySchema,
  auditQuery,
  errorResponses,
  idParams,
  mePatchBody,
  passwordSetBody,
  userCreateBody,
  userCreatedSchema,
  userPatchBody,
  userSchema,
  type UserView,
} from '../schemas.js';
import { currentUser, requireRole } from './auth.js';
import { iso } from './views.js';

export async function userRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const admin = requireRole('admin');
  const { users, audit } = deps.repos;

  // Any signed-in user: who the console is signed in as (its role decides which screens it offers).
  api.get('/api/session', { schema: { response: { 200: userSchema, ...errorResponses } } }, async (request) => userView(currentUser(request)));

  // Any signed-in user: their own phone number for paging (encrypted, shown masked) and whether they are on duty.
  api.patch('/api/me', { schema: { body: mePatchBody, response: { 200: userSchema, ...errorResponses } } }, async (request) => {
    const me = currentUser(request);
    const { phone, onDuty, locale } = request.body;
    try {
      if (phone !== undefined) updateUser(deps, me.id, me.id, { phone });
    } catch (error) {
      return asHttpError(error);
    }
    if (onDuty !== undefined && onDuty !== me.onDuty) {
      deps.repos.dispatcherPaging.setOnDuty(me.id, onDuty);
      audit.record('user.on_duty', deps.now(), { actorUserId: me.id, target: me.id, detail: { onDuty } });
    }
    const user = users.findById(me.id) ?? me;
    if (locale) rememberPagingLocale(deps, user, locale);
    if (phone || onDuty) await pageNowPageable(deps, request.log);
    return userView(user);
  });

  api.get('/api/users', { preValidation: admin, schema: { response: { 200: z.array(userSchema), ...errorResponses } } }, async () => users.list().map(userView));

  api.post('/api/users', { preValidation: admin, schema: { body: userCreateBody, response: { 201: userCreatedSchema, ...errorResponses } } }, async (request, reply) => {
    const { user, link } = await createUser(deps, currentUser(request).id, request.body).catch(asHttpError);
    return reply.status(201).send({ ...userView(user), passwordLink: link.url, passwordLinkExpiresAt: iso(link.expiresAt) });
  });

  api.patch('/api/users/:id', { preValidation: admin, schema: { params: idParams, body: userPatchBody, response: { 200: userSchema, ...errorResponses } } }, async (request) => {
    try {
      const user = updateUser(deps, currentUser(request).id, request.params.id, request.body);
      if (request.body.phone) await pageNowPageable(deps, request.log);
      return userView(user);
    } catch (error) {
      return asHttpError(error);
    }
  });

  // Public (src/app.ts PUBLIC_API): the token is the credential.
  api.post('/api/users/password', { schema: { body: passwordSetBody, response: { 204: z.void(), ...errorResponses } } }, async (request, reply) => {
    await setPasswordFromLink(deps, request.body.token, request.body.password).catch(asHttpError);
    return reply.status(204).send();
  });

  api.get('/api/audit', { preValidation: admin, schema: { querystring: auditQuery, response: { 200: z.array(auditEntrySchema), ...errorResponses } } }, async (request) => {
    const { action, actor, target, since, until, limit, before } = request.query;
    // `actor` is a user id or an email.
    const actorUserId = actor?.includes('@') ? (users.findByEmail(actor)?.id ?? '-') : actor;
    const filter = { action, actorUserId, target, since: since ? Date.parse(since) : undefined, until: until ? Date.parse(until) : undefined };
    return audit.list(filter, { limit, before }).map((entry) => ({ ...entry, id: String(entry.id), at: iso(entry.at) }));
  });
}

function userView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    phone: user.phoneMask,
    onDuty: user.onDuty,
    totp: user.totpEnabledAt !== null,
    disabled: user.disabledAt !== null,
    createdAt: iso(user.createdAt),
  };
}

/** Someone became pageable: incidents nobody could be paged about are paged now, not at the next maintenance run. */
async function pageNowPageable(deps: Deps, log: { warn(obj: object, message: string): void }): Promise<void> {
  await pageWaitingIncidents(deps).catch((error: Error) => log.warn({ err: error.message }, 'waiting incidents not paged now; the maintenance run will'));
}

function asHttpError(error: unknown): never {
  if (!(error instanceof UserError)) throw error;
  throw new HttpError(error.reason === 'not_found' ? 404 : error.reason === 'conflict' ? 409 : 400, error.message);
}
