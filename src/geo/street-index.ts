// The offline street index: an OpenStreetMap extract reduced by osm-import.ts to named streets, where they meet,
// house numbers and neighbourhood/city nodes. It is stored as gzip JSON in STREETS_FILE, loaded once, and answers
// every lookup from memory, so placing "24th and Folsom" never calls anything.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import type { LatLng } from '../domain/types.js';
import type { NamedArea, StreetIndex } from './lookup.js';
import { abbreviateStreetName, parseStreetName, type StreetName } from './names.js';

/** Bumped whenever the layout or the meaning of the keys changes: an older file must be imported again. */
export const STREET_INDEX_VERSION = 1;

/** Two streets this close without a shared node still "meet" ("Shotwell near Cesar Chavez"). */
export const NEAR_METERS = 60;

export interface StreetIndexData {
  version: number;
  /**
   * Named streets. Ways of one name that touch or lie within ~150 m of each other are one street; the same name in
   * another town (Mission St in San Francisco and in Daly City) is another.
   */
  streets: StreetRecord[];
  /** Where two streets share a node: [street, other street, lat, lng], indexes into `streets`, smaller first. */
  intersections: Array<[number, number, number, number]>;
  /** The `addr:street` names of addresses and ranges, each once. */
  addressStreets: string[];
  /** House numbers with a position: [index into addressStreets, number, lat, lng]. */
  addresses: Array<[number, number, number, number]>;
  /** `addr:interpolation` lines: [index into addressStreets, number at the first point, number at the last, step, line]. */
  ranges: Array<[number, number, number, number, number[]]>;
  areas: AreaRecord[];
}

export interface StreetRecord {
  /** As OSM spells it: "Cesar Chavez Street". */
  name: string;
  /** `parseStreetName(name)`. */
  key: string;
  type: string | null;
  /** Other names of the street (old_name, alt_name, name:es…): [name, key, type]. */
  aliases: Array<[string, string, string | null]>;
  /** Simplified lines, see encodeLine. */
  lines: number[][];
}

export interface AreaRecord {
  name: string;
  /** The name first, then alt/old/local names. */
  names: string[];
  kind: 'neighbourhood' | 'city';
  lat: number;
  lng: number;
}

// ── coordinates ─────────────────────────────────────────────────────────────

const MICRO = 1e6;
const RAD = Math.PI / 180;
/** Meters per degree of latitude on the sphere turf's haversine uses. */
const METERS_PER_DEGREE = 111_195.08;

/** Degrees rounded to microdegrees (11 cm), as stored. */
export function roundCoordinate(degrees: number): number {
  return Math.round(degrees * MICRO) / MICRO;
}

/** [lat, lng, lat, lng, …] in degrees → integers in microdegrees, each pair after the first as a difference (small in JSON). */
export function encodeLine(flat: ArrayLike<number>): number[] {
  const out: number[] = [];
  let lat = 0;
  let lng = 0;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const a = Math.round((flat[i] ?? 0) * MICRO);
    const b = Math.round((flat[i + 1] ?? 0) * MICRO);
    out.push(a - lat, b - lng);
    lat = a;
    lng = b;
  }
  return out;
}

export function decodeLine(encoded: readonly number[]): Float64Array {
  const out = new Float64Array(encoded.length - (encoded.length % 2));
  let lat = 0;
  let lng = 0;
  for (let i = 0; i < out.length; i += 2) {
    lat += encoded[i] ?? 0;
    lng += encoded[i + 1] ?? 0;
    out[i] = lat / MICRO;
    out[i + 1] = lng / MICRO;
  }
  return out;
}

/** Distance in meters on a local flat projection: exact enough below a few kilometres, and cheap. */
export function metersBetween(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const x = (bLng - aLng) * Math.cos(((aLat + bLat) / 2) * RAD) * METERS_PER_DEGREE;
  const y = (bLat - aLat) * METERS_PER_DEGREE;
  return Math.hypot(x, y);
}

/** Length of a flat [lat, lng, …] line in meters. */
export function lineMeters(line: ArrayLike<number>): number {
  let total = 0;
  for (let i = 2; i + 1 < line.length; i += 2) total += metersBetween(line[i - 2]!, line[i - 1]!, line[i]!, line[i + 1]!);
  return total;
}

