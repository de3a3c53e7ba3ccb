// The Fastify root: infrastructure plugins, then feature routes, one error handler. Building is not listening.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Deps } from './deps.js';
import { authHooks } from './http/api/auth.js';
import { committeeRoutes } from './http/api/committees.js';
import { drillRoutes } from './http/api/drills.js';
import { eventRoutes } from './http/api/events.js';
import { followThroughRoutes } from './http/api/follow-through.js';
import { healthRoutes } from './http/api/health.js';
import { incidentRoutes } from './http/api/incidents.js';
import { mediaRoutes } from './http/api/media.js';
import { placeRoutes } from './http/api/places.js';
import { simulatorRoutes } from './http/api/simulator.js';
import { systemRoutes } from './http/api/system.js';
import { userRoutes } from './http/api/users.js';
import { verificationRoutes } from './http/api/verification.js';
import { errorHandler, HttpError } from './http/errors.js';
import { twilioRoutes } from './http/twilio/routes.js';
import { webRoutes } from './http/web.js';
import { geocodeRoutes } from './http/api/geocode.js';

// Twilio's forms and the console's JSON are small; anything bigger is refused before it is parsed.
const BODY_LIMIT = 64 * 1024;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PUBLIC_API = new Set(['POST /api/session', 'GET /api/health', 'POST /api/users/password']);

export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.log as FastifyBaseLogger, bodyLimit: BODY_LIMIT, trustProxy: deps.config.trustProxy });
  // Routes declare zod schemas for params, query, body and answers (src/http/schemas.ts).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ error: 'not found' }));

  await app.register(helmet, { contentSecurityPolicy: { useDefaults: false, directives: consoleCsp(deps.config.mapTilesUrl) }, xFrameOptions: { action: 'deny' } });
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
  await app.register(verificationRoutes, { deps });
  await app.register(followThroughRoutes, { deps });
  await app.register(drillRoutes, { deps });
  await app.register(systemRoutes, { deps });
  await app.register(simulatorRoutes, { deps });
  await app.register(userRoutes, { deps });
  await app.register(eventRoutes, { deps });
  await app.register(mediaRoutes, { deps });
  await app.register(geocodeRoutes, { deps });
  await app.register(placeRoutes, { deps });
  await app.register(webRoutes, { deps });
  return app;
}

/** No inline script or style, nothing framed, JSON only to ourselves; map tiles only from the configured host. */
function consoleCsp(mapTilesUrl: string | null): Record<string, string[]> {
  // `{s}` in a tile template is a subdomain: allow them all.
  const tileOrigin = mapTilesUrl ? /^https?:\/\/[^/]+/.exec(mapTilesUrl)?.[0]?.replace('{s}', '*') : undefined;
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', ...(tileOrigin ? [tileOrigin] : [])],
    'connect-src': ["'self'"],
    'font-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
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
