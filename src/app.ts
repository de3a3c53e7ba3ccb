// The Fastify root: infrastructure plugins, then feature routes, one error handler. Building is not listening.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Deps } from './deps.js';
import { authHooks } from './http/api/auth.js';
import { committeeRoutes } from './http/api/committees.js';
import { eventRoutes } from './http/api/events.js';
import { healthRoutes } from './http/api/health.js';
import { incidentRoutes } from './http/api/incidents.js';
import { systemRoutes } from './http/api/system.js';
import { errorHandler, HttpError } from './http/errors.js';
import { twilioRoutes } from './http/twilio/routes.js';

// Twilio's forms and the console's JSON are small; anything bigger is refused before it is parsed.
const BODY_LIMIT = 64 * 1024;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PUBLIC_API = new Set(['POST /api/session', 'GET /api/health']);

export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.log as FastifyBaseLogger, bodyLimit: BODY_LIMIT, trustProxy: deps.config.trustProxy });
  // Routes declare zod schemas for params, query, body and answers (src/http/schemas.ts).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not found' }));

  await app.register(helmet, { contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:', 'https:'] } } });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    guardApiRequest(request, deps.config.publicUrl);
  });
  authHooks(app, deps);
  // Before validation: without a session the answer is 401, whatever the request holds.
  app.addHook('preValidation', async (request) => {
    if (!request.url.startsWith('/api/') || PUBLIC_API.has(`${request.method} ${request.routeOptions.url ?? ''}`)) return;
    if (!request.user) throw new HttpError(401, 'sign in first');
  });

  await app.register(twilioRoutes, { deps });
  await app.register(healthRoutes, { deps });
  await app.register(committeeRoutes, { deps });
  await app.register(incidentRoutes, { deps });
  await app.register(systemRoutes, { deps });
  await app.register(eventRoutes, { deps });
  return app;
}

/**
 * The CSRF defence: state changes must be JSON (a cross-site form cannot send that with SameSite=Strict cookies),
 * and a request from a foreign origin is refused outright.
 */
function guardApiRequest(request: FastifyRequest, publicUrl: string): void {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const own = `${request.protocol}://${request.headers.host ?? ''}`;
    if (origin !== new URL(publicUrl).origin && origin !== own) throw new HttpError(403, 'foreign origin');
  }
  if (STATE_CHANGING.has(request.method)) {
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') throw new HttpError(415, 'send JSON (Content-Type: application/json), {} when there is nothing to say');
  }
}
