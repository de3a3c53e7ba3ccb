import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { inviteCode } from '../../domain/codes.js';
import { zipCells } from '../../geo/zip-cells.js';
import { zipCentroid } from '../../geo/zips.js';
import { HttpError, notFound } from '../errors.js';
import { markMemberReachable } from '../../services/delivery-health.js';
import { ImportError, importMembers } from '../../services/members-import.js';
import { updateMemberInConsole } from '../../services/membership.js';
import {
  committeeCreateBody,
  committeePatchBody,
  committeeSchema,
  emptyBody,
  errorResponses,
  idParams,
  memberImportBody,
  memberImportResultSchema,
  memberPatchBody,
  memberSchema,
  memberUpdateSchema,
  zipCellsSchema,
} from '../schemas.js';
import { currentUser, requireRole } from './auth.js';
import { committeeView, iso } from './views.js';

const zipCellsQuery = z.object({
  zips: z
    .string()
    .max(2000)
    .transform((list) => [...new Set(list.split(',').filter((zip) => /^\d{5}$/.test(zip)))]),
});

export async function committeeRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preValidation', requireRole('admin', 'dispatcher'));
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { committees, audit } = deps.repos;
  const freeInviteCode = () => {
    let code = inviteCode();
    while (committees.findByInviteCode(code)) code = inviteCode();
    return code;
  };

  api.post('/api/committees', { schema: { body: committeeCreateBody, response: { 201: committeeSchema, ...errorResponses } } }, async (request, reply) => {
    const input = request.body;
    const now = deps.now();
    const committee = committees.create({ name: input.name, area: input.area, inviteCode: freeInviteCode(), autoApprove: input.autoApprove ?? false }, now);
    audit.record('committee.create', now, { actorUserId: currentUser(request).id, target: committee.id });
    return reply.status(201).send(committeeView(committee));
  });

  /** A ZIP list's cells before it is saved, so the form's map draws the area as it will be decided. */
  api.get('/api/zip-cells', { schema: { querystring: zipCellsQuery, response: { 200: zipCellsSchema, ...errorResponses } } }, async (request) => ({
    cells: zipCells(request.query.zips),
  }));

  api.get('/api/committees', { schema: { response: { 200: z.array(committeeSchema), ...errorResponses } } }, async () => committees.list().map(committeeView));

  /** A ZIP-list area as its ZIPs' nearest-centroid cells, for the map (other areas draw themselves). */
  api.get('/api/committees/:id/cells', { schema: { params: idParams, response: { 200: zipCellsSchema, ...errorResponses } } }, async (request) => {
    const committee = committees.get(request.params.id);
    if (!committee) throw notFound('no such committee');
    return { cells: committee.area.type === 'zips' ? zipCells(committee.area.zips) : [] };
  });

  api.get('/api/committees/:id', { schema: { params: idParams, response: { 200: committeeSchema, ...errorResponses } } }, async (request) => {
    const committee = committees.get(request.params.id);
    if (!committee) throw notFound('no such committee');
    return committeeView(committee);
  });

  api.patch('/api/committees/:id', { schema: { params: idParams, body: committeePatchBody, response: { 200: committeeSchema, ...errorResponses } } }, async (request) => {
    const committee = committees.get(request.params.id);
    if (!committee) throw notFound('no such committee');
    const { name, area, autoApprove } = request.body;
    committees.update(committee.id, { ...(name ? { name } : {}), ...(area ? { area } : {}), ...(autoApprove === undefined ? {} : { autoApprove }) });
    audit.record('committee.update', deps.now(), { actorUserId: currentUser(request).id, target: committee.id, detail: { fields: Object.keys(request.body) } });
    return committeeView(committees.get(committee.id) ?? committee);
  });

  /** A new invite code; the old one stops working at once (e.g. after it leaked). */
  api.post('/api/committees/:id/invite-code', { schema: { params: idParams, body: emptyBody, response: { 200: committeeSchema, ...errorResponses } } }, async (request) => {
    const committee = committees.get(request.params.id);
    if (!committee) throw notFound('no such committee');
    committees.update(committee.id, { inviteCode: freeInviteCode() });
    audit.record('committee.invite_code', deps.now(), { actorUserId: currentUser(request).id, target: committee.id });
    return committeeView(committees.get(committee.id) ?? committee);
  });

  api.get('/api/committees/:id/members', { schema: { params: idParams, response: { 200: z.array(memberSchema), ...errorResponses } } }, async (request) => {
    if (!committees.get(request.params.id)) throw notFound('no such committee');
    return committees.membersOf(request.params.id).map(({ member, contact }) => ({
      id: member.id,
      committeeId: member.committeeId,
      phone: contact.phoneMask,
      role: member.role,
      status: member.status,
      locale: contact.locale,
      note: member.note,
      zip: member.zip,
      onDuty: member.onDuty,
      shifts: member.shifts,
      stopped: contact.stoppedAt !== null,
      unreachable: contact.unreachableAt !== null,
      joinedAt: iso(member.createdAt),
      updatedAt: iso(member.updatedAt),
    }));
  });

  /** Members from a CSV (the page sends the file's text): a bad row is reported by line, the others go in. */
  api.post(
    '/api/committees/:id/members/import',
    // A list of a few thousand members is larger than the API's usual 64 KB.
    { bodyLimit: 1024 * 1024, schema: { params: idParams, body: memberImportBody, response: { 200: memberImportResultSchema, ...errorResponses } } },
    async (request) => {
      const committee = committees.get(request.params.id);
      if (!committee) throw notFound('no such committee');
      const now = deps.now();
      const result = await importMembers(deps, committee, request.body.csv, now).catch((error: unknown) => {
        throw error instanceof ImportError ? new HttpError(400, error.message) : error;
      });
      const { imported, skipped, errors } = result;
      audit.record('member.import', now, { actorUserId: currentUser(request).id, target: committee.id, detail: { imported, skipped, errors: errors.length } });
      return result;
    },
  );

  /** A coordinator knows a number set aside as unreachable works again: sending to it resumes. */
  api.post('/api/members/:id/reachable', { schema: { params: idParams, body: emptyBody, response: { 204: z.void(), ...errorResponses } } }, async (request, reply) => {
    if (!markMemberReachable(deps, request.params.id, currentUser(request).id)) throw notFound('no such member');
    return reply.status(204).send();
  });

  api.patch(
    '/api/members/:id',
    { schema: { params: idParams, body: memberPatchBody, response: { 200: memberUpdateSchema, ...errorResponses } } },
    async (request) => {
      const patch = request.body;
      const member = committees.getMember(request.params.id);
      if (!member) throw notFound('no such member');
      const place = patch.zip ? zipCentroid(patch.zip) : null;
      if (patch.zip && !place) throw new HttpError(400, 'zip: unknown ZIP code');
      // Approving a pending member also texts them the welcome, once.
      const updated = await updateMemberInConsole(
        deps,
        member,
        {
          ...(patch.role ? { role: patch.role } : {}),
          ...(patch.status ? { status: patch.status } : {}),
          ...(patch.zip !== undefined ? { zip: patch.zip, lat: place?.lat ?? null, lng: place?.lng ?? null } : {}),
          ...(patch.onDuty !== undefined ? { onDuty: patch.onDuty } : {}),
          ...(patch.shifts !== undefined ? { shifts: patch.shifts && patch.shifts.length > 0 ? patch.shifts : null } : {}),
        },
        { userId: currentUser(request).id, requested: { ...patch } },
      );
      if (!updated) throw notFound('no such member');
      return { id: updated.id, role: updated.role, status: updated.status, zip: updated.zip, onDuty: updated.onDuty, shifts: updated.shifts, updatedAt: iso(updated.updatedAt) };
    },
  );
}
