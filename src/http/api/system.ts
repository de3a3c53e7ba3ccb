import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { FLOOD_KEY, floodStatus } from '../../services/limits.js';
import { resumeSending } from '../../services/sending.js';
import { notFound } from '../errors.js';
import { emptyBody, errorResponses, floodSchema, outboxMessageSchema, outboxQuery, sendingResumedSchema } from '../schemas.js';
import { currentUser, requireRole } from './auth.js';
import { floodView, iso } from './views.js';

export async function systemRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preValidation', requireRole('admin', 'dispatcher'));
  const api = app.withTypeProvider<ZodTypeProvider>();
  const flood = { 200: floodSchema, ...errorResponses };

  /** After an account-wide provider error is fixed: resume sending everything that waited. */
  api.post('/api/sending/resume', { schema: { body: emptyBody, response: { 200: sendingResumedSchema, ...errorResponses } } }, async (request) => {
    const requeued = await resumeSending(deps, currentUser(request).id);
    return { status: 'ok' as const, requeued };
  });

  api.get('/api/flood', { schema: { response: flood } }, async () => floodView(floodStatus(deps, deps.now())));

  /** A dispatcher has looked at the flood: the warning ends (it comes back if new numbers keep flooding in). */
  api.post('/api/flood/clear', { schema: { body: emptyBody, response: flood } }, async (request) => {
    deps.repos.systemState.clear(FLOOD_KEY);
    deps.repos.audit.record('flood.cleared', deps.now(), { actorUserId: currentUser(request).id });
    return floodView(floodStatus(deps, deps.now()));
  });

  api.get('/api/dev/outbox', { schema: { querystring: outboxQuery, response: { 200: z.array(outboxMessageSchema), ...errorResponses } } }, async (request) => {
    if (deps.sms.name !== 'outbox') throw notFound('not in outbox mode');
    return deps.repos.outbox.list(request.query.limit).map((m) => ({ id: m.id, sid: m.sid, to: m.toMask, body: m.body, createdAt: iso(m.createdAt) }));
  });
}