/** The point `meters` along a line from its start (clamped to the line). */
export function pointAlong(line: ArrayLike<number>, meters: number): LatLng {
  let left = Math.max(0, meters);
  for (let i = 2; i + 1 < line.length; i += 2) {
    const step = metersBetween(line[i - 2]!, line[i - 1]!, line[i]!, line[i + 1]!);
    if (step > 0 && left <= step) {
      const t = left / step;
      return { lat: line[i - 2]! + t * (line[i]! - line[i - 2]!), lng: line[i - 1]! + t * (line[i + 1]! - line[i - 1]!) };
    }
    left -= step;
  }
  return { lat: line[line.length - 2] ?? Number.NaN, lng: line[line.length - 1] ?? Number.NaN };
}

/**
 * Douglas–Peucker on a flat [lat, lng, …] line: drops vertices that move the line less than `toleranceMeters`, keeping
 * the ends. Street lines only place "near" crossings and middles; exact crossings are stored as points.
 */
export function simplifyLine(line: ArrayLike<number>, toleranceMeters: number): number[] {
  const count = Math.floor(line.length / 2);
  if (count <= 2) return Array.from(line);
  const keep = new Uint8Array(count);
  keep[0] = 1;
  keep[count - 1] = 1;
  const cos = Math.cos((line[0] ?? 0) * RAD);
  const x = (i: number) => line[i * 2 + 1]! * cos * METERS_PER_DEGREE;
  const y = (i: number) => line[i * 2]! * METERS_PER_DEGREE;
  const stack: Array<[number, number]> = [[0, count - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop()!;
    let farthest = -1;
    let farthestDistance = toleranceMeters;
    for (let i = first + 1; i < last; i++) {
      const [cx, cy] = closestOnSegment(x(i), y(i), x(first), y(first), x(last), y(last));
      const d = Math.hypot(cx - x(i), cy - y(i));
      if (d > farthestDistance) {
        farthest = i;
        farthestDistance = d;
      }
    }
    if (farthest !== -1) {
      keep[farthest] = 1;
      stack.push([first, farthest], [farthest, last]);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (keep[i]) out.push(line[i * 2]!, line[i * 2 + 1]!);
  return out;
}

/** The point of segment a–b nearest p, on a flat plane. */
function closestOnSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): [number, number] {
  const dx = bx - ax;
  const dy = by - ay;
  const squared = dx * dx + dy * dy;
  const t = squared === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / squared));
  return [ax + t * dx, ay + t * dy];
}

/** A flat projection around one latitude, in meters: x east, y north. */
interface Plane {
  x(lng: number): number;
  y(lat: number): number;
  lat(y: number): number;
  lng(x: number): number;
}

function planeAt(lat: number): Plane {
  const cos = Math.cos(lat * RAD);
  return {
    x: (lng) => lng * cos * METERS_PER_DEGREE,
    y: (lat) => lat * METERS_PER_DEGREE,
    lat: (y) => y / METERS_PER_DEGREE,
    lng: (x) => x / (cos * METERS_PER_DEGREE),
  };
}

interface Approach {
  lat: number;
  lng: number;
  /** Meters between the two lines there (0 where they cross without a shared node, e.g. a bridge). */
  gap: number;
}

/** Where two lines come closest, if within `maxMeters`: the middle of the two nearest points. */
function closestApproach(a: Float64Array, b: Float64Array, maxMeters: number): Approach | null {
  const plane = planeAt(a[0] ?? 0);
  const margin = maxMeters / METERS_PER_DEGREE;
  const lngMargin = margin / Math.max(0.01, Math.cos((a[0] ?? 0) * RAD));
  let best: Approach | null = null;
  for (let i = 2; i + 1 < a.length; i += 2) {
    const [aLat1, aLng1, aLat2, aLng2] = [a[i - 2]!, a[i - 1]!, a[i]!, a[i + 1]!];
    const minLat = Math.min(aLat1, aLat2) - margin;
    const maxLat = Math.max(aLat1, aLat2) + margin;
    const minLng = Math.min(aLng1, aLng2) - lngMargin;
    const maxLng = Math.max(aLng1, aLng2) + lngMargin;
    for (let j = 2; j + 1 < b.length; j += 2) {
      const [bLat1, bLng1, bLat2, bLng2] = [b[j - 2]!, b[j - 1]!, b[j]!, b[j + 1]!];
      if (Math.max(bLat1, bLat2) < minLat || Math.min(bLat1, bLat2) > maxLat || Math.max(bLng1, bLng2) < minLng || Math.min(bLng1, bLng2) > maxLng) continue;
      const found = segmentsApproach(plane, [plane.x(aLng1), plane.y(aLat1), plane.x(aLng2), plane.y(aLat2)], [plane.x(bLng1), plane.y(bLat1), plane.x(bLng2), plane.y(bLat2)]);
      if (found.gap <= maxMeters && (best === null || found.gap < best.gap)) best = found;
    }
  }
  return best;
}

