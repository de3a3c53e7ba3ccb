// The report corpus (test/fixtures/reports/*.yaml, written by someone who never read the parser) read through the
// real offline pipeline: the fixture's places, its OSM extract imported into a street index, the city and ZIP
// gazetteers. Scores where, kind and language against issue #8's thresholds and prints what failed, to study.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { classifyKind, reportLanguage } from '../../src/domain/language.js';
import type { Location } from '../../src/domain/types.js';
import { createCityIndex } from '../../src/geo/cities.js';
import { distanceMeters } from '../../src/geo/distance.js';
import { buildPlaceIndex } from '../../src/geo/place-index.js';
import { type Gazetteers, type LocationReading, readLocation } from '../../src/geo/read-location.js';
import { readStreetIndexFile } from '../../src/geo/street-index.js';
import { addressPoint, AREAS, crossing, PLACES, STREETS } from '../fixtures/geo/city.js';
import { fixtureStreetsFile } from '../support/geography.js';

type Where =
  | { place: string }
  | { intersection: [string, string] }
  | { address: string }
  | { neighbourhood: string }
  | { city: string }
  | { zip: string }
  | { point: [number, number] };

interface Entry {
  text: string;
  language: 'en' | 'es' | 'tl' | 'other';
  kind: string;
  where: Where | null;
  alt?: Where[];
  note?: string;
  file: string;
}

const DIR = join(import.meta.dirname, '../fixtures/reports');
const PRECISE_METERS = 300;
// The network's region: the Mission, where the fixture network's committees are.
const REGION = { lat: 37.7599, lng: -122.4148 };

function loadCorpus(): Entry[] {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
  return files.flatMap((file) => (parse(readFileSync(join(DIR, file), 'utf8')) as Omit<Entry, 'file'>[]).map((e) => ({ ...e, file })));
}

/** Where the fixture geography says an expected answer is, for the 300 m check. */
function expectedPoints(where: Where, note: string | undefined): Array<{ lat: number; lng: number }> {
  const toPoint = ([lat, lng]: [number, number]) => ({ lat, lng });
  if ('place' in where) return PLACES.filter((p) => p.name === where.place).map((p) => ({ lat: p.lat, lng: p.lng }));
  if ('point' in where) return [toPoint(where.point)];
  if ('intersection' in where) {
    const [a, b] = where.intersection;
    const out: Array<{ lat: number; lng: number }> = [];
    for (const sa of STREETS.filter((s) => s.name === a)) {
      for (const sb of STREETS.filter((s) => s.name === b)) {
        const p = crossing(sa, sb);
        if (p) out.push(toPoint(p));
      }
    }
    return out;
  }
  if ('address' in where) {
    const match = /^(\d+) (.+)$/.exec(where.address);
    if (!match) return [];
    const daly = note?.includes('Daly City') ?? false;
    return STREETS.filter((s) => s.name === match[2])
      .filter((s) => (s.name !== 'Mission Street' ? true : daly === (s.points[0]![0] < 37.72)))
      .flatMap((s) => {
        const p = addressPoint(Number(match[1]), s);
        return p ? [toPoint(p)] : [];
      });
  }
  const name = 'neighbourhood' in where ? where.neighbourhood : 'city' in where ? where.city : null;
  if (name !== null) return AREAS.filter((a) => a.name === name).map((a) => ({ lat: a.lat, lng: a.lng }));
  return [];
}

function isRight(got: Location | null, where: Where, note: string | undefined): boolean {
  if (!got) return false;
  if ('zip' in where) return got.zip === where.zip;
  const name = 'neighbourhood' in where ? where.neighbourhood : 'city' in where ? where.city : null;
  if (name !== null && got.label === name) return true;
  return expectedPoints(where, note).some((p) => distanceMeters(p, got) <= PRECISE_METERS);
}

function describeWhere(where: Where | null): string {
  return where === null ? 'null' : JSON.stringify(where);
}

function describeGot(got: Location | null): string {
  return got ? `${got.precision} "${got.label}" (${got.lat.toFixed(4)}, ${got.lng.toFixed(4)}) from "${got.words ?? ''}"` : 'null';
}

interface Scored {
  entry: Entry;
  reading: LocationReading;
  whereRight: boolean | null;
  invented: boolean;
  kind: string;
  language: string;
}

const corpus = loadCorpus();
let scored: Scored[] = [];

