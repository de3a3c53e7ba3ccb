// `POST /api/drills`: a practice incident, confirmed and sent like a real one, marked as a drill everywhere.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.js';
import { createDrill } from '../../services/drills.js';
import { drillCreateBody, errorResponses, incidentSchema } from '../schemas.js';
import { currentUser, requireRole } from './auth.js';
import { incidentView } from './views.js';

export async function drillRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preValidation', requireRole('admin', 'dispatcher'));
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/api/drills', { schema: { body: drillCreateBody, response: { 201: incidentSchema, ...errorResponses } } }, async (request, reply) => {
    const incident = createDrill(deps, currentUser(request).id, request.body);
    return reply.status(201).send(incidentView(incident));
  });
}