function segmentsApproach(plane: Plane, [ax1, ay1, ax2, ay2]: number[], [bx1, by1, bx2, by2]: number[]): Approach {
  const rx = ax2! - ax1!;
  const ry = ay2! - ay1!;
  const sx = bx2! - bx1!;
  const sy = by2! - by1!;
  const den = rx * sy - ry * sx;
  if (den !== 0) {
    const t = ((bx1! - ax1!) * sy - (by1! - ay1!) * sx) / den;
    const u = ((bx1! - ax1!) * ry - (by1! - ay1!) * rx) / den;
    if (t >= 0 && t <= 1 && u >= 0 && u <= 1) return { lat: plane.lat(ay1! + t * ry), lng: plane.lng(ax1! + t * rx), gap: 0 };
  }
  let best: Approach = { lat: 0, lng: 0, gap: Number.POSITIVE_INFINITY };
  const tryPair = (px: number, py: number, qx: number, qy: number) => {
    const gap = Math.hypot(px - qx, py - qy);
    if (gap < best.gap) best = { lat: plane.lat((py + qy) / 2), lng: plane.lng((px + qx) / 2), gap };
  };
  tryPair(ax1!, ay1!, ...closestOnSegment(ax1!, ay1!, bx1!, by1!, bx2!, by2!));
  tryPair(ax2!, ay2!, ...closestOnSegment(ax2!, ay2!, bx1!, by1!, bx2!, by2!));
  tryPair(bx1!, by1!, ...closestOnSegment(bx1!, by1!, ax1!, ay1!, ax2!, ay2!));
  tryPair(bx2!, by2!, ...closestOnSegment(bx2!, by2!, ax1!, ay1!, ax2!, ay2!));
  return best;
}

/** Meters from a point to the nearest point of a line. */
function metersToLine(point: LatLng, line: Float64Array): number {
  const plane = planeAt(point.lat);
  const px = plane.x(point.lng);
  const py = plane.y(point.lat);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i + 1 < line.length; i += 2) {
    const [qx, qy] = i + 3 < line.length
      ? closestOnSegment(px, py, plane.x(line[i + 1]!), plane.y(line[i]!), plane.x(line[i + 3]!), plane.y(line[i + 2]!))
      : [plane.x(line[i + 1]!), plane.y(line[i]!)];
    best = Math.min(best, Math.hypot(px - qx, py - qy));
  }
  return best;
}

// ── the index ───────────────────────────────────────────────────────────────

interface Street {
  /** "Cesar Chavez St". */
  label: string;
  lines: Float64Array[];
  /** [south, west, north, east] in degrees. */
  box: [number, number, number, number];
  lengthMeters: number;
}

interface Named {
  type: string | null;
}

interface StreetMatch extends Named {
  street: number;
}

interface AddressPoint extends Named, LatLng {
  number: number;
  street: string;
}

interface Range extends Named {
  from: number;
  to: number;
  step: number;
  line: Float64Array;
  lengthMeters: number;
  street: string;
}

/** With a type in the query, only that type, unless no candidate has it ("24th Ave" finds only 24th St where there is no 24th Ave). */
function ofType<T extends Named>(candidates: readonly T[], query: StreetName): readonly T[] {
  if (query.type === null) return candidates;
  const typed = candidates.filter((c) => c.type === query.type);
  return typed.length > 0 ? typed : candidates;
}

function nearest<T extends LatLng>(candidates: readonly T[], near: LatLng | null | undefined): T | undefined {
  if (!near || candidates.length < 2) return candidates[0];
  let best = candidates[0];
  let bestMeters = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const meters = metersBetween(near.lat, near.lng, c.lat, c.lng);
    if (meters < bestMeters) {
      best = c;
      bestMeters = meters;
    }
  }
  return best;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The lookups of src/geo/lookup.ts over imported data; all in memory. */
