// The network's named places (worksites, schools, courts, ICE offices…) that reports can mention by name or alias.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { NameTaken, PlaceRow } from '../../db/repositories/places.js';
import type { Deps } from '../../deps.js';
import { parsePlacesFile, PlacesFileError, refText } from '../../services/places-import.js';
import { HttpError, notFound } from '../errors.js';
import {
  emptyBody,
  errorResponses,
  idParams,
  placeCreateBody,
  placeImportBody,
  placeImportRejectedSchema,
  placeImportResultSchema,
  placePatchBody,
  placeSchema,
  type PlaceView,
} from '../schemas.js';
import { currentUser, requireRole } from './auth.js';
import { iso } from './views.js';

export function placeView(place: PlaceRow): PlaceView {
  return {
    id: place.id,
    name: place.name,
    aliases: place.aliases,
    lat: place.lat,
    lng: place.lng,
    kind: place.kind,
    createdAt: iso(place.createdAt),
    updatedAt: iso(place.updatedAt),
  };
}

const nameTaken = (result: object): result is NameTaken => 'taken' in result;
const conflict = ({ taken }: NameTaken) => new HttpError(409, `name: a place called "${taken.name}" exists already`);

export async function placeRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.addHook('preValidation', requireRole('admin', 'dispatcher'));
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { places, audit } = deps.repos;

  api.get('/api/places', { schema: { response: { 200: z.array(placeSchema), ...errorResponses } } }, async () => places.list().map(placeView));

  api.post('/api/places', { schema: { body: placeCreateBody, response: { 201: placeSchema, ...errorResponses } } }, async (request, reply) => {
    const now = deps.now();
    const place = places.insert(request.body, now);
    if (nameTaken(place)) throw conflict(place);
    audit.record('place.create', now, { actorUserId: currentUser(request).id, target: place.id, detail: { name: place.name } });
    return reply.status(201).send(placeView(place));
  });

  api.get('/api/places/:id', { schema: { params: idParams, response: { 200: placeSchema, ...errorResponses } } }, async (request) => {
    const place = places.get(request.params.id);
    if (!place) throw notFound('no such place');
    return placeView(place);
  });

  api.patch('/api/places/:id', { schema: { params: idParams, body: placePatchBody, response: { 200: placeSchema, ...errorResponses } } }, async (request) => {
    const now = deps.now();
    const place = places.update(request.params.id, request.body, now);
    if (!place) throw notFound('no such place');
    if (nameTaken(place)) throw conflict(place);
    audit.record('place.update', now, { actorUserId: currentUser(request).id, target: place.id, detail: { name: place.name, fields: Object.keys(request.body) } });
    return placeView(place);
  });

  api.delete('/api/places/:id', { schema: { params: idParams, body: emptyBody, response: { 204: z.void(), ...errorResponses } } }, async (request, reply) => {
    const place = places.delete(request.params.id);
    if (!place) throw notFound('no such place');
    audit.record('place.delete', deps.now(), { actorUserId: currentUser(request).id, target: place.id, detail: { name: place.name } });
    return reply.status(204).send();
  });

  /** A CSV or GeoJSON file's text: every row is checked first; one bad row and nothing goes in (422 names them all). */
  api.post(
    '/api/places/import',
    // The 1 MB file, escaped into a JSON string, is larger than the API's usual 64 KB.
    { bodyLimit: 3 * 1024 * 1024, schema: { body: placeImportBody, response: { 200: placeImportResultSchema, 422: placeImportRejectedSchema, ...errorResponses } } },
    async (request, reply) => {
      const { format, content } = request.body;
      const parsed = (() => {
        try {
          return parsePlacesFile(format, content);
        } catch (error) {
          throw error instanceof PlacesFileError ? new HttpError(400, `${format}: ${error.message}`) : error;
        }
      })();
      if (parsed.errors.length > 0) {
        const first = parsed.errors[0];
        const summary = `${parsed.errors.length} bad row(s), nothing was imported${first ? ` (${refText(first)}: ${first.error})` : ''}`;
        return reply.status(422).send({ error: summary, errors: parsed.errors });
      }
      const now = deps.now();
      const counts = places.upsertMany(parsed.places, now);
      audit.record('place.import', now, { actorUserId: currentUser(request).id, detail: { format, ...counts } });
      return { ...counts, ignoredColumns: parsed.ignoredColumns };
    },
  );
}
