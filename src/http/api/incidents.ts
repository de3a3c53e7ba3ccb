import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { type ActionResult, confirmIncident, dismissIncident, placeIncident, resolveIncident } from '../../services/incidents.js';
import { HttpError, notFound } from '../errors.js';
import {
  emptyBody,
  errorResponses,
  idParams,
  incidentDetailSchema,
  incidentListQuery,
  incidentSchema,
  placeIncidentBody,
  reportListQuery,
  reportSchema,
} from '../schemas.js';
import { currentUser, requireRole } from './auth.js';
import { incidentDetailView, incidentView, incidentViews, reportView } from './views.js';

/** An incident action answers with the incident: `doneStatus` when it took effect, 200 when nothing changed. */
const actionResponses = { 200: incidentSchema, 202: incidentSchema, ...errorResponses };

export async function incidentRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preValidation', requireRole('admin', 'dispatcher'));
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { incidents, reports } = deps.repos;

  api.get('/api/reports', { schema: { querystring: reportListQuery, response: { 200: z.array(reportSchema), ...errorResponses } } }, async (request) => {
    const query = request.query;
    const since = query.since ? Date.parse(query.since) : undefined;
    return reports.list({ since, unplaced: query.unplaced === 'true' }, query).map(reportView);
  });

  api.get('/api/incidents', { schema: { querystring: incidentListQuery, response: { 200: z.array(incidentSchema), ...errorResponses } } }, async (request) =>
    incidentViews(deps.repos, incidents.list({ status: request.query.status }, request.query)),
  );

  api.get('/api/incidents/:id', { schema: { params: idParams, response: { 200: incidentDetailSchema, ...errorResponses } } }, async (request) => {
    const incident = incidents.get(request.params.id);
    if (!incident) throw notFound('no such incident');
    return incidentDetailView(deps.repos, incident);
  });

  const action = (path: string, run: (deps: Deps, id: string, userId: string) => Promise<ActionResult>, doneStatus: 200 | 202) =>
    api.post(`/api/incidents/:id/${path}`, { schema: { params: idParams, body: emptyBody, response: actionResponses } }, async (request, reply) => {
      const result = await run(deps, request.params.id, currentUser(request).id);
      return answer(reply, result, doneStatus, deps, request.params.id);
    });
  action('confirm', confirmIncident, 202);
  action('dismiss', dismissIncident, 200);
  action('resolve', resolveIncident, 200);

  api.post('/api/incidents/:id/location', { schema: { params: idParams, body: placeIncidentBody, response: actionResponses } }, async (request, reply) => {
    const result = await placeIncident(deps, request.params.id, currentUser(request).id, request.body);
    return answer(reply, result, 200, deps, request.params.id);
  });
}

function answer(reply: FastifyReply, result: ActionResult, doneStatus: 200 | 202, deps: Deps, id: string) {
  if (result === 'not_found') throw notFound('no such incident');
  const incident = deps.repos.incidents.get(id);
  if (result === 'conflict') throw new HttpError(409, `not possible while the incident is ${incident?.status ?? 'unknown'}${incident?.lat === null ? ' and unplaced' : ''}`);
  if (!incident) throw notFound('no such incident');
  return reply.status(result === 'done' ? doneStatus : 200).send(incidentView(incident, deps.repos.reports.countsByIncident([id]).get(id)));
}