export function loadStreetIndex(data: StreetIndexData): StreetIndex {
  if (data.version !== STREET_INDEX_VERSION) {
    throw new Error(`street index format ${String(data.version)} is not ${STREET_INDEX_VERSION}: run npm run streets:import again`);
  }
  const streets: Street[] = data.streets.map((record) => {
    const lines = record.lines.map(decodeLine).filter((line) => line.length >= 2);
    const box: Street['box'] = [90, 180, -90, -180];
    for (const line of lines) {
      for (let i = 0; i + 1 < line.length; i += 2) {
        box[0] = Math.min(box[0], line[i]!);
        box[1] = Math.min(box[1], line[i + 1]!);
        box[2] = Math.max(box[2], line[i]!);
        box[3] = Math.max(box[3], line[i + 1]!);
      }
    }
    return { label: abbreviateStreetName(record.name), lines, box, lengthMeters: lines.reduce((sum, line) => sum + lineMeters(line), 0) };
  });

  const byKey = new Map<string, StreetMatch[]>();
  data.streets.forEach((record, street) => {
    pushTo(byKey, record.key, { street, type: record.type });
    for (const [, key, type] of record.aliases) pushTo(byKey, key, { street, type });
  });

  const pairKey = (a: number, b: number) => (a < b ? a * streets.length + b : b * streets.length + a);
  const crossings = new Map<number, LatLng[]>();
  for (const [a, b, lat, lng] of data.intersections) pushTo(crossings, pairKey(a, b), { lat, lng });
  // KDBush cannot be empty: an extract with no crossings has no index to ask.
  let points: KDBush | null = null;
  if (data.intersections.length > 0) {
    points = new KDBush(data.intersections.length);
    for (const [, , lat, lng] of data.intersections) points.add(lng, lat);
    points.finish();
  }

  const addressStreets = data.addressStreets.map((name) => ({ name, ...parseStreetName(name) }));
  const addresses = new Map<string, AddressPoint[]>();
  for (const [street, number, lat, lng] of data.addresses) {
    const named = addressStreets[street];
    if (named) pushTo(addresses, named.key, { type: named.type, number, lat, lng, street: named.name });
  }
  const ranges = new Map<string, Range[]>();
  for (const [street, from, to, step, encoded] of data.ranges) {
    const named = addressStreets[street];
    const line = decodeLine(encoded);
    if (named && line.length >= 4) pushTo(ranges, named.key, { type: named.type, from, to, step, line, lengthMeters: lineMeters(line), street: named.name });
  }

  const areas: NamedArea[] = data.areas.map((a) => ({ name: a.name, names: a.names, kind: a.kind, lat: a.lat, lng: a.lng }));

  /** Distinct streets a name can mean. */
  const streetsNamed = (query: StreetName): number[] => [...new Set(ofType(byKey.get(query.key) ?? [], query).map((m) => m.street))];

  const boxesWithin = (a: Street, b: Street, meters: number): boolean => {
    const lat = meters / METERS_PER_DEGREE;
    const lng = lat / Math.max(0.01, Math.cos(a.box[0] * RAD));
    return a.box[0] - lat <= b.box[2] && b.box[0] - lat <= a.box[2] && a.box[1] - lng <= b.box[3] && b.box[1] - lng <= a.box[3];
  };

  const approach = (a: Street, b: Street): Approach | null => {
    let best: Approach | null = null;
    for (const lineA of a.lines) {
      for (const lineB of b.lines) {
        const found = closestApproach(lineA, lineB, NEAR_METERS);
        if (found && (best === null || found.gap < best.gap)) best = found;
      }
    }
    return best;
  };

  const labelOf = (street: number) => streets[street]?.label ?? '';

  return {
    keys: new Set(byKey.keys()),
    areas,

    intersection(a, b, near) {
      const first = streetsNamed(a);
      const second = streetsNamed(b);
      const found: Array<Approach & { a: number; b: number }> = [];
      for (const sa of first) {
        for (const sb of second) {
          if (sa === sb) continue;
          for (const point of crossings.get(pairKey(sa, sb)) ?? []) found.push({ ...point, gap: 0, a: sa, b: sb });
        }
      }
      // No shared node: streets that pass within NEAR_METERS (a bridge, a kink, a street that stops short).
      if (found.length === 0) {
        for (const sa of first) {
          for (const sb of second) {
            const streetA = streets[sa];
            const streetB = streets[sb];
            if (sa === sb || !streetA || !streetB || !boxesWithin(streetA, streetB, NEAR_METERS)) continue;
            const close = approach(streetA, streetB);
            if (close) found.push({ ...close, a: sa, b: sb });
          }
        }
      }
      if (found.length === 0) return null;
      const least = Math.min(...found.map((f) => f.gap));
      const best = near ? nearest(found, near) : found.find((f) => f.gap === least);
      return best ? { lat: roundCoordinate(best.lat), lng: roundCoordinate(best.lng), name: `${labelOf(best.a)} & ${labelOf(best.b)}` } : null;
    },

    address(number, street, near) {
      if (!Number.isInteger(number) || number <= 0) return null;
      const name = (spelled: string) => `${number} ${abbreviateStreetName(spelled)}`;
      const exact = ofType(addresses.get(street.key) ?? [], street).filter((p) => p.number === number);
      const point = nearest(exact, near);
      if (point) return { lat: point.lat, lng: point.lng, name: name(point.street) };
      const along: Array<LatLng & { street: string }> = [];
      for (const range of ofType(ranges.get(street.key) ?? [], street)) {
        const low = Math.min(range.from, range.to);
        const high = Math.max(range.from, range.to);
        if (number < low || number > high || (number - range.from) % range.step !== 0) continue;
        const t = range.to === range.from ? 0 : (number - range.from) / (range.to - range.from);
        const at = pointAlong(range.line, t * range.lengthMeters);
        along.push({ lat: roundCoordinate(at.lat), lng: roundCoordinate(at.lng), street: range.street });
      }
      const interpolated = nearest(along, near);
      return interpolated ? { lat: interpolated.lat, lng: interpolated.lng, name: name(interpolated.street) } : null;
    },

    street(query, near) {
      const candidates = streetsNamed(query).flatMap((id) => (streets[id] ? [streets[id]] : []));
      if (candidates.length === 0) return null;
      const distanceTo = (s: Street) => (near ? Math.min(...s.lines.map((line) => metersToLine(near, line))) : -s.lengthMeters);
      const chosen = candidates.reduce((best, s) => (distanceTo(s) < distanceTo(best) ? s : best));
      const middle = middleOf(chosen);
      return { lat: roundCoordinate(middle.lat), lng: roundCoordinate(middle.lng), name: chosen.label, lengthMeters: Math.round(chosen.lengthMeters) };
    },

    nearestIntersection(point, maxMeters) {
      if (!points || !Number.isFinite(point.lat) || !Number.isFinite(point.lng)) return null;
      const [id] = around(points, point.lng, point.lat, 1, maxMeters / 1000);
      const found = id === undefined ? undefined : data.intersections[id];
      if (!found) return null;
      const [a, b, lat, lng] = found;
      const labels = [labelOf(a), labelOf(b)].sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
      return { lat, lng, name: labels.join(' & ') };
    },
  };
}

