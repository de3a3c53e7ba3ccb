import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { Incident } from '../../db/repositories/incidents.js';
import { findIncident } from '../../services/incident-lookup.js';
import { type ActionResult, confirmIncident, placeIncident, resolveIncident } from '../../services/incidents.js';
import { previewAlert } from '../../services/preview.js';
import { HttpError, notFound } from '../errors.js';
import {
  confirmationSchema,
  emptyBody,
  errorResponses,
  incidentDetailSchema,
  incidentListQuery,
  incidentParams,
  incidentSchema,
  placeIncidentBody,
  previewSchema,
  reportListQuery,
  reportSchema,
} from '../schemas.js';
import { currentUser, requireRole } from './auth.js';
import { incidentDetailView, incidentView, incidentViews, reportViews } from './views.js';

/** An incident action answers with the incident: `doneStatus` when it took effect, 200 when nothing changed. */
const actionResponses = { 200: incidentSchema, 202: incidentSchema, ...errorResponses };
const confirmResponses = { 200: confirmationSchema, 202: confirmationSchema, ...errorResponses };

/** How long one `incident.view` audit entry stands for a person's repeated opening of the same incident. */
const VIEW_AUDIT_WINDOW_MS = 10 * 60_000;

export async function incidentRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preValidation', requireRole('admin', 'dispatcher'));
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { incidents, reports } = deps.repos;

  api.get('/api/reports', { schema: { querystring: reportListQuery, response: { 200: z.array(reportSchema), ...errorResponses } } }, async (request) => {
    const query = request.query;
    const since = query.since ? Date.parse(query.since) : undefined;
    return reportViews(deps.repos, reports.list({ since, unplaced: query.unplaced === 'true' }, query));
  });

  api.get('/api/incidents', { schema: { querystring: incidentListQuery, response: { 200: z.array(incidentSchema), ...errorResponses } } }, async (request) => {
    const { status, updatedSince } = request.query;
    return incidentViews(deps.repos, incidents.list({ status, updatedSince: updatedSince ? Date.parse(updatedSince) : undefined }, request.query));
  });

  // Every `/api/incidents/:id…` route takes the incident's id or its code; this is the one place that reads it.
  const incidentOf = (idOrCode: string): Incident => {
    const incident = findIncident(deps.repos, idOrCode);
    if (!incident) throw notFound('no such incident');
    return incident;
  };

  api.get('/api/incidents/:id', { schema: { params: incidentParams, response: { 200: incidentDetailSchema, ...errorResponses } } }, async (request) => {
    const incident = incidentOf(request.params.id);
    // Once per person and incident per window: an open page re-reads the incident as it changes, and the log must
    // say who looked at it, not how often their browser refreshed.
    const now = deps.now();
    const userId = currentUser(request).id;
    // Opened in the console: nobody is paged about it (src/services/paging.ts).
    if (incident.firstOpenedAt === null) deps.repos.dispatcherPaging.markOpened(incident.id, now);
    if (!deps.repos.audit.recordedSince('incident.view', userId, incident.id, now - VIEW_AUDIT_WINDOW_MS)) {
      deps.repos.audit.record('incident.view', now, { actorUserId: userId, target: incident.id });
    }
    return incidentDetailView(deps.repos, incident, deps.config.releaseApprovals);
  });

  api.post('/api/incidents/:id/preview', { schema: { params: incidentParams, body: emptyBody, response: { 200: previewSchema, ...errorResponses } } }, async (request) => {
    const incident = incidentOf(request.params.id);
    const preview = previewAlert(deps, incident.id);
    if (preview === 'not_found') throw notFound('no such incident');
    if (preview === 'conflict') throw conflict(incident);
    return preview;
  });

  const action = (path: string, run: (deps: Deps, id: string, userId: string) => Promise<ActionResult>, doneStatus: 200 | 202) =>
    api.post(`/api/incidents/:id/${path}`, { schema: { params: incidentParams, body: emptyBody, response: actionResponses } }, async (request, reply) => {
      const { id } = incidentOf(request.params.id);
      const result = await run(deps, id, currentUser(request).id);
      return answer(reply, result, doneStatus, deps, id);
    });
  // This user's approval: 202 with how many approved and how many are needed; the alert goes out at the last one.
  api.post('/api/incidents/:id/confirm', { schema: { params: incidentParams, body: emptyBody, response: confirmResponses } }, async (request, reply) => {
    const { id } = incidentOf(request.params.id);
    const approval = await confirmIncident(deps, id, currentUser(request).id);
    if (approval.result === 'uncovered') throw new HttpError(409, 'no committee covers this place: an alert would reach no one; place the incident inside a committee\'s area first');
    if (approval.result !== 'done' && approval.result !== 'unchanged') return answer(reply, approval.result, 202, deps, id);
    const incident = incidents.get(id);
    if (!incident) throw notFound('no such incident');
    const view = incidentView(incident, reports.countsByIncident([id]).get(id));
    return reply.status(approval.result === 'done' ? 202 : 200).send({ ...view, approvals: approval.approvals, needed: approval.needed });
  });
  action('resolve', resolveIncident, 200);

  api.post('/api/incidents/:id/location', { schema: { params: incidentParams, body: placeIncidentBody, response: actionResponses } }, async (request, reply) => {
    const { id } = incidentOf(request.params.id);
    const result = await placeIncident(deps, id, currentUser(request).id, request.body);
    return answer(reply, result, 200, deps, id);
  });
}

function answer(reply: FastifyReply, result: ActionResult, doneStatus: 200 | 202, deps: Deps, id: string) {
  if (result === 'not_found') throw notFound('no such incident');
  const incident = deps.repos.incidents.get(id);
  if (!incident) throw notFound('no such incident');
  if (result === 'conflict') throw conflict(incident);
  return reply.status(result === 'done' ? doneStatus : 200).send(incidentView(incident, deps.repos.reports.countsByIncident([id]).get(id)));
}

function conflict(incident: Incident): HttpError {
  return new HttpError(409, `not possible while the incident is ${incident.status}${incident.lat === null ? ' and unplaced' : ''}`);
}
