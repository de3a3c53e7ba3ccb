// What the console's `Place` field understands: whatever a report's words would be read as, offline (the network's
// places, the street index, towns, ZIPs, map links). Nothing leaves the server.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.js';
import { notFound } from '../errors.js';
import { errorResponses, geocodedSchema, geocodeQuery } from '../schemas.js';
import { requireRole } from './auth.js';

export async function geocodeRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preValidation', requireRole('admin', 'dispatcher'));
  app.withTypeProvider<ZodTypeProvider>().get('/api/geocode', { schema: { querystring: geocodeQuery, response: { 200: geocodedSchema, ...errorResponses } } }, async (request) => {
    const found = deps.locator.read(request.query.q).location;
    if (!found) throw notFound('no such place');
    return { lat: found.lat, lng: found.lng, label: found.label, precision: found.precision, zip: found.zip ?? null };
  });
}
