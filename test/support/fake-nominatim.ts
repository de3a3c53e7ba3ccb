/**
 * A local, Nominatim-compatible search server for tests (node:http only):
 *
 *   const fake = await startFakeNominatim({ answers: (q) => (q.startsWith('2440 Mission') ? [house({...})] : []) });
 *   // GEOCODER_URL = fake.url
 *
 * It answers `GET /search` with what `answers(q)` returns: a list of jsonv2 results (build them with the helpers
 * below), or a fault (an HTTP status, a body that is not JSON, a request that never answers). Every request is
 * recorded, with its parameters, headers and arrival time. Anything else gets a 404. No import from src/: a test
 * oracle must not be the code under test.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One result as Nominatim's `format=jsonv2` gives it (coordinates are strings there). */
export interface NominatimResult {
  place_id: number;
  licence: string;
  osm_type: 'node' | 'way' | 'relation';
  osm_id: number;
  lat: string;
  lon: string;
  category: string;
  type: string;
  place_rank: number;
  importance: number;
  addresstype: string;
  name: string;
  display_name: string;
  address: Record<string, string>;
  /** [south, north, west, east], as strings. */
  boundingbox: [string, string, string, string];
}

export type NominatimAnswer =
  | NominatimResult[]
  /** Answer this status (e.g. 429, 500), with an optional Retry-After in seconds. */
  | { status: number; retryAfter?: number }
  /** Answer 200 with a body that is not JSON. */
  | { kind: 'garbage' }
  /** Never answer (close() destroys the socket). */
  | { kind: 'hang' };

export interface NominatimRequest {
  path: string;
  /** The `q` parameter as received, or null. */
  q: string | null;
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Date.now() when the request arrived. */
  at: number;
}

export interface FakeNominatim {
  /** e.g. http://127.0.0.1:54321 — the GEOCODER_URL. */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: NominatimRequest[];
  /** What to answer for a query; may be replaced between requests. undefined → `[]`. */
  answers: (q: string) => NominatimAnswer | undefined;
  close(): Promise<void>;
}

export async function startFakeNominatim(options: { answers?: (q: string) => NominatimAnswer | undefined } = {}): Promise<FakeNominatim> {
  const requests: NominatimRequest[] = [];
  const fake = {
    url: '',
    requests,
    answers: options.answers ?? (() => []),
    close: async () => {},
  } satisfies FakeNominatim;

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    requests.push({ path: url.pathname, q: url.searchParams.get('q'), params: url.searchParams, headers: request.headers, at: Date.now() });
    if (request.method !== 'GET' || url.pathname !== '/search') {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not a route of this fake' }));
      return;
    }
    const answer = fake.answers(url.searchParams.get('q') ?? '') ?? [];
    if (Array.isArray(answer)) {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer));
    } else if ('status' in answer) {
      const headers: Record<string, string> = { 'content-type': 'text/html' };
      if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
      response.writeHead(answer.status, headers).end(`<html><body>status ${answer.status}</body></html>`);
    } else if (answer.kind === 'garbage') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('[{"lat": "37.7", "lon": <html>oops');
    }
    // 'hang': no answer at all.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

/** `answers` from a table, matching queries whatever their case and spacing. */
export function byQuery(table: Record<string, NominatimAnswer>): (q: string) => NominatimAnswer | undefined {
  const key = (q: string) => q.toLowerCase().replace(/\s+/g, ' ').trim();
  const normalised = new Map(Object.entries(table).map(([q, answer]) => [key(q), answer]));
  return (q) => normalised.get(key(q));
}

// ── jsonv2 result builders ───────────────────────────────────────────────────

let nextId = 1;

interface Base {
  lat: number;
  lng: number;
  /** Extra address parts (postcode, city, suburb, …). */
  address?: Record<string, string>;
}

