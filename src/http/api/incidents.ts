import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { INCIDENT_STATUSES } from '../../domain/types.js';
import { type ActionResult, confirmIncident, dismissIncident, placeIncident, resolveIncident } from '../../services/incidents.js';
import { HttpError, notFound, parse } from '../errors.js';
import { currentUser, requireRole } from './auth.js';
import { pageQuery } from './paging.js';
import { iso, incidentView, incidentViews, reportView } from './views.js';

const listQuery = pageQuery.extend({ status: z.enum(INCIDENT_STATUSES).optional() });
const reportsQuery = pageQuery.extend({
  since: z.iso.datetime({ offset: true }).optional(),
  unplaced: z.enum(['true', 'false']).optional(),
});

type IdParams = { Params: { id: string } };

const placeBody = z.object({
  lat: z.number().finite().min(-90).max(90),
  lng: z.number().finite().min(-180).max(180),
  label: z.string().trim().max(120).optional(),
});

export async function incidentRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preHandler', requireRole('admin', 'dispatcher'));
  const { incidents, reports, messages, responses } = deps.repos;

  app.get('/api/reports', async (request) => {
    const query = parse(reportsQuery, request.query);
    const since = query.since ? Date.parse(query.since) : undefined;
    return reports.list({ since, unplaced: query.unplaced === 'true' }, query).map(reportView);
  });

  app.get('/api/incidents', async (request) => {
    const query = parse(listQuery, request.query);
    return incidentViews(deps.repos, incidents.list({ status: query.status }, query));
  });

  app.get<IdParams>('/api/incidents/:id', async (request) => {
    const incident = incidents.get(request.params.id);
    if (!incident) throw notFound('no such incident');
    const [view] = incidentViews(deps.repos, [incident]);
    const ledger = messages.ofIncident(incident.id);
    const alerts: Record<string, Record<string, number>> = {};
    for (const row of ledger) {
      const byStatus = (alerts[row.kind] ??= {});
      byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    }
    return {
      ...view,
      mergedIntoId: incident.mergedIntoId,
      reports: reports.ofIncident(incident.id).map(reportView),
      timeline: incidents.events(incident.id).map((e) => ({ at: iso(e.at), type: e.type, actorUserId: e.actorUserId, detail: e.detail })),
      alerts,
      responses: responses.ofIncident(incident.id).map((r) => ({ id: r.id, answer: r.answer, at: iso(r.at), phone: r.phoneMask })),
    };
  });

  const action = (path: string, run: (deps: Deps, id: string, userId: string) => Promise<ActionResult>, doneStatus: number) =>
    app.post<IdParams>(`/api/incidents/:id/${path}`, async (request, reply) => {
      const result = await run(deps, request.params.id, currentUser(request).id);
      return answer(reply, result, doneStatus, deps, request.params.id);
    });
  action('confirm', confirmIncident, 202);
  action('dismiss', dismissIncident, 200);
  action('resolve', resolveIncident, 200);

  app.post<IdParams>('/api/incidents/:id/location', async (request, reply) => {
    const place = parse(placeBody, request.body);
    const result = await placeIncident(deps, request.params.id, currentUser(request).id, place);
    return answer(reply, result, 200, deps, request.params.id);
  });
}

function answer(reply: FastifyReply, result: ActionResult, doneStatus: number, deps: Deps, id: string) {
  if (result === 'not_found') throw notFound('no such incident');
  const incident = deps.repos.incidents.get(id);
  if (result === 'conflict') throw new HttpError(409, `not possible while the incident is ${incident?.status ?? 'unknown'}${incident?.lat === null ? ' and unplaced' : ''}`);
  if (!incident) throw notFound('no such incident');
  return reply.status(result === 'done' ? doneStatus : 200).send(incidentView(incident, deps.repos.reports.countsByIncident([id]).get(id)));
}
