// Reads an OpenStreetMap extract (.osm XML or .osm.pbf, through osm-read) into the street index's data. Two passes:
// the ways first, to learn which nodes they use, then the nodes, keeping only those coordinates (typed arrays, a Map
// from node id to slot), so memory follows the streets and addresses, not the whole extract.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { OsmNode, OsmTags, OsmWay } from 'osm-read';
import { parseStreetName } from './names.js';
import {
  type AreaRecord,
  encodeLine,
  metersBetween,
  NEAR_METERS,
  roundCoordinate,
  simplifyLine,
  STREET_INDEX_VERSION,
  type StreetIndexData,
  type StreetRecord,
} from './street-index.js';

/** The file itself is the problem (missing, unreadable, not OSM, cut short): say so in one line, no stack trace. */
export class OsmFileError extends Error {
  override name = 'OsmFileError';
}

export type OsmFormat = 'xml' | 'pbf';

// highway=* values that are not streets people stand on (or not yet, or no longer).
const NOT_STREETS = new Set(['proposed', 'planned', 'abandoned', 'disused', 'razed', 'platform', 'bus_stop', 'elevator', 'corridor', 'raceway']);
// Other names a street or place is known by; name:* only in the hotline's languages.
const EXTRA_NAMES = ['alt_name', 'old_name', 'loc_name', 'short_name', 'official_name', 'name:en', 'name:es', 'name:tl'];
const NEIGHBOURHOOD_PLACES = new Set(['neighbourhood', 'suburb', 'quarter']);
const CITY_PLACES = new Set(['city', 'town', 'village']);
/** Ways of one name this close are one street (a divided road, a street broken by a park); farther, another town's. */
const SAME_STREET_METERS = 150;
/** Vertices that move a street line less than this are dropped: lines only place "near" crossings and middles. */
const SIMPLIFY_METERS = 2;
const MISSING = -0x80000000;
const E7 = 1e7;

const requireCommonJs = createRequire(import.meta.url);

// ── reading the file ─────────────────────────────────────────────────────────

/**
 * Which format the file is in, after checking it is one osm-read can finish: osm-read throws outside any callback
 * (crashing the process) on some broken PBF files, and never ends on a truncated XML file.
 */