/** Any jsonv2 result; the named helpers below fill it in the way Nominatim does for each kind of place. */
export function nominatimResult(fields: Base & Partial<Omit<NominatimResult, 'lat' | 'lon' | 'address'>> & { halfSizeMeters?: number }): NominatimResult {
  const id = nextId++;
  const half = fields.halfSizeMeters ?? 10;
  const dLat = half / 111_320;
  const dLng = half / (111_320 * Math.cos((fields.lat * Math.PI) / 180));
  const address = fields.address ?? {};
  const parts = [fields.name, address.house_number, address.road, address.suburb, address.city, address.postcode, 'United States'];
  return {
    place_id: id,
    licence: 'Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright',
    osm_type: fields.osm_type ?? 'node',
    osm_id: 1000 + id,
    lat: fields.lat.toFixed(7),
    lon: fields.lng.toFixed(7),
    category: fields.category ?? 'place',
    type: fields.type ?? 'yes',
    place_rank: fields.place_rank ?? 30,
    importance: fields.importance ?? 0.1,
    addresstype: fields.addresstype ?? fields.type ?? 'place',
    name: fields.name ?? '',
    display_name: fields.display_name ?? parts.filter(Boolean).join(', '),
    address: { ...address, country: 'United States', country_code: 'us' },
    boundingbox: [(fields.lat - dLat).toFixed(7), (fields.lat + dLat).toFixed(7), (fields.lng - dLng).toFixed(7), (fields.lng + dLng).toFixed(7)],
  };
}

/** An address point: "2440, Mission Street, …" (category place, type house). */
export function house(f: Base & { houseNumber: string; road: string }): NominatimResult {
  return nominatimResult({ ...f, category: 'place', type: 'house', addresstype: 'place', address: { house_number: f.houseNumber, road: f.road, ...f.address } });
}

/** A building with an address and no name (category building). */
export function building(f: Base & { houseNumber: string; road: string }): NominatimResult {
  return nominatimResult({ ...f, osm_type: 'way', category: 'building', type: 'yes', addresstype: 'building', address: { house_number: f.houseNumber, road: f.road, ...f.address } });
}

/** A named point of interest: an amenity, shop, school, … */
export function poi(f: Base & { name: string; category?: string; type?: string }): NominatimResult {
  const category = f.category ?? 'amenity';
  const type = f.type ?? 'school';
  return nominatimResult({ ...f, osm_type: 'way', category, type, addresstype: category, name: f.name });
}

/** A street (a way of category highway); `lengthMeters` sets its bounding box. */
export function road(f: Base & { name: string; type?: string; lengthMeters?: number }): NominatimResult {
  return nominatimResult({
    ...f,
    osm_type: 'way',
    category: 'highway',
    type: f.type ?? 'residential',
    place_rank: 26,
    addresstype: 'road',
    name: f.name,
    address: { road: f.name, ...f.address },
    halfSizeMeters: (f.lengthMeters ?? 1500) / 2,
  });
}

/** A node on the road network where streets meet (traffic signals, a junction). */
export function junction(f: Base & { road: string; type?: string }): NominatimResult {
  return nominatimResult({ ...f, osm_type: 'node', category: 'highway', type: f.type ?? 'traffic_signals', addresstype: 'highway', address: { road: f.road, ...f.address } });
}

/** A neighbourhood, suburb, quarter, city, town or village (a place node or boundary). */
export function area(f: Base & { name: string; addresstype: 'neighbourhood' | 'suburb' | 'quarter' | 'city' | 'town' | 'village' }): NominatimResult {
  const city = ['city', 'town', 'village'].includes(f.addresstype);
  return nominatimResult({
    ...f,
    osm_type: city ? 'relation' : 'node',
    category: city ? 'boundary' : 'place',
    type: city ? 'administrative' : f.addresstype,
    place_rank: city ? 16 : 20,
    addresstype: f.addresstype,
    name: f.name,
    halfSizeMeters: city ? 8000 : 700,
  });
}

/** A postcode centroid. */
export function postcode(f: Base & { postcode: string }): NominatimResult {
  return nominatimResult({ ...f, category: 'place', type: 'postcode', place_rank: 21, addresstype: 'postcode', name: f.postcode, address: { postcode: f.postcode, ...f.address } });
}