/** The point of a street nearest its length-weighted centre: the middle of a straight or gently curved street. */
function middleOf(street: Street): LatLng {
  let lat = 0;
  let lng = 0;
  let weight = 0;
  for (const line of street.lines) {
    for (let i = 2; i + 1 < line.length; i += 2) {
      const meters = metersBetween(line[i - 2]!, line[i - 1]!, line[i]!, line[i + 1]!);
      lat += ((line[i - 2]! + line[i]!) / 2) * meters;
      lng += ((line[i - 1]! + line[i + 1]!) / 2) * meters;
      weight += meters;
    }
  }
  const first = street.lines[0];
  if (weight === 0 || !first) return { lat: first?.[0] ?? Number.NaN, lng: first?.[1] ?? Number.NaN };
  const centre = { lat: lat / weight, lng: lng / weight };
  const plane = planeAt(centre.lat);
  let best: LatLng = centre;
  let bestMeters = Number.POSITIVE_INFINITY;
  for (const line of street.lines) {
    for (let i = 2; i + 1 < line.length; i += 2) {
      const [x, y] = closestOnSegment(plane.x(centre.lng), plane.y(centre.lat), plane.x(line[i - 1]!), plane.y(line[i - 2]!), plane.x(line[i + 1]!), plane.y(line[i]!));
      const meters = Math.hypot(x - plane.x(centre.lng), y - plane.y(centre.lat));
      if (meters < bestMeters) {
        best = { lat: plane.lat(y), lng: plane.lng(x) };
        bestMeters = meters;
      }
    }
  }
  return best;
}

// ── the file ────────────────────────────────────────────────────────────────

/** The index in STREETS_FILE (gzip or plain JSON); null when no file was imported. */
export function readStreetIndexFile(path: string): StreetIndex | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const json = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  const data = JSON.parse(json.toString('utf8')) as StreetIndexData;
  if (typeof data !== 'object' || data === null || !Array.isArray(data.streets)) throw new Error(`${path} is not a street index: run npm run streets:import again`);
  return loadStreetIndex(data);
}

/** Writes the index whole or not at all (temp file + rename): a running app never reads half a file. */
export function writeStreetIndexFile(path: string, data: StreetIndexData): void {
  const json = Buffer.from(JSON.stringify(data), 'utf8');
  const bytes = path.endsWith('.gz') ? gzipSync(json) : json;
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