export function checkOsmFile(path: string): OsmFormat {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OsmFileError(code === 'ENOENT' ? `${path}: no such file` : code === 'EACCES' ? `${path}: not allowed to read it` : `${path}: cannot open it (${code ?? String(error)})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new OsmFileError(`${path}: not a file`);
    const head = readAt(fd, 0, Math.min(stat.size, 1024));
    if (head.subarray(4, 64).includes('OSMHeader')) {
      checkPbfBlocks(fd, stat.size, path);
      return 'pbf';
    }
    if (head[0] === 0x1f && head[1] === 0x8b) throw new OsmFileError(`${path}: a gzip file; decompress it first (gunzip), or use the .osm.pbf download`);
    if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) throw new OsmFileError(`${path}: a bzip2 file; decompress it first (bunzip2), or use the .osm.pbf download`);
    const text = head.toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (text.startsWith('<') && /<osm[\s>]/.test(text)) {
      const tail = readAt(fd, Math.max(0, stat.size - 1024), Math.min(stat.size, 1024)).toString('utf8').trimEnd();
      if (!tail.endsWith('</osm>')) throw new OsmFileError(`${path}: the XML ends before </osm>; the file is cut short`);
      return 'xml';
    }
    throw new OsmFileError(`${path}: not an OpenStreetMap extract (.osm XML or .osm.pbf)`);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, read);
}

/** Walks the PBF's block headers (a few bytes each) so that a cut or corrupt file is refused before osm-read sees it. */
function checkPbfBlocks(fd: number, size: number, path: string): void {
  const proto = requireCommonJs('osm-read/lib/proto/index.js') as typeof import('osm-read/lib/proto/index.js');
  const broken = (why: string) => new OsmFileError(`${path}: not a readable .osm.pbf file (${why})`);
  let position = 0;
  while (position < size) {
    if (position + 4 > size) throw broken('cut short');
    const headerSize = readAt(fd, position, 4).readInt32BE(0);
    if (headerSize <= 0 || headerSize > 64 * 1024 || position + 4 + headerSize > size) throw broken(`bad block at byte ${position}`);
    let header: { type: string; datasize: number };
    try {
      header = proto.OSMPBF.BlobHeader.decode(readAt(fd, position + 4, headerSize));
    } catch {
      throw broken(`bad block at byte ${position}`);
    }
    if ((header.type !== 'OSMHeader' && header.type !== 'OSMData') || header.datasize <= 0 || header.datasize > 32 * 1024 * 1024) {
      throw broken(`bad block at byte ${position}`);
    }
    position += 4 + headerSize + header.datasize;
    if (position > size) throw broken('cut short');
  }
}

/** One pass over the file; resolves at its end. */
function readOsm(path: string, format: OsmFormat, handlers: { node?: (node: OsmNode) => void; way?: (way: OsmWay) => void }): Promise<void> {
  const osmRead = requireCommonJs('osm-read') as typeof import('osm-read');
  return new Promise((resolve, reject) => {
    let settled = false;
    let parser: { pause(): void } | undefined;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      if (error === undefined) resolve();
      else {
        parser?.pause();
        reject(error);
      }
    };
    // osm-read calls these from its own I/O callbacks, where a throw would be uncaught.
    const guarded = <T>(handler: ((item: T) => void) | undefined) =>
      handler &&
      ((item: T) => {
        if (settled) return;
        try {
          handler(item);
        } catch (error) {
          settle(error);
        }
      });
    parser = osmRead.parse({
      filePath: path,
      format,
      node: guarded(handlers.node),
      way: guarded(handlers.way),
      endDocument: () => settle(),
      error: (error) => settle(new OsmFileError(`${path}: not a readable OpenStreetMap ${format === 'pbf' ? 'PBF' : 'XML'} file (${error instanceof Error ? error.message : String(error)})`)),
    });
  });
}

// ── tags ─────────────────────────────────────────────────────────────────────

function extraNames(tags: OsmTags): string[] {
  return EXTRA_NAMES.flatMap((key) => (tags[key] ?? '').split(';')).map((name) => name.trim()).filter(Boolean);
}

/** "2440", "2440A", "2440-2442" → 2440; "A", "" → null. */
function houseNumber(value: string | undefined): number | null {
  const match = value === undefined ? null : /^\s*(\d{1,6})(?!\d)/.exec(value);
  const number = match ? Number(match[1]) : 0;
  return number > 0 ? number : null;
}

function interpolationStep(value: string | undefined): number | null {
  if (value === 'all') return 1;
  if (value === 'odd' || value === 'even') return 2;
  const step = value === undefined ? Number.NaN : Number(value);
  return Number.isInteger(step) && step > 0 ? step : null;
}

// ── the import ───────────────────────────────────────────────────────────────

interface NameGroup {
  key: string;
  type: string | null;
  ways: number[];
}

interface StreetWay {
  group: NameGroup;
  name: string;
  aliases: string[];
  nodes: Int32Array;
}

/** Reads the extract at `path` into the street index's data; throws OsmFileError for a file that is not a usable extract. */
export async function importOsm(path: string): Promise<StreetIndexData> {
  const format = checkOsmFile(path);

  // Pass 1: the ways, and which nodes they need (slots into the coordinate arrays).
  const slots = new Map<number, number>();
  const slotsOf = (refs: readonly string[]): Int32Array => {
    const out = new Int32Array(refs.length);
    refs.forEach((ref, i) => {
      const id = Number(ref);
      let slot = slots.get(id);
      if (slot === undefined) {
        slot = slots.size;
        slots.set(id, slot);
      }
      out[i] = slot;
    });
    return out;
  };
  const groups = new Map<string, NameGroup>();
  const streetWays: StreetWay[] = [];
  const interpolations: Array<{ nodes: Int32Array; step: number; street: string | undefined }> = [];
  const buildings: Array<{ nodes: Int32Array; number: number; street: string }> = [];
  await readOsm(path, format, {
    way(way) {
      const { tags } = way;
      const name = tags['name']?.trim();
      if (tags['highway'] !== undefined && name && !NOT_STREETS.has(tags['highway']) && way.nodeRefs.length >= 2) {
        const parsed = parseStreetName(name);
        if (parsed.key === '') return;
        const groupKey = `${parsed.key}\u0000${parsed.type ?? ''}`;
        let group = groups.get(groupKey);
        if (!group) {
          group = { key: parsed.key, type: parsed.type, ways: [] };
          groups.set(groupKey, group);
        }
        group.ways.push(streetWays.length);
        streetWays.push({ group, name, aliases: extraNames(tags).filter((alias) => alias !== name), nodes: slotsOf(way.nodeRefs) });
        return;
      }
      const step = interpolationStep(tags['addr:interpolation']);
      if (step !== null && way.nodeRefs.length >= 2) {
        interpolations.push({ nodes: slotsOf(way.nodeRefs), step, street: tags['addr:street']?.trim() || undefined });
        return;
      }
      const number = houseNumber(tags['addr:housenumber']);
      const street = tags['addr:street']?.trim();
      if (number !== null && street && way.nodeRefs.length >= 3) buildings.push({ nodes: slotsOf(way.nodeRefs), number, street });
    },
  });

  // Pass 2: the nodes: coordinates of those the ways use, address points, places.
  const lat = new Int32Array(slots.size).fill(MISSING);
  const lng = new Int32Array(slots.size).fill(MISSING);
  const numbered = new Map<number, { number: number; street: string | undefined }>();
  const addressPoints: Array<{ street: string; number: number; lat: number; lng: number }> = [];
  const areas: AreaRecord[] = [];
  await readOsm(path, format, {
    node(node) {
      // A node without a position (deleted, or a broken file) is as if the extract did not have it.
      if (!(Math.abs(node.lat) <= 90 && Math.abs(node.lon) <= 180)) return;
      const slot = slots.get(Number(node.id));
      if (slot !== undefined) {
        lat[slot] = Math.round(node.lat * E7);
        lng[slot] = Math.round(node.lon * E7);
      }
      const { tags } = node;
      const number = houseNumber(tags['addr:housenumber']);
      if (number !== null) {
        const street = tags['addr:street']?.trim() || undefined;
        if (slot !== undefined) numbered.set(slot, { number, street });
        if (street) addressPoints.push({ street, number, lat: roundCoordinate(node.lat), lng: roundCoordinate(node.lon) });
      }
      const place = tags['place'];
      const name = tags['name']?.trim();
      if (place !== undefined && name && (NEIGHBOURHOOD_PLACES.has(place) || CITY_PLACES.has(place))) {
        areas.push({
          name,
          names: [...new Set([name, ...extraNames(tags)])],
          kind: NEIGHBOURHOOD_PLACES.has(place) ? 'neighbourhood' : 'city',
          lat: roundCoordinate(node.lat),
          lng: roundCoordinate(node.lon),
        });
      }
    },
  });

  const has = (slot: number) => lat[slot] !== MISSING;
  /** [lat, lng, …] in degrees of the nodes the extract has (an extract cuts ways at its border). */
  const coordinates = (nodes: ArrayLike<number>): number[] => {
    const out: number[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const slot = nodes[i]!;
      if (has(slot)) out.push(lat[slot]! / E7, lng[slot]! / E7);
    }
    return out;
  };

  const { streets, streetOfWay } = buildStreets(groups, streetWays, coordinates);
  const intersections = findIntersections(streetWays, streetOfWay, slots.size, (slot) => (has(slot) ? [lat[slot]! / E7, lng[slot]! / E7] : null));

  const addressStreets: string[] = [];
  const streetIndex = new Map<string, number>();
  const indexOf = (street: string) => {
    let index = streetIndex.get(street);
    if (index === undefined) {
      index = addressStreets.length;
      streetIndex.set(street, index);
      addressStreets.push(street);
    }
    return index;
  };
  const addresses: StreetIndexData['addresses'] = addressPoints.map((a) => [indexOf(a.street), a.number, a.lat, a.lng]);
  for (const building of buildings) {
    const ring = coordinates(building.nodes);
    // A closed way repeats its first node: count it once.
    const count = ring.length >= 4 && ring[0] === ring[ring.length - 2] && ring[1] === ring[ring.length - 1] ? ring.length / 2 - 1 : ring.length / 2;
    if (count < 1) continue;
    let sumLat = 0;
    let sumLng = 0;
    for (let i = 0; i < count; i++) {
      sumLat += ring[i * 2]!;
      sumLng += ring[i * 2 + 1]!;
    }
    addresses.push([indexOf(building.street), building.number, roundCoordinate(sumLat / count), roundCoordinate(sumLng / count)]);
  }

  const ranges: StreetIndexData['ranges'] = [];
  for (const way of interpolations) {
    // Numbered nodes along the way split it into ranges: 2400 … 2450 … 2498.
    let previous = -1;
    for (let i = 0; i < way.nodes.length; i++) {
      const here = numbered.get(way.nodes[i]!);
      if (!here) continue;
      const before = previous === -1 ? undefined : numbered.get(way.nodes[previous]!);
      const street = way.street ?? here.street ?? before?.street;
      if (before && street && before.number !== here.number) {
        const line = coordinates(way.nodes.subarray(previous, i + 1));
        if (line.length >= 4) ranges.push([indexOf(street), before.number, here.number, way.step, encodeLine(line)]);
      }
      previous = i;
    }
  }

  return { version: STREET_INDEX_VERSION, streets, intersections, addressStreets, addresses, ranges, areas };
}

// ── streets ─────────────────────────────────────────────────────────────────

class UnionFind {
  private readonly parent: Int32Array;
  constructor(size: number) {
    this.parent = Int32Array.from({ length: size }, (_, i) => i);
  }
  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[i] !== root) {
      const next = this.parent[i]!;
      this.parent[i] = root;
      i = next;
    }
    return root;
  }
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    this.parent[rb] = ra;
    return true;
  }
}

/** [south, west, north, east] in degrees. */
type Box = [number, number, number, number];

function extend(box: Box | undefined, line: readonly number[]): Box {
  const out: Box = box ?? [90, 180, -90, -180];
  for (let k = 0; k + 1 < line.length; k += 2) {
    out[0] = Math.min(out[0], line[k]!);
    out[1] = Math.min(out[1], line[k + 1]!);
    out[2] = Math.max(out[2], line[k]!);
    out[3] = Math.max(out[3], line[k + 1]!);
  }
  return out;
}

/** Ways of one name → streets: joined where they share a node, or where their extents lie within SAME_STREET_METERS. */
function buildStreets(groups: Map<string, NameGroup>, ways: StreetWay[], coordinates: (nodes: ArrayLike<number>) => number[]): { streets: StreetRecord[]; streetOfWay: Int32Array } {
  const streets: StreetRecord[] = [];
  const streetOfWay = new Int32Array(ways.length).fill(-1);
  const margin = SAME_STREET_METERS / 111_195;
  for (const group of groups.values()) {
    const members = group.ways;
    const joined = new UnionFind(members.length);
    const owner = new Map<number, number>();
    members.forEach((way, i) => {
      for (const slot of ways[way]!.nodes) {
        const other = owner.get(slot);
        if (other === undefined) owner.set(slot, i);
        else joined.union(other, i);
      }
    });
    const lines = members.map((way) => coordinates(ways[way]!.nodes));
    // Parts (ways joined by shared nodes) whose extents come within the margin are one street too.
    for (let merged = true; merged; ) {
      merged = false;
      const boxes = new Map<number, Box>();
      lines.forEach((line, i) => boxes.set(joined.find(i), extend(boxes.get(joined.find(i)), line)));
      const parts = [...boxes.entries()].sort((a, b) => a[1][0] - b[1][0]);
      for (const [i, [rootA, a]] of parts.entries()) {
        const lngMargin = margin / Math.max(0.01, Math.cos((a[0] * Math.PI) / 180));
        for (let j = i + 1; j < parts.length && parts[j]![1][0] <= a[2] + margin; j++) {
          const [rootB, b] = parts[j]!;
          if (b[1] - lngMargin <= a[3] && a[1] - lngMargin <= b[3] && joined.union(rootA, rootB)) merged = true;
        }
      }
    }

    const byRoot = new Map<number, number[]>();
    members.forEach((_, i) => {
      const root = joined.find(i);
      const list = byRoot.get(root);
      if (list) list.push(i);
      else byRoot.set(root, [i]);
    });
    for (const locals of byRoot.values()) {
      const id = streets.length;
      const names = new Map<string, number>();
      const aliases = new Map<string, [string, string, string | null]>();
      for (const i of locals) {
        const way = ways[members[i]!]!;
        streetOfWay[members[i]!] = id;
        names.set(way.name, (names.get(way.name) ?? 0) + 1);
        for (const alias of way.aliases) {
          const parsed = parseStreetName(alias);
          const aliasKey = `${parsed.key}\u0000${parsed.type ?? ''}`;
          if (parsed.key !== '' && (parsed.key !== group.key || parsed.type !== group.type) && !aliases.has(aliasKey)) aliases.set(aliasKey, [alias, parsed.key, parsed.type]);
        }
      }
      // The spelling most of its ways carry.
      const name = [...names.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
      const chains = mergeChains(locals.map((i) => ways[members[i]!]!.nodes));
      const encoded = chains.map((chain) => coordinates(chain)).filter((line) => line.length >= 4).map((line) => encodeLine(simplifyLine(line, SIMPLIFY_METERS)));
      streets.push({ name, key: group.key, type: group.type, aliases: [...aliases.values()], lines: encoded });
    }
  }
  return { streets, streetOfWay };
}

/** Joins ways end to end where exactly two meet (OSM splits a street into many ways), so a street is a few long lines. */
function mergeChains(ways: Int32Array[]): number[][] {
  const atEnd = new Map<number, number[]>();
  ways.forEach((way, i) => {
    for (const end of [way[0]!, way[way.length - 1]!]) {
      const list = atEnd.get(end);
      if (list) list.push(i);
      else atEnd.set(end, [i]);
    }
  });
  const used = new Uint8Array(ways.length);
  const chains: number[][] = [];
  /** The other way ending at `node`, when exactly two ways end there and it is unused; else -1. */
  const next = (node: number): number => {
    const here = atEnd.get(node) ?? [];
    if (here.length !== 2) return -1;
    const other = here.find((i) => !used[i]);
    return other === undefined ? -1 : other;
  };
  ways.forEach((way, start) => {
    if (used[start]) return;
    used[start] = 1;
    const chain = Array.from(way);
    for (let i = next(chain[chain.length - 1]!); i !== -1; i = next(chain[chain.length - 1]!)) {
      used[i] = 1;
      const other = Array.from(ways[i]!);
      chain.push(...(other[0] === chain[chain.length - 1] ? other : other.reverse()).slice(1));
    }
    for (let i = next(chain[0]!); i !== -1; i = next(chain[0]!)) {
      used[i] = 1;
      const other = Array.from(ways[i]!);
      chain.unshift(...(other[other.length - 1] === chain[0] ? other : other.reverse()).slice(0, -1));
    }
    chains.push(chain);
  });
  return chains;
}

/** Nodes shared by ways of different streets; one point per pair of streets and place (a divided road meets a street twice). */
function findIntersections(
  ways: StreetWay[],
  streetOfWay: Int32Array,
  slotCount: number,
  coordinate: (slot: number) => [number, number] | null,
): StreetIndexData['intersections'] {
  const owner = new Int32Array(slotCount).fill(-1);
  const shared = new Map<number, number[]>();
  ways.forEach((way, w) => {
    const street = streetOfWay[w]!;
    for (const slot of way.nodes) {
      const first = owner[slot]!;
      if (first === -1) owner[slot] = street;
      else if (first !== street) {
        const list = shared.get(slot) ?? [first];
        if (!list.includes(street)) list.push(street);
        shared.set(slot, list);
      }
    }
  });
  const byPair = new Map<string, Array<{ lat: number; lng: number; count: number }>>();
  const out: StreetIndexData['intersections'] = [];
  for (const [slot, streets] of shared) {
    const at = coordinate(slot);
    if (!at) continue;
    for (let i = 0; i < streets.length; i++) {
      for (let j = i + 1; j < streets.length; j++) {
        const a = Math.min(streets[i]!, streets[j]!);
        const b = Math.max(streets[i]!, streets[j]!);
        const points = byPair.get(`${a},${b}`) ?? [];
        const close = points.find((p) => metersBetween(p.lat, p.lng, at[0], at[1]) <= NEAR_METERS);
        if (close) {
          close.lat = (close.lat * close.count + at[0]) / (close.count + 1);
          close.lng = (close.lng * close.count + at[1]) / (close.count + 1);
          close.count += 1;
        } else points.push({ lat: at[0], lng: at[1], count: 1 });
        byPair.set(`${a},${b}`, points);
      }
    }
  }
  for (const [pair, points] of byPair) {
    const [a, b] = pair.split(',').map(Number) as [number, number];
    for (const p of points) out.push([a, b, roundCoordinate(p.lat), roundCoordinate(p.lng)]);
  }
  return out.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || x[3] - y[3]);
}
