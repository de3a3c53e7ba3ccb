// Street index bench: how long `npm run streets:import` takes on a city-size extract, how much memory it needs, and
// how fast the loaded index answers.
//
//   tsx scripts/bench/street-index.ts [--size 200] [--vertices 10] [--lookups 10000] [--xml] [--keep DIR]
//
// Writes a synthetic city as OSM XML: a --size × --size grid of named streets (ordinal avenues one way, named
// streets the other, split into ways of 10 blocks, --vertices shape nodes per block), an odd and an even
// `addr:interpolation` way on every block, and a few neighbourhoods. The defaults give ~40,000 intersections and
// ~1 M nodes. The XML is converted to PBF with osmium (as operators download PBF) unless --xml; the import runs as
// the real script in a child process, which reports its own time and peak memory. Then the index is loaded here
// and timed on --lookups intersection and address lookups.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStreetName } from '../../src/geo/names.js';
import { readStreetIndexFile } from '../../src/geo/street-index.js';
import { isMain } from '../../src/process.js';

export interface SyntheticCity {
  /** North–south streets, west to east: "1st Avenue", "2nd Avenue", … */
  avenues: string[];
  /** East–west streets, south to north: "Almont Street", … */
  streets: string[];
  /** Where avenue i crosses street j. */
  crossing(i: number, j: number): { lat: number; lng: number };
  /** House numbers of block j of an avenue (between streets j and j + 1) run from 100(j+1) to 100(j+1)+99. */
  nodes: number;
  ways: number;
}

const SOUTH = 37.6;
const WEST = -122.6;
const LAT_STEP = 0.001; // ~111 m
const LNG_STEP = 0.0013; // ~114 m at this latitude
const WAY_BLOCKS = 10;
const FIRST = ['Al', 'Bel', 'Cor', 'Dun', 'El', 'Fair', 'Glen', 'Hol', 'Ivy', 'Jun', 'Kel', 'Lin', 'Mar', 'Nor', 'Oak', 'Pin', 'Quin', 'Ros', 'Syc', 'Tam', 'Ul', 'Ver', 'Wil', 'Yar', 'Zel'];
const SECOND = ['mont', 'wood', 'dale', 'view', 'crest', 'field', 'ridge', 'brook', 'haven', 'side', 'ford', 'gate'];

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** Writes the synthetic city to `path` as OSM XML (streamed: nodes first, then ways, as OSM files are ordered). */
export function writeSyntheticCity(path: string, { size = 200, vertices = 8 }: { size?: number; vertices?: number } = {}): SyntheticCity {
  if (size > FIRST.length * SECOND.length) throw new Error(`--size at most ${FIRST.length * SECOND.length}`);
  const avenues = Array.from({ length: size }, (_, i) => `${ordinal(i + 1)} Avenue`);
  const streets = Array.from({ length: size }, (_, j) => `${FIRST[j % FIRST.length]}${SECOND[Math.floor(j / FIRST.length)]} Street`);
  const crossing = (i: number, j: number) => ({ lat: SOUTH + j * LAT_STEP, lng: WEST + i * LNG_STEP });
  const fd = openSync(path, 'w');
  let buffer: string[] = [];
  let buffered = 0;
  const write = (line: string) => {
    buffer.push(line);
    buffered += line.length;
    if (buffered > 1 << 20) flush();
  };
  const flush = () => {
    writeSync(fd, buffer.join(''));
    buffer = [];
    buffered = 0;
  };
  // Ids as large as today's OSM ids (past 2^32), so memory is measured with the ids real extracts have.
  let nextId = 11_000_000_000;
  let nodes = 0;
  let ways = 0;
  const node = (lat: number, lng: number, tags = ''): number => {
    const id = nextId++;
    nodes++;
    write(tags ? `  <node id="${id}" lat="${lat.toFixed(7)}" lon="${lng.toFixed(7)}">\n${tags}  </node>\n` : `  <node id="${id}" lat="${lat.toFixed(7)}" lon="${lng.toFixed(7)}"/>\n`);
    return id;
  };
  const tag = (k: string, v: string) => `    <tag k="${k}" v="${v}"/>\n`;
  const way = (refs: number[], tags: string) => {
    ways++;
    write(`  <way id="${nextId++}">\n${refs.map((ref) => `    <nd ref="${ref}"/>\n`).join('')}${tags}  </way>\n`);
  };

  write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="centinela-bench">\n');
  // Crossings first, so both streets use the same node.
  const at: number[] = [];
  for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) at[j * size + i] = node(crossing(i, j).lat, crossing(i, j).lng);
  // Shape nodes of each block, per avenue (then street), block by block.
  const shape = (from: { lat: number; lng: number }, to: { lat: number; lng: number }) =>
    Array.from({ length: vertices }, (_, k) => node(from.lat + ((k + 1) / (vertices + 1)) * (to.lat - from.lat), from.lng + ((k + 1) / (vertices + 1)) * (to.lng - from.lng)));
  const avenueShapes: number[][][] = avenues.map((_, i) => Array.from({ length: size - 1 }, (__, j) => shape(crossing(i, j), crossing(i, j + 1))));
  const streetShapes: number[][][] = streets.map((_, j) => Array.from({ length: size - 1 }, (__, i) => shape(crossing(i, j), crossing(i + 1, j))));
  // House numbers on both sides of every avenue block: odd on the west side, even on the east side.
  const ranges: Array<[number, number, string]> = [];
  avenues.forEach((avenue, i) => {
    for (let j = 0; j + 1 < size; j++) {
      const from = crossing(i, j);
      const to = crossing(i, j + 1);
      for (const [side, first, last] of [[-0.0001, 1, 99], [0.0001, 0, 98]] as const) {
        const base = 100 * (j + 1);
        const a = node(from.lat + 0.0001, from.lng + side, tag('addr:housenumber', String(base + first)) + tag('addr:street', avenue));
        const b = node(to.lat - 0.0001, to.lng + side, tag('addr:housenumber', String(base + last)) + tag('addr:street', avenue));
        ranges.push([a, b, first === 1 ? 'odd' : 'even']);
      }
    }
  });
  for (let k = 0; k < 6; k++) {
    node(SOUTH + (k + 0.5) * (size / 6) * LAT_STEP, WEST + (size / 2) * LNG_STEP, tag('place', 'neighbourhood') + tag('name', `${FIRST[k]}${SECOND[k]} Heights`));
  }
  node(SOUTH + (size / 2) * LAT_STEP, WEST + (size / 2) * LNG_STEP, tag('place', 'city') + tag('name', 'Synthetic City') + tag('alt_name', 'Synthville'));

  const splitWays = (name: string, crossings: number[], shapes: number[][]) => {
    for (let start = 0; start + 1 < crossings.length; start += WAY_BLOCKS) {
      const refs: number[] = [crossings[start]!];
      for (let b = start; b < Math.min(start + WAY_BLOCKS, crossings.length - 1); b++) refs.push(...shapes[b]!, crossings[b + 1]!);
      way(refs, tag('highway', 'residential') + tag('name', name));
    }
  };
  avenues.forEach((name, i) => splitWays(name, Array.from({ length: size }, (_, j) => at[j * size + i]!), avenueShapes[i]!));
  streets.forEach((name, j) => splitWays(name, Array.from({ length: size }, (_, i) => at[j * size + i]!), streetShapes[j]!));
  for (const [a, b, kind] of ranges) way([a, b], tag('addr:interpolation', kind));
  write('</osm>\n');
  flush();
  closeSync(fd);
  return { avenues, streets, crossing, nodes, ways };
}

