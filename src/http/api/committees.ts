import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { inviteCode } from '../../domain/codes.js';
import { MEMBER_ROLES, MEMBER_STATUSES } from '../../domain/types.js';
import { areaSchema } from '../../geo/areas.js';
import { zipCentroid } from '../../geo/zips.js';
import { notFound, parse, HttpError } from '../errors.js';
import { currentUser, requireRole } from './auth.js';
import { committeeView, iso } from './views.js';

const createSchema = z.object({
  name: z.string().trim().min(1).max(80),
  area: areaSchema,
  autoApprove: z.boolean().optional(),
});

const memberPatch = z
  .object({
    role: z.enum(MEMBER_ROLES).optional(),
    status: z.enum(MEMBER_STATUSES).optional(),
    zip: z.union([z.string().regex(/^\d{5}$/, 'must be a 5-digit ZIP code'), z.null()]).optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');

export async function committeeRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preHandler', requireRole('admin', 'dispatcher'));
  const { committees, audit } = deps.repos;

  app.post('/api/committees', async (request, reply) => {
    const input = parse(createSchema, request.body);
    let code = inviteCode();
    while (committees.findByInviteCode(code)) code = inviteCode();
    const now = deps.now();
    const committee = committees.create({ name: input.name, area: input.area, inviteCode: code, autoApprove: input.autoApprove ?? false }, now);
    audit.record('committee.create', now, { actorUserId: currentUser(request).id, target: committee.id });
    return reply.status(201).send(committeeView(committee));
  });

  app.get('/api/committees', async () => committees.list().map(committeeView));

  app.get<{ Params: { id: string } }>('/api/committees/:id', async (request) => {
    const committee = committees.get(request.params.id);
    if (!committee) throw notFound('no such committee');
    return committeeView(committee);
  });

  app.get<{ Params: { id: string } }>('/api/committees/:id/members', async (request) => {
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

  app.patch<{ Params: { id: string } }>('/api/members/:id', async (request) => {
    const patch = parse(memberPatch, request.body);
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
    return { id: member.id, role: updated?.role, status: updated?.status, zip: updated?.zip, updatedAt: iso(updated?.updatedAt) };
  });
}
