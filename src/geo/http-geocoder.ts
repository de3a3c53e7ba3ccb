// An operator's own Nominatim-compatible search API (Nominatim, or Pelias's Nominatim-style /search), asked by the
// worker when the offline reader found an address or intersection it could not resolve. Nothing here runs unless
// GEOCODER_URL is set: report text leaves the server only for a geocoder the operator configured.
//
// Failures (timeouts, HTTP errors, 429, garbage) give null, never an exception: a report is placed less precisely
// rather than retried. Logs say what failed, never the query (it is report text).
import { z } from 'zod';
import type { Config } from '../config.js';
import type { LatLng, Location } from '../domain/types.js';
import type { Logger } from '../log.js';
import { distanceMeters } from './distance.js';
import { fold, parseStreetName, SUFFIX_TYPES } from './names.js';
import { blockLabel } from './read-location.js';

export type GeocoderHit = Location & { source: 'geocoder'; words: null };

export interface HttpGeocoder {
  /** The best usable result for a free-form query, or null (nothing found, nothing usable, or a failure). */
  search(q: string): Promise<GeocoderHit | null>;
}

/** The circle the committees' areas lie in. */
export interface GeocoderRegion {
  center: LatLng;
  radiusKm: number;
}

export interface HttpGeocoderOptions {
  /** Base URL of the search API; `<url>/search` is asked. */
  url: string;
  /** Per request, and the longest a caller waits for its turn under the rate limit. Default 2000. */
  timeoutMs?: number;
  /** Requests per second from this process (0 = no limit). Default 1, as Nominatim's usage policy asks. */
  ratePerSecond?: number;
  /** ISO 3166-1 alpha-2 codes, comma-separated ("us"); empty = any country. */
  country?: string;
  /** Where results are wanted; a function is asked on every search so the region can follow the committees. */
  region?: GeocoderRegion | null | (() => GeocoderRegion | null);
  /** Accept-Language: the language of returned names. Default "en". */
  language?: string;
  userAgent?: string;
  log?: Pick<Logger, 'warn'>;
  cacheSize?: number;
  cacheTtlMs?: number;
  /** "Nothing found" is remembered for less time than a hit. */
  negativeTtlMs?: number;
  /** The clock of the cache (tests); the rate limit always runs on real time. */
  now?: () => number;
}

export const GEOCODER_USER_AGENT = 'Centinela/1.0 (community rapid-response SMS hotline; operator-configured geocoder)';

/**
 * Region policy: a result inside the region wins over any outside it, in the server's own order of relevance. With
 * none inside, a result up to twice the radius out is still taken (committee areas are often drawn tight and a raid
 * just past the edge still matters); anything farther is a namesake elsewhere ("Mission St" in another city) and
 * dropped. With no region known, the server's first usable result is taken.
 */
export const REGION_FALLBACK_FACTOR = 2;

const DEFAULTS = {
  timeoutMs: 2000,
  ratePerSecond: 1,
  country: 'us',
  language: 'en',
  cacheSize: 1000,
  cacheTtlMs: 24 * 60 * 60_000,
  negativeTtlMs: 15 * 60_000,
};
// After a 429 without Retry-After, and the most a Retry-After may pause us.
const DEFAULT_BACKOFF_MS = 5_000;
const MAX_BACKOFF_MS = 10 * 60_000;
const MAX_BODY_CHARS = 2_000_000;
// A street named alone is a location only when it is short (the reader's rule: a long street can be kilometres).
const SHORT_STREET_METERS = 400;

/** The worker's geocoder from GEOCODER_* settings, or null when none is configured (then nothing is ever asked). */
export function geocoderFromConfig(
  settings: Config['geocoder'] | null,
  extras: Pick<HttpGeocoderOptions, 'log' | 'region'> = {},
): HttpGeocoder | null {
  if (!settings) return null;
  return createHttpGeocoder({ ...settings, ...extras });
}

