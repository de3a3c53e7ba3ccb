import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { inviteCode } from '../../domain/codes.js';
import { zipCentroid } from '../../geo/zips.js';
import { HttpError, notFound } from '../errors.js';
import { committeeCreateBody, committeeSchema, errorResponses, idParams, memberPatchBody, memberSchema, memberUpdateSchema } from '../schemas.js';
import { currentUser, requireRole } from './auth.js';
import { committeeView, iso } from './views.js';

export async function committeeRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preValidation', requireRole('admin', 'dispatcher'));
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { committees, audit } = deps.repos;

  api.post('/api/committees', { schema: { body: committeeCreateBody, response: { 201: committeeSchema, ...errorResponses } } }, async (request, reply) => {
    const input = request.body;
    let code = inviteCode();
    while (committees.findByInviteCode(code)) code = inviteCode();
    const now = deps.now();
    const committee = committees.create({ name: input.name, area: input.area, inviteCode: code, autoApprove: input.autoApprove ?? false }, now);
    audit.record('committee.create', now, { actorUserId: currentUser(request).id, target: committee.id });
    return reply.status(201).send(committeeView(committee));
  });

  api.get('/api/committees', { schema: { response: { 200: z.array(committeeSchema), ...errorResponses } } }, async () => committees.list().map(committeeView));

  api.get('/api/committees/:id', { schema: { params: idParams, response: { 200: committeeSchema, ...errorResponses } } }, async (request) => {
    const committee = committees.get(request.params.id);
    if (!committee) throw notFound('no such committee');
    return committeeView(committee);
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
      stopped: contact.stoppedAt !== null,
      joinedAt: iso(member.createdAt),
      updatedAt: iso(member.updatedAt),
    }));
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
      const now = deps.now();
      committees.updateMember(
        member.id,
        {
          ...(patch.role ? { role: patch.role } : {}),
          ...(patch.status ? { status: patch.status } : {}),
          ...(patch.zip !== undefined ? { zip: patch.zip, lat: place?.lat ?? null, lng: place?.lng ?? null } : {}),
        },
        now,
      );
      audit.record('member.update', now, { actorUserId: currentUser(request).id, target: member.id, detail: { ...patch } });
      const updated = committees.getMember(member.id);
      if (!updated) throw notFound('no such member');
      return { id: updated.id, role: updated.role, status: updated.status, zip: updated.zip, updatedAt: iso(updated.updatedAt) };
    },
  );
}