function table(title: string, rows: Array<[string, number, number]>): string {
  const lines = rows.map(([label, right, total]) => `  ${label.padEnd(28)} ${String(right).padStart(4)} / ${String(total).padEnd(4)} ${total ? ((100 * right) / total).toFixed(1) : '-'} %`);
  return [title, ...lines].join('\n');
}

function perFile(field: (s: Scored) => boolean | null): Array<[string, number, number]> {
  const files = [...new Set(scored.map((s) => s.entry.file))];
  const rows = files.map((file): [string, number, number] => {
    const values = scored.filter((s) => s.entry.file === file).map(field).filter((v): v is boolean => v !== null);
    return [file, values.filter(Boolean).length, values.length];
  });
  const all = scored.map(field).filter((v): v is boolean => v !== null);
  return [...rows, ['all', all.filter(Boolean).length, all.length]];
}

function failures(field: (s: Scored) => boolean | null, show: (s: Scored) => string): string {
  const failed = scored.filter((s) => field(s) === false);
  return failed.map((s) => `  [${s.entry.file}] ${JSON.stringify(s.entry.text)}\n      ${show(s)}`).join('\n');
}

describe('report corpus (issue #8)', () => {
  beforeAll(async () => {
    const streets = readStreetIndexFile(await fixtureStreetsFile());
    if (!streets) throw new Error('fixture street index did not load');
    const gazetteers: Gazetteers = {
      places: buildPlaceIndex(PLACES.map((p, i) => ({ ...p, id: `place-${i}` }))),
      streets,
      cities: createCityIndex({ region: REGION, radiusKm: 150 }),
      region: REGION,
    };
    scored = corpus.map((entry) => {
      const reading = readLocation(entry.text, gazetteers);
      const answers = entry.where ? [entry.where, ...(entry.alt ?? [])] : [];
      const language = reportLanguage(entry.text).language;
      return {
        entry,
        reading,
        whereRight: entry.where ? answers.some((w) => isRight(reading.location, w, entry.note)) : null,
        invented: entry.where === null && reading.location !== null,
        kind: classifyKind(entry.text, reading.placeKind, reading.location?.words ?? null),
        language: language === 'en' || language === 'es' || language === 'tl' ? language : 'other',
      };
    });
  });

  it('has the corpus the issue asks for (at least 300 messages, with and without locations)', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(corpus.some((e) => e.where === null)).toBe(true);
  });

  it('item 1: reads the right location for at least 95% of the messages that name one', () => {
    const field = (s: Scored) => s.whereRight;
    console.log(table('location right (messages with a location)', perFile(field)));
    console.log(`location failures:\n${failures(field, (s) => `expected ${describeWhere(s.entry.where)}${s.entry.alt ? ` or ${s.entry.alt.map(describeWhere).join(' or ')}` : ''}\n      got ${describeGot(s.reading.location)}${s.reading.geocoderQuery ? ` (geocoder: ${s.reading.geocoderQuery})` : ''}`)}`);
    const values = scored.map(field).filter((v): v is boolean => v !== null);
    expect(values.filter(Boolean).length / values.length).toBeGreaterThanOrEqual(0.95);
  });

  it('item 1: invents no location for a message that has none', () => {
    const field = (s: Scored) => (s.entry.where === null ? !s.invented : null);
    console.log(table('nothing invented (messages without a location)', perFile(field)));
    console.log(`invented:\n${failures(field, (s) => `got ${describeGot(s.reading.location)}`)}`);
    expect(scored.filter((s) => s.invented).map((s) => s.entry.text)).toEqual([]);
  });

  it('item 7: reads the kind right for at least 90% of the messages', () => {
    const field = (s: Scored) => s.kind === s.entry.kind;
    console.log(table('kind right', perFile(field)));
    console.log(`kind failures:\n${failures(field, (s) => `expected ${s.entry.kind}, got ${s.kind}`)}`);
    const right = scored.filter(field).length;
    expect(right / scored.length).toBeGreaterThanOrEqual(0.9);
  });

  it('item 8: reads the language right for at least 95% of the messages', () => {
    const field = (s: Scored) => s.language === s.entry.language;
    console.log(table('language right', perFile(field)));
    console.log(`language failures:\n${failures(field, (s) => `expected ${s.entry.language}, got ${s.language}`)}`);
    const right = scored.filter(field).length;
    expect(right / scored.length).toBeGreaterThanOrEqual(0.95);
  });
});