/** A small deterministic generator, so every run asks the same questions. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function main(): void {
  const size = Number(flag('size') ?? 200);
  const vertices = Number(flag('vertices') ?? 10);
  const lookups = Number(flag('lookups') ?? 10_000);
  const keep = flag('keep');
  const dir = keep ? (mkdirSync(keep, { recursive: true }), keep) : mkdtempSync(join(tmpdir(), 'bench-streets-'));
  try {
    const xml = join(dir, 'city.osm');
    let started = performance.now();
    const city = writeSyntheticCity(xml, { size, vertices });
    console.log(`wrote ${city.nodes.toLocaleString('en')} nodes, ${city.ways.toLocaleString('en')} ways (${mb(statSync(xml).size)} MB XML) in ${seconds(started)} s`);
    let input = xml;
    if (!process.argv.includes('--xml')) {
      input = join(dir, 'city.osm.pbf');
      started = performance.now();
      execFileSync('osmium', ['cat', xml, '-o', input, '-O']);
      console.log(`converted to PBF with osmium (${mb(statSync(input).size)} MB) in ${seconds(started)} s`);
    }

    const out = join(dir, 'streets.json.gz');
    const script = fileURLToPath(new URL('../streets-import.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', script, input, '--out', out], { encoding: 'utf8', env: { ...process.env, DATABASE_PATH: join(dir, 'data', 'centinela.db') } });
    process.stdout.write(run.stdout);
    process.stderr.write(run.stderr);
    if (run.status !== 0) throw new Error(`streets:import exited with ${String(run.status)}`);

    const heapBefore = process.memoryUsage().heapUsed;
    started = performance.now();
    const index = readStreetIndexFile(out);
    if (!index) throw new Error('no index written');
    // Heap growth, garbage included: an upper bound of what the index adds to the app.
    console.log(`loaded the index in ${seconds(started)} s, heap +${mb(process.memoryUsage().heapUsed - heapBefore)} MB`);

    const next = random(42);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const rows: Array<Record<string, string | number>> = [];
    const time = (label: string, ask: () => boolean) => {
      const samples: number[] = [];
      let answered = 0;
      for (let n = 0; n < lookups; n++) {
        const t = performance.now();
        if (ask()) answered++;
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      const at = (p: number) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]!;
      rows.push({ lookup: label, count: lookups, answered, 'p50 ms': at(50).toFixed(3), 'p99 ms': at(99).toFixed(3), 'max ms': at(100).toFixed(2) });
    };
    time('intersection (crossing)', () => index.intersection(parseStreetName(pick(city.avenues)), parseStreetName(pick(city.streets))) !== null);
    time('intersection (parallel)', () => index.intersection(parseStreetName(pick(city.avenues)), parseStreetName(pick(city.avenues))) !== null);
    time('address', () => index.address(100 * (1 + Math.floor(next() * (size - 1))) + 1 + Math.floor(next() * 98), parseStreetName(pick(city.avenues))) !== null);
    time('nearest intersection', () => {
      const c = city.crossing(Math.floor(next() * size), Math.floor(next() * size));
      return index.nearestIntersection({ lat: c.lat + 0.0002, lng: c.lng - 0.0002 }, 150) !== null;
    });
    printTable(rows);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

// Not support.ts's helpers: importing it loads the whole system, and the parse bench imports this file for its city.
function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

function printTable(rows: Array<Record<string, string | number>>): void {
  const columns = Object.keys(rows[0] ?? {});
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padStart(widths[i]!)).join(' | ')} |`;
  console.log(line(columns));
  console.log(`|${widths.map((w) => '-'.repeat(w + 1) + ':').join('|')}|`);
  for (const row of rows) console.log(line(columns.map((c) => String(row[c]))));
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

if (isMain(import.meta.url)) main();
