import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { FLOOD_KEY, floodStatus } from '../../services/limits.js';
import { resumeSending } from '../../services/sending.js';
import { notFound, parse } from '../errors.js';
import { currentUser, requireRole } from './auth.js';
import { iso } from './views.js';

export async function systemRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preHandler', requireRole('admin', 'dispatcher'));

  /** After an account-wide provider error is fixed: resume sending everything that waited. */
  app.post('/api/sending/resume', async (request) => {
    const requeued = await resumeSending(deps, currentUser(request).id);
    return { status: 'ok', requeued };
  });

  app.get('/api/flood', async () => floodStatus(deps, deps.now()));

  /** A dispatcher has looked at the flood: the warning ends (it comes back if new numbers keep flooding in). */
  app.post('/api/flood/clear', async (request) => {
    deps.repos.systemState.clear(FLOOD_KEY);
    deps.repos.audit.record('flood.cleared', deps.now(), { actorUserId: currentUser(request).id });
    return floodStatus(deps, deps.now());
  });

  app.get('/api/dev/outbox', async (request) => {
    if (deps.sms.name !== 'outbox') throw notFound('not in outbox mode');
    const { limit } = parse(z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }), request.query);
    return deps.repos.outbox.list(limit).map((m) => ({ id: m.id, sid: m.sid, to: m.toMask, body: m.body, createdAt: iso(m.createdAt) }));
  });
}