export function createHttpGeocoder(options: HttpGeocoderOptions): HttpGeocoder {
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const now = options.now ?? Date.now;
  const cache = new TtlLru<GeocoderHit | null>(options.cacheSize ?? DEFAULTS.cacheSize);
  const limiter = new RateLimiter(options.ratePerSecond ?? DEFAULTS.ratePerSecond);
  const inFlight = new Map<string, Promise<GeocoderHit | null>>();
  const base = searchEndpoint(options.url);
  const region = (): GeocoderRegion | null => {
    const value = typeof options.region === 'function' ? options.region() : options.region;
    return value && value.radiusKm > 0 ? value : null;
  };

  async function ask(q: string, where: GeocoderRegion | null, key: string): Promise<GeocoderHit | null> {
    const wait = limiter.reserve(timeoutMs);
    if (wait === null) {
      options.log?.warn({ waitLimitMs: timeoutMs }, 'geocoder busy (rate limit): no location from it this time');
      return null;
    }
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const results = await fetchResults(requestUrl(base, q, where, options), options, timeoutMs, limiter);
    if (results === null) return null;
    const hit = choose(results, twoStreets(q), where);
    cache.set(key, hit, now() + (hit ? (options.cacheTtlMs ?? DEFAULTS.cacheTtlMs) : (options.negativeTtlMs ?? DEFAULTS.negativeTtlMs)));
    return hit;
  }

  return {
    async search(rawQuery) {
      const q = rawQuery.replace(/\s+/g, ' ').trim();
      if (q === '') return null;
      const where = region();
      const key = `${cacheKey(q)}\u0000${where ? viewbox(where) : ''}`;
      const cached = cache.get(key, now());
      if (cached !== undefined) return cached && { ...cached };
      let pending = inFlight.get(key);
      if (!pending) {
        pending = ask(q, where, key).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      const hit = await pending;
      return hit && { ...hit };
    },
  };
}

// ── the request ─────────────────────────────────────────────────────────────

function searchEndpoint(url: string): string {
  // GEOCODER_URL may be given with or without the trailing /search.
  return `${url.replace(/\/+$/, '').replace(/\/search$/, '')}/search`;
}

function requestUrl(base: string, q: string, where: GeocoderRegion | null, options: HttpGeocoderOptions): URL {
  const url = new URL(base);
  const params = url.searchParams;
  params.set('q', q);
  params.set('format', 'jsonv2');
  params.set('addressdetails', '1');
  params.set('limit', '5');
  const country = (options.country ?? DEFAULTS.country).trim();
  if (country !== '') params.set('countrycodes', country.toLowerCase());
  if (where) {
    // A preference, not a fence (bounded=0): the region ranking below decides what is too far.
    params.set('viewbox', viewbox(where));
    params.set('bounded', '0');
  }
  return url;
}

/** left,top,right,bottom around the region's circle. */
function viewbox({ center, radiusKm }: GeocoderRegion): string {
  const dLat = radiusKm / 111.32;
  const dLng = radiusKm / (111.32 * Math.max(0.01, Math.cos((center.lat * Math.PI) / 180)));
  return [center.lng - dLng, center.lat + dLat, center.lng + dLng, center.lat - dLat].map((v) => v.toFixed(5)).join(',');
}

/** Results, or null on a failure (logged without the query). */
async function fetchResults(url: URL, options: HttpGeocoderOptions, timeoutMs: number, limiter: RateLimiter): Promise<NominatimResult[] | null> {
  const log = options.log;
  const headers: Record<string, string> = {
    'User-Agent': options.userAgent ?? GEOCODER_USER_AGENT,
    'Accept-Language': options.language ?? DEFAULTS.language,
    Accept: 'application/json',
  };
  // fetch refuses URLs with credentials: a GEOCODER_URL like https://user:pass@host becomes Basic auth.
  if (url.username || url.password) {
    headers.Authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  let body: string;
  try {
    const response = await fetch(url, {
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 429) {
      limiter.pauseFor(retryAfterMs(response.headers.get('retry-after')));
      await response.body?.cancel();
      log?.warn({ status: 429 }, 'geocoder says too many requests: pausing it');
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      log?.warn({ status: response.status }, 'geocoder answered an error: no location from it this time');
      return null;
    }
    body = await response.text();
  } catch (error) {
    // Only the error's kind: a message could carry the request URL, and with it the report's words.
    const err = error as Error & { cause?: { code?: string } };
    log?.warn({ err: err.name, code: err.cause?.code }, err.name === 'TimeoutError' ? 'geocoder timed out' : 'geocoder unreachable');
    return null;
  }
  if (body.length > MAX_BODY_CHARS) {
    log?.warn({ chars: body.length }, 'geocoder answer too large: ignored');
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    log?.warn({}, 'geocoder answered something that is not JSON: ignored');
    return null;
  }
  if (!Array.isArray(json)) {
    log?.warn({}, 'geocoder answered JSON that is not a result list: ignored');
    return null;
  }
  return json.flatMap((item) => {
    const parsed = nominatimResult.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

function retryAfterMs(header: string | null): number {
  if (header === null) return DEFAULT_BACKOFF_MS;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_BACKOFF_MS) : DEFAULT_BACKOFF_MS;
}

// ── what comes back ─────────────────────────────────────────────────────────

const coordinate = z.union([z.string().trim().min(1), z.number()]).transform(Number).pipe(z.number().finite());
const nominatimResult = z.object({
  lat: coordinate.pipe(z.number().min(-90).max(90)),
  lon: coordinate.pipe(z.number().min(-180).max(180)),
  osm_type: z.string().optional(),
  // jsonv2 says `category`, json and Pelias say `class`.
  category: z.string().optional(),
  class: z.string().optional(),
  type: z.string().optional(),
  addresstype: z.string().optional(),
  name: z.string().nullish(),
  display_name: z.string().optional(),
  address: z.record(z.string(), z.unknown()).optional(),
  boundingbox: z.array(coordinate).length(4).optional(),
});
type NominatimResult = z.infer<typeof nominatimResult>;

const NEIGHBOURHOODS = new Set(['neighbourhood', 'neighborhood', 'suburb', 'quarter', 'city_district', 'borough', 'hamlet', 'isolated_dwelling']);
const CITIES = new Set(['city', 'town', 'village', 'municipality']);
// Place-like categories whose named results people call a place ("Mission High School", "Home Depot").
const POI_CATEGORIES = new Set([
  'amenity', 'shop', 'school', 'building', 'office', 'tourism', 'leisure', 'healthcare', 'craft', 'public_transport',
  'railway', 'aeroway', 'historic', 'man_made', 'club', 'emergency', 'military', 'landuse', 'education',
]);
// Highway values that are the road itself rather than a point on it.
const ROAD_TYPES = new Set([
  'motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'unclassified', 'residential', 'service', 'living_street',
  'pedestrian', 'road', 'motorway_link', 'trunk_link', 'primary_link', 'secondary_link', 'tertiary_link', 'track',
  'footway', 'cycleway', 'path', 'busway',
]);
const TYPE_ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['street', 'St'], ['avenue', 'Ave'], ['boulevard', 'Blvd'], ['road', 'Rd'], ['drive', 'Dr'], ['lane', 'Ln'],
  ['place', 'Pl'], ['court', 'Ct'], ['terrace', 'Ter'], ['highway', 'Hwy'], ['parkway', 'Pkwy'], ['expressway', 'Expy'],
  ['circle', 'Cir'], ['alley', 'Aly'], ['plaza', 'Plz'], ['square', 'Sq'],
]);

function choose(results: NominatimResult[], streets: [string, string] | null, where: GeocoderRegion | null): GeocoderHit | null {
  const hits = results.flatMap((result) => {
    const hit = toHit(result, streets);
    return hit ? [hit] : [];
  });
  if (!where) return hits[0] ?? null;
  const radius = where.radiusKm * 1000;
  const distance = (hit: GeocoderHit) => distanceMeters(where.center, hit);
  return hits.find((hit) => distance(hit) <= radius) ?? hits.find((hit) => distance(hit) <= radius * REGION_FALLBACK_FACTOR) ?? null;
}

/** One result as a location with the precision it really has, or null when it is too coarse or unusable. */
function toHit(result: NominatimResult, streets: [string, string] | null): GeocoderHit | null {
  const category = (result.category ?? result.class ?? '').toLowerCase();
  const type = (result.type ?? '').toLowerCase();
  const addresstype = (result.addresstype ?? '').toLowerCase();
  const address = stringParts(result.address);
  const name = (result.name ?? '').trim() || null;
  const postcode = /^\d{5}/.exec(address.postcode ?? '')?.[0] ?? null;
  const at = (precision: Location['precision'], label: string): GeocoderHit => ({
    lat: result.lat,
    lng: result.lon,
    label,
    precision,
    zip: postcode,
    source: 'geocoder',
    words: null,
  });
  const kinds = [addresstype, type];

  if (kinds.includes('postcode') || (category === 'boundary' && type === 'postal_code')) {
    const zip = postcode ?? /^\d{5}/.exec(name ?? '')?.[0] ?? null;
    return zip ? { ...at('zip', `ZIP ${zip}`), zip } : null;
  }
  if (kinds.some((k) => NEIGHBOURHOODS.has(k))) {
    const label = name ?? address.neighbourhood ?? address.suburb ?? address.quarter;
    return label ? at('neighbourhood', label) : null;
  }
  if (kinds.some((k) => CITIES.has(k))) {
    const label = name ?? address.city ?? address.town ?? address.village;
    return label ? at('city', label) : null;
  }
  if (category === 'highway') {
    const roadName = address.road ?? (ROAD_TYPES.has(type) ? name : null);
    const isRoad = ROAD_TYPES.has(type) || addresstype === 'road' || (result.osm_type !== undefined && result.osm_type !== 'node');
    if (streets) {
      // A road that is neither of the two streets is some other match, not their crossing.
      const keys = streets.map((street) => parseStreetName(street).key);
      if (roadName && !keys.includes(parseStreetName(roadName).key)) return null;
      return at('intersection', intersectionLabel(streets, roadName));
    }
    // A point on the road network named for itself: a bus stop "Mission St & 24th St".
    if (!isRoad) return name ? at('place', name) : null;
    // One street named alone: a location only when it is short enough to say where.
    return roadName && extentMeters(result) <= SHORT_STREET_METERS ? at('neighbourhood', streetLabel(roadName)) : null;
  }
  const houseNumber = address.house_number;
  const isPoi = name !== null && (POI_CATEGORIES.has(category) || POI_CATEGORIES.has(addresstype));
  if (houseNumber && !isPoi) {
    // Never the house number: alerts name the block.
    const number = /^\d+/.exec(houseNumber)?.[0];
    const roadName = address.road ?? address.pedestrian ?? address.footway;
    if (!number || !roadName) return null;
    return at('address', blockLabel(Number(number), streetLabel(roadName)));
  }
  if (isPoi && name) return at('place', name);
  return null;
}

function stringParts(address: Record<string, unknown> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(address ?? {})) if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
  return out;
}

/** The diagonal of a result's bounding box [south, north, west, east]; Infinity when it has none. */
function extentMeters(result: NominatimResult): number {
  const box = result.boundingbox;
  if (!box) return Number.POSITIVE_INFINITY;
  const [south = 0, north = 0, west = 0, east = 0] = box;
  return distanceMeters({ lat: south, lng: west }, { lat: north, lng: east });
}

/** "Mission Street" → "Mission St"; a name typed in one case ("cesar chavez") gets capitals. */
function streetLabel(name: string): string {
  const words = name.trim().split(/\s+/);
  const last = words[words.length - 1] ?? '';
  const abbreviation = words.length > 1 ? TYPE_ABBREVIATIONS.get(SUFFIX_TYPES.get(last.toLowerCase().replace(/\.$/, '')) ?? '') : undefined;
  if (abbreviation) words[words.length - 1] = abbreviation;
  const oneCase = words.join(' ') === words.join(' ').toLowerCase() || words.join(' ') === words.join(' ').toUpperCase();
  return words.map((w) => (oneCase && !TYPE_ABBREVIATIONS.has(w.toLowerCase()) ? titleCase(w) : w)).join(' ');
}

function titleCase(word: string): string {
  // "24th" stays "24th"; "CHAVEZ" and "chavez" become "Chavez".
  return /^\d/.test(word) ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/** "Cesar Chavez St & Bryant St", with the geocoder's spelling for the street it returned. */
function intersectionLabel(streets: [string, string], roadName: string | null): string {
  const returned = roadName ? parseStreetName(roadName).key : null;
  const names = streets.map((street) => (returned !== null && parseStreetName(street).key === returned && roadName ? roadName : street));
  return names.map(streetLabel).join(' & ');
}

// ── the query ───────────────────────────────────────────────────────────────

// Words that join two street names in the reader's queries and in people's texts.
const CONNECTOR = /\s*(?:&|\/|@|\+)\s*|\s+(?:and|y|at|e|con|kanto ng|corner of)\s+/iu;

/**
 * The two streets of a query like "Cesar Chavez St & Bryant St, 94110" ("X and Y", "X y Y", "X/Y"), or null when
 * it names one street, an address or anything else. Only the part before the first comma is read: the rest is
 * the ZIP or city the text also named.
 */
export function twoStreets(q: string): [string, string] | null {
  const head = (q.split(',', 1)[0] ?? '').trim();
  const parts = head.split(CONNECTOR).map((part) => part.trim());
  if (parts.length !== 2) return null;
  const [a = '', b = ''] = parts;
  if (a === '' || b === '' || [a, b].some(isAddress)) return null;
  return [a, b];
}

/** "2440 Mission St" is an address; "24th St" and "24 St" are streets. */
function isAddress(part: string): boolean {
  const match = /^(\d+)[a-z]?\s+(\S+)/iu.exec(part);
  return match !== null && !SUFFIX_TYPES.has(fold(match[2] ?? '').replace(/\.$/, ''));
}

/** One cache entry per query however it is cased, accented or spaced. */
function cacheKey(q: string): string {
  return fold(q)
    .replace(/\s*([,;])\s*/g, '$1 ')
    .replace(/\s+/g, ' ')
    .replace(/[\s.,;!?]+$/u, '')
    .trim();
}

// ── cache and rate limit ────────────────────────────────────────────────────

/** Least recently used entries go first; each expires at its own time. */
class TtlLru<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  constructor(private readonly capacity: number) {}

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

/**
 * At most `capacity` request starts in any window (N per second for N ≥ 1; one per 1/rate seconds below 1).
 * Callers reserve their slot in order; one whose slot lies further away than it may wait gets none.
 * Per process: several workers each keep their own limit.
 */
class RateLimiter {
  private readonly capacity: number;
  private readonly windowMs: number;
  private readonly starts: number[] = [];
  private pausedUntil = 0;

  constructor(ratePerSecond: number) {
    this.capacity = ratePerSecond > 0 ? Math.max(1, Math.floor(ratePerSecond)) : 0;
    this.windowMs = ratePerSecond > 0 ? (this.capacity * 1000) / ratePerSecond : 0;
  }

  /** How long to wait before starting, or null when that is longer than `maxWaitMs`. */
  reserve(maxWaitMs: number): number | null {
    const now = performance.now();
    let slot = Math.max(now, this.pausedUntil);
    if (this.capacity > 0 && this.starts.length >= this.capacity) {
      slot = Math.max(slot, (this.starts[this.starts.length - this.capacity] ?? 0) + this.windowMs);
    }
    if (slot - now > maxWaitMs) return null;
    if (this.capacity > 0) {
      this.starts.push(slot);
      if (this.starts.length > this.capacity) this.starts.shift();
    }
    return slot - now;
  }

  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + ms);
  }
}
