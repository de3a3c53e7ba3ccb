// Parse bench: the offline location reading of every corpus message (test/fixtures/reports) with the network's
// places grown to 5,000, timed per message.
//
//   NODE_OPTIONS=--expose-gc tsx scripts/bench/parse.ts [--places 5000] [--size 200] [--rounds 20] [--write]
//
// Two street indexes: the tests' own extract (test/fixtures/geo/city.ts), where the corpus's streets resolve, and a
// synthetic city of --size × --size streets (scripts/bench/street-index.ts), for a city-size key set. Prints p50,
// p99 and max per message; --write appends the results to docs/BENCHMARKS.md.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { IncidentKind } from '../../src/domain/types.js';
import { createCityIndex } from '../../src/geo/cities.js';
import type { Place, StreetIndex } from '../../src/geo/lookup.js';
import { importOsm } from '../../src/geo/osm-import.js';
import { buildPlaceIndex } from '../../src/geo/place-index.js';
import { type Gazetteers, readLocation } from '../../src/geo/read-location.js';
import { loadStreetIndex } from '../../src/geo/street-index.js';
import { osmXml, PLACES } from '../../test/fixtures/geo/city.js';
import { flag, numberFlag } from './support.js';
import { writeSyntheticCity } from './street-index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REGION = { lat: 37.7599, lng: -122.4148 };

function corpus(): string[] {
  const dir = join(ROOT, 'test/fixtures/reports');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => (parse(readFileSync(join(dir, f), 'utf8')) as Array<{ text: string }>).map((e) => e.text));
}

/** The fixture's places plus synthetic ones with names and aliases like a network's: "Rosewood Market", "la tienda Rosewood". */
function places(count: number): Place[] {
  const out: Place[] = PLACES.map((p, i) => ({ ...p, id: `fixture-${i}` }));
  const first = ['Rose', 'Oak', 'Pine', 'Maple', 'Cedar', 'Elm', 'Birch', 'Willow', 'Aspen', 'Holly', 'Laurel', 'Juniper', 'Sequoia', 'Magnolia', 'Cypress'];
  const second = ['wood', 'field', 'dale', 'view', 'crest', 'brook', 'haven', 'ridge', 'gate', 'park'];
  const types: Array<[string, string, IncidentKind]> = [
    ['Market', 'mercado', 'worksite'], ['Elementary School', 'escuela', 'school'], ['Car Wash', 'car wash', 'worksite'],
    ['Church', 'iglesia', 'other'], ['Bakery', 'panaderia', 'worksite'], ['Warehouse', 'bodega', 'worksite'],
    ['Academy', 'academia', 'school'], ['Laundromat', 'lavanderia', 'other'],
  ];
  for (let i = 0; out.length < count; i++) {
    const name = `${first[i % first.length]}${second[Math.floor(i / first.length) % second.length]}`;
    const [type, spanish, kind] = types[i % types.length]!;
    const n = Math.floor(i / (first.length * second.length));
    out.push({
      id: `synthetic-${i}`,
      name: `${name} ${type}${n ? ` ${n}` : ''}`,
      aliases: [`${spanish} ${name}${n ? ` ${n}` : ''}`],
      lat: 37.7 + (i % 100) * 0.001,
      lng: -122.45 + Math.floor(i / 100) * 0.001,
      kind,
    });
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function time(label: string, texts: string[], gazetteers: Gazetteers, rounds: number) {
  for (const text of texts) readLocation(text, gazetteers); // warm up: JIT, lazily built vocabularies
  // The imports above leave hundreds of MB of garbage; collect it now (with --expose-gc) rather than mid-timing.
  (globalThis as { gc?: () => void }).gc?.();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const text of texts) {
      const start = process.hrtime.bigint();
      readLocation(text, gazetteers);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  samples.sort((a, b) => a - b);
  const row = { label, messages: texts.length, samples: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1]! };
  console.log(`${label}: p50 ${row.p50.toFixed(3)} ms, p99 ${row.p99.toFixed(3)} ms, max ${row.max.toFixed(3)} ms (${row.samples} readings)`);
  return row;
}

async function importXml(xml: string | ((path: string) => void)): Promise<{ index: StreetIndex; seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'centinela-parse-bench-'));
  try {
    const path = join(dir, 'extract.osm');
    if (typeof xml === 'string') writeFileSync(path, xml);
    else xml(path);
    const start = performance.now();
    const index = loadStreetIndex(await importOsm(path));
    return { index, seconds: (performance.now() - start) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const placeCount = numberFlag('places', 5000);
  const size = numberFlag('size', 200);
  const rounds = numberFlag('rounds', 20);
  const texts = corpus();

  let start = performance.now();
  const placeIndex = buildPlaceIndex(places(placeCount));
  const placesMs = performance.now() - start;
  start = performance.now();
  const cities = createCityIndex({ region: REGION, radiusKm: 150 });
  const citiesMs = performance.now() - start;
  console.log(`${texts.length} corpus messages; ${placeIndex.size} places indexed in ${placesMs.toFixed(0)} ms; city gazetteer ${cities.size} towns in ${citiesMs.toFixed(0)} ms`);

  const fixture = await importXml(osmXml());
  const synthetic = await importXml((path) => writeSyntheticCity(path, { size, vertices: 2 }));
  console.log(`synthetic city: ${synthetic.index.keys.size} street names, imported in ${synthetic.seconds.toFixed(1)} s`);

  const rows = [
    time('fixture streets', texts, { places: placeIndex, streets: fixture.index, cities, region: REGION }, rounds),
    time(`synthetic city (${size}×${size} streets)`, texts, { places: placeIndex, streets: synthetic.index, cities, region: REGION }, rounds),
    time('no street index', texts, { places: placeIndex, streets: null, cities, region: REGION }, rounds),
  ];

  if (flag('write') !== undefined || process.argv.includes('--write')) {
    const date = new Date().toISOString().slice(0, 10);
    const lines = [
      '',
      `## Report parsing (offline location reading), ${date}`,
      '',
      `\`NODE_OPTIONS=--expose-gc tsx scripts/bench/parse.ts --places ${placeCount} --size ${size} --rounds ${rounds}\` on ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}: every`,
      `message of the corpus (${texts.length}) read by \`readLocation\` ${rounds} times after a warm-up pass, with ${placeIndex.size} network places`,
      `(indexed in ${placesMs.toFixed(0)} ms) and the city gazetteer of the region (${cities.size} towns, first load ${citiesMs.toFixed(0)} ms). Target: p50 < 1 ms, p99 < 10 ms.`,
      '',
      '| street index | p50 | p99 | max |',
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.label} | ${r.p50.toFixed(3)} ms | ${r.p99.toFixed(3)} ms | ${r.max.toFixed(2)} ms |`),
      '',
    ];
    appendFileSync(join(ROOT, 'docs/BENCHMARKS.md'), lines.join('\n'));
    console.log('appended to docs/BENCHMARKS.md');
  }
}

await main();
