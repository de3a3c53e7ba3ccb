// What the console's `Place` field understands: a ZIP code or a place the offline parser reads. Nothing leaves the
// server (no public geocoder is asked).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.js';
import { parseLocationOffline } from '../../geo/parse-location.js';
import { notFound } from '../errors.js';
import { errorResponses, geocodedSchema, geocodeQuery } from '../schemas.js';
import { requireRole } from './auth.js';

export async function geocodeRoutes(app: FastifyInstance, _options: { deps: Deps }): Promise<void> {
  app.addHook('preValidation', requireRole('admin', 'dispatcher'));
  app.withTypeProvider<ZodTypeProvider>().get('/api/geocode', { schema: { querystring: geocodeQuery, response: { 200: geocodedSchema, ...errorResponses } } }, async (request) => {
    const found = parseLocationOffline(request.query.q);
    if (!found) throw notFound('no such place');
    return { lat: found.lat, lng: found.lng, label: found.label, precision: found.precision, zip: found.zip ?? null };
  });
}
