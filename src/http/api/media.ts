// Photos and recordings of reports, decrypted for signed-in dispatchers only; every opening is audited.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { openMedia } from '../../services/media.js';
import { notFound } from '../errors.js';
import { errorResponses, idParams } from '../schemas.js';
import { currentUser, requireRole } from './auth.js';

export async function mediaRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preValidation', requireRole('admin', 'dispatcher'));

  // Validated by the zod schema; the answer is bytes, not JSON, so no 200 schema.
  app.get<{ Params: { id: string } }>('/api/media/:id', { schema: { params: idParams, response: errorResponses } }, async (request, reply) => {
    const file = openMedia(deps, request.params.id);
    if (!file) throw notFound('no such media');
    deps.repos.audit.record('media.open', deps.now(), {
      actorUserId: currentUser(request).id,
      target: request.params.id,
      detail: { reportId: file.reportId, kind: file.kind },
    });
    return reply
      .header('content-type', file.contentType)
      .header('cache-control', 'private, no-store')
      .header('content-disposition', 'inline')
      .header('x-content-type-options', 'nosniff')
      .send(file.bytes);
  });
}
