// Verification requests in the console: who was asked (masked numbers) and what they said, and "Ask verifiers".
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.js';
import { findIncident } from '../../services/incident-lookup.js';
import { askVerifiersNow } from '../../services/verification.js';
import { HttpError, notFound } from '../errors.js';
import { emptyBody, errorResponses, incidentParams, verificationSchema, type VerificationView } from '../schemas.js';
import { currentUser, requireRole } from './auth.js';
import { iso } from './views.js';

export async function verificationRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preValidation', requireRole('admin', 'dispatcher'));
  const api = app.withTypeProvider<ZodTypeProvider>();

  const incidentOf = (idOrCode: string) => {
    const incident = findIncident(deps.repos, idOrCode);
    if (!incident) throw notFound('no such incident');
    return incident;
  };

  const view = (incidentId: string): VerificationView => {
    const incident = deps.repos.incidents.get(incidentId);
    if (!incident) throw notFound('no such incident');
    return {
      incidentId: incident.id,
      round: incident.verifyRound,
      nextStepAt: iso(incident.verifyNextAt),
      disputedAt: iso(incident.disputedAt),
      requests: deps.repos.verifications.ofIncident(incident.id).map((r) => ({
        id: r.id,
        phone: r.phoneMask,
        round: r.round,
        askedAt: iso(r.askedAt),
        ack: r.ack,
        ackAt: iso(r.ackAt),
        verdict: r.verdict,
        verdictAt: iso(r.verdictAt),
      })),
    };
  };

  api.get(
    '/api/incidents/:id/verification',
    { schema: { params: incidentParams, response: { 200: verificationSchema, ...errorResponses } } },
    async (request) => view(incidentOf(request.params.id).id),
  );

  // Asks the next nearest on-duty verifiers now: a flood incident (never sent automatically), or another round.
  api.post(
    '/api/incidents/:id/verify',
    { schema: { params: incidentParams, body: emptyBody, response: { 202: verificationSchema, ...errorResponses } } },
    async (request, reply) => {
      const incident = incidentOf(request.params.id);
      const result = await askVerifiersNow(deps, incident.id, currentUser(request).id);
      if (result === 'not_found') throw notFound('no such incident');
      if (result === 'conflict') {
        throw new HttpError(409, `verifiers can only be asked about a placed incident that is not confirmed yet (it is ${incident.status}${incident.lat === null ? ' and unplaced' : ''})`);
      }
      if (result === 'none') throw new HttpError(409, 'no on-duty verifier who was not asked yet covers this place');
      return reply.status(202).send(view(incident.id));
    },
  );
}
