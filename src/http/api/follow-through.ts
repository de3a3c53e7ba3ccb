// Following an alert through: updates, reminders, dismissal with its reason, merge and split.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Incident } from '../../db/repositories/incidents.js';
import type { Deps } from '../../deps.js';
import { findIncident } from '../../services/incident-lookup.js';
import { dismissWithReason, remindIncident, sendUpdate } from '../../services/follow-through.js';
import { mergeIncidents, splitReport } from '../../services/merge.js';
import { HttpError, notFound } from '../errors.js';
import { dismissBody, emptyBody, errorResponses, followUpSentSchema, idParams, incidentParams, incidentSchema, mergeBody, updateBody } from '../schemas.js';
import { currentUser, requireRole } from './auth.js';
import { incidentView } from './views.js';

export async function followThroughRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preValidation', requireRole('admin', 'dispatcher'));
  const api = app.withTypeProvider<ZodTypeProvider>();

  const incidentOf = (idOrCode: string): Incident => {
    const incident = findIncident(deps.repos, idOrCode);
    if (!incident) throw notFound('no such incident');
    return incident;
  };
  const view = (id: string) => {
    const incident = deps.repos.incidents.get(id);
    if (!incident) throw notFound('no such incident');
    return incidentView(incident, deps.repos.reports.countsByIncident([id]).get(id));
  };
  /** Why an action cannot apply: merged incidents are answered for by the one they were merged into. */
  const conflict = (incident: Incident, needs: string): HttpError => {
    const into = incident.mergedIntoId ? deps.repos.incidents.get(incident.mergedIntoId) : undefined;
    if (into) return new HttpError(409, `this incident was merged into ${into.code}: act on ${into.code}`);
    return new HttpError(409, `${needs}; the incident is ${incident.status}`);
  };

  api.post(
    '/api/incidents/:id/messages',
    { schema: { params: incidentParams, body: updateBody, response: { 202: followUpSentSchema, ...errorResponses } } },
    async (request, reply) => {
      const incident = incidentOf(request.params.id);
      const sent = await sendUpdate(deps, incident.id, currentUser(request).id, request.body.text);
      if (sent.result === 'too_long') {
        const { room, encoding, left } = sent.room;
        throw new HttpError(400, `text: too long by ${Math.max(-left, 1)} characters: the update must fit 2 SMS segments in every language; room for this text: ${room} characters (${encoding})`);
      }
      if (sent.result !== 'done') throw conflict(incident, 'updates go to the members an alert reached: only a confirmed incident has them');
      return reply.status(202).send({ ...view(incident.id), recipients: sent.recipients });
    },
  );

  api.post(
    '/api/incidents/:id/remind',
    { schema: { params: incidentParams, body: emptyBody, response: { 202: followUpSentSchema, ...errorResponses } } },
    async (request, reply) => {
      const incident = incidentOf(request.params.id);
      const sent = await remindIncident(deps, incident.id, currentUser(request).id);
      if (sent.result !== 'done') throw conflict(incident, 'reminders go to the members an alert reached: only a confirmed incident has them');
      return reply.status(202).send({ ...view(incident.id), recipients: sent.recipients });
    },
  );

  api.post(
    '/api/incidents/:id/dismiss',
    { schema: { params: incidentParams, body: dismissBody, response: { 200: incidentSchema, ...errorResponses } } },
    async (request) => {
      const incident = incidentOf(request.params.id);
      const { duplicateOf } = request.body;
      const reason = request.body.reason ?? (duplicateOf ? 'duplicate' : 'false');
      if (reason === 'false' && duplicateOf) throw new HttpError(400, 'duplicateOf: goes with reason "duplicate"');
      let duplicateOfId: string | null = null;
      if (duplicateOf) {
        const original = findIncident(deps.repos, duplicateOf);
        if (!original) throw new HttpError(400, 'duplicateOf: no such incident');
        if (original.id === incident.id) throw new HttpError(400, 'duplicateOf: an incident cannot duplicate itself');
        duplicateOfId = original.id;
      }
      const result = await dismissWithReason(deps, incident.id, currentUser(request).id, { reason, duplicateOfId });
      if (result === 'not_found') throw conflict(incident, 'not possible');
      if (result === 'conflict') throw conflict(incident, 'only an open incident can be dismissed');
      return view(incident.id);
    },
  );

  api.post(
    '/api/incidents/:id/merge',
    { schema: { params: incidentParams, body: mergeBody, response: { 200: incidentSchema, ...errorResponses } } },
    async (request) => {
      const from = incidentOf(request.params.id);
      const into = findIncident(deps.repos, request.body.into);
      if (!into) throw new HttpError(400, 'into: no such incident');
      const merged = await mergeIncidents(deps, from.id, into.id, currentUser(request).id);
      switch (merged.result) {
        case 'done':
          return view(merged.into.id);
        case 'same':
          throw new HttpError(400, 'into: an incident cannot be merged into itself');
        case 'merged':
          throw new HttpError(409, `${from.mergedIntoId ? from.code : into.code} was already merged into another incident`);
        case 'closed':
          throw new HttpError(409, `only open incidents can be merged: ${from.code} is ${from.status}, ${into.code} is ${into.status}`);
        case 'drill':
          throw new HttpError(409, `a drill and a real incident cannot be merged: ${from.drill ? from.code : into.code} is a drill`);
        default:
          throw notFound('no such incident');
      }
    },
  );

  api.post(
    '/api/reports/:id/split',
    { schema: { params: idParams, body: emptyBody, response: { 201: incidentSchema, ...errorResponses } } },
    async (request, reply) => {
      const split = await splitReport(deps, request.params.id, currentUser(request).id);
      if (split.result === 'alone') throw new HttpError(409, "the report is its incident's only report: there is nothing to split from");
      if (split.result !== 'done') throw notFound('no such report, or it is in no incident');
      return reply.status(201).send(view(split.incident.id));
    },
  );
}
