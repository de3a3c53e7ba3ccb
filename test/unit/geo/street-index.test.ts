// The offline street index (issue 8, item 2): the tests' own OSM extract (test/fixtures/geo/city.ts) imported the
// way `npm run streets:import` does, then asked what a report's words would ask.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatLng } from '../../../src/domain/types.js';
import { distanceMeters } from '../../../src/geo/distance.js';
import type { StreetIndex } from '../../../src/geo/lookup.js';
import { abbreviateStreetName, parseStreetName } from '../../../src/geo/names.js';
import { importOsm, OsmFileError } from '../../../src/geo/osm-import.js';
import { loadStreetIndex, readStreetIndexFile, type StreetIndexData, writeStreetIndexFile } from '../../../src/geo/street-index.js';
import { addressPoint, AREAS, crossing, osmXml, type Street, STREETS, streetNamed } from '../../fixtures/geo/city.js';

const at = ([lat, lng]: [number, number]): LatLng => ({ lat, lng });
const q = parseStreetName;

/** Meters between two fixture streets at their closest (straight segments, a flat projection: fine at this scale). */
function gapMeters(a: Street, b: Street): number {
  const cos = Math.cos((a.points[0]![0] * Math.PI) / 180);
  const xy = ([lat, lng]: [number, number]) => [lng * cos * 111_195, lat * 111_195] as const;
  const toSegment = (p: readonly [number, number], s: readonly [number, number], e: readonly [number, number]) => {
    const [dx, dy] = [e[0] - s[0], e[1] - s[1]];
    const t = Math.max(0, Math.min(1, ((p[0] - s[0]) * dx + (p[1] - s[1]) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(p[0] - (s[0] + t * dx), p[1] - (s[1] + t * dy));
  };
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i + 1 < a.points.length; i++) {
    for (let j = 0; j + 1 < b.points.length; j++) {
      const [a1, a2, b1, b2] = [xy(a.points[i]!), xy(a.points[i + 1]!), xy(b.points[j]!), xy(b.points[j + 1]!)];
      best = Math.min(best, toSegment(a1, b1, b2), toSegment(a2, b1, b2), toSegment(b1, a1, a2), toSegment(b2, a1, a2));
    }
  }
  return best;
}

let dir: string;
let xmlPath: string;
let data: StreetIndexData;
let index: StreetIndex;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'centinela-streets-'));
  xmlPath = join(dir, 'city.osm');
  writeFileSync(xmlPath, osmXml());
  data = await importOsm(xmlPath);
  index = loadStreetIndex(data);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('street index: intersections', () => {
  it('item 2: every pair of fixture streets that cross resolves within 30 m of the crossing, named "A St & B Ave"', () => {
    let pairs = 0;
    for (const [i, a] of STREETS.entries()) {
      for (const b of STREETS.slice(i + 1)) {
        const where = crossing(a, b);
        if (!where) continue;
        pairs++;
        for (const [first, second] of [[a, b], [b, a]] as const) {
          const found = index.intersection(q(first.name), q(second.name));
          expect(found, `${first.name} & ${second.name}`).not.toBeNull();
          expect(distanceMeters(found!, at(where)), `${first.name} & ${second.name}`).toBeLessThan(30);
          expect(found!.name).toBe(`${abbreviateStreetName(first.name)} & ${abbreviateStreetName(second.name)}`);
        }
      }
    }
    // 14 × 12 in the Mission, plus Bayview, Daly City and Fruitvale crossings.
    expect(pairs).toBeGreaterThan(14 * 12);
    expect(index.intersection(q('Cesar Chavez Street'), q('Bryant Street'))?.name).toBe('Cesar Chavez St & Bryant St');
  });

  it('item 2: a street that does not exist resolves to nothing', () => {
    expect(index.intersection(q('Nowhere Street'), q('Mission Street'))).toBeNull();
    expect(index.intersection(q('Mission Street'), q('Nowhere Street'))).toBeNull();
    expect(index.intersection(q('Folsom'), q('99th Street'))).toBeNull();
    expect(index.address(2440, q('Nowhere Street'))).toBeNull();
    expect(index.street(q('Nowhere Street'))).toBeNull();
    expect(index.keys.has('nowhere')).toBe(false);
  });

  it('item 2: two streets that do not cross do not meet (unless they pass within 60 m)', () => {
    const names = [...new Set(STREETS.map((s) => s.name))];
    let checked = 0;
    for (const [i, a] of names.entries()) {
      for (const b of names.slice(i + 1)) {
        const as = STREETS.filter((s) => s.name === a);
        const bs = STREETS.filter((s) => s.name === b);
        if (as.some((x) => bs.some((y) => crossing(x, y)))) continue;
        const gap = Math.min(...as.flatMap((x) => bs.map((y) => gapMeters(x, y))));
        const found = index.intersection(q(a), q(b));
        if (gap > 65) {
          expect(found, `${a} & ${b} are ${gap.toFixed(0)} m apart`).toBeNull();
          checked++;
        } else if (gap < 55) expect(found, `${a} & ${b} are ${gap.toFixed(0)} m apart`).not.toBeNull();
      }
    }
    expect(checked).toBeGreaterThan(100);
    // Parallel neighbours 70 m apart are not a corner.
    expect(index.intersection(q('Treat Avenue'), q('Harrison Street'))).toBeNull();
  });

  it('item 2: "24th St", "24th Street", "24", "la 24", "calle 24", "veinticuatro" and "twenty fourth" are one street', () => {
    const where = at(crossing(streetNamed('24th Street')!, streetNamed('Folsom Street')!)!);
    for (const name of ['24th St', '24th Street', '24', 'la 24', 'calle 24', 'veinticuatro', 'twenty fourth', 'Twenty-Fourth St', '24TH ST.']) {
      const found = index.intersection(q(name), q('folsom'));
      expect(found, name).not.toBeNull();
      expect(distanceMeters(found!, where), name).toBeLessThan(30);
    }
    for (const key of ['24', 'cesar chavez', 'south van ness', 'mission', 'international', q('East 12th Street').key]) expect(index.keys.has(key), key).toBe(true);
    // Old names find the street by its current name.
    expect(index.keys.has('army')).toBe(true);
    expect(index.intersection(q('Army St'), q('Bryant St'))?.name).toBe('Cesar Chavez St & Bryant St');
  });

  it('item 2: Mission St & Geneva Ave resolves in Daly City, Mission St & 24th St in San Francisco', () => {
    const dalyCity = at(crossing(streetNamed('Mission Street', [37.71, -122.45])!, streetNamed('Geneva Avenue')!)!);
    const sf = at(crossing(streetNamed('Mission Street', [37.75, -122.42])!, streetNamed('24th Street')!)!);
    for (const near of [undefined, null, { lat: 37.7793, lng: -122.4193 }, { lat: 37.6879, lng: -122.4702 }]) {
      expect(distanceMeters(index.intersection(q('Mission St'), q('Geneva Ave'), near)!, dalyCity)).toBeLessThan(30);
      expect(distanceMeters(index.intersection(q('Mission St'), q('24th St'), near)!, sf)).toBeLessThan(30);
    }
    expect(index.intersection(q('Mission St'), q('Geneva Ave'))?.name).toBe('Mission St & Geneva Ave');
  });
});

describe('street index: streets, addresses, areas', () => {
  it('item 2: labels shorten the street type the way signs do, and leave other names alone', () => {
    expect(abbreviateStreetName('Cesar Chavez Street')).toBe('Cesar Chavez St');
    expect(abbreviateStreetName('Hillside Boulevard')).toBe('Hillside Blvd');
    expect(abbreviateStreetName('South Van Ness  Avenue')).toBe('South Van Ness Ave');
    expect(abbreviateStreetName('Mission St.')).toBe('Mission St');
    for (const name of ['Broadway', 'The Embarcadero', 'Calle 24', 'El Camino Real', 'Street']) expect(abbreviateStreetName(name)).toBe(name);
  });

  it('item 2: a street named alone is its middle and length, in the town nearest the report', () => {
    const valencia = streetNamed('Valencia Street')!;
    const [[lat1, lng1], [lat2, lng2]] = [valencia.points[0]!, valencia.points[valencia.points.length - 1]!];
    const found = index.street(q('Valencia St'))!;
    expect(found.name).toBe('Valencia St');
    expect(distanceMeters(found, { lat: (lat1 + lat2) / 2, lng: (lng1 + lng2) / 2 })).toBeLessThan(20);
    expect(found.lengthMeters / distanceMeters(at(valencia.points[0]!), at(valencia.points[1]!))).toBeCloseTo(1, 1);

    const inDalyCity = index.street(q('Mission'), { lat: 37.6879, lng: -122.4702 })!;
    const inSf = index.street(q('Mission'), { lat: 37.7793, lng: -122.4193 })!;
    expect(inDalyCity.lat).toBeLessThan(37.72);
    expect(inSf.lat).toBeGreaterThan(37.74);
  });

  it('item 2: house numbers interpolate within 30 m of where they are, and never outside their range', () => {
    const numbered = STREETS.filter((s) => s.numbers);
    expect(numbered.length).toBeGreaterThanOrEqual(5);
    for (const street of numbered) {
      const [from, to] = street.numbers!;
      const near = at(street.points[0]!);
      for (let k = 0; k <= 10; k++) {
        const number = Math.round(from + ((to - from) * k) / 10);
        const found = index.address(number, q(street.name), near);
        expect(found, `${number} ${street.name}`).not.toBeNull();
        expect(distanceMeters(found!, at(addressPoint(number, street)!)), `${number} ${street.name}`).toBeLessThan(30);
        expect(found!.name).toBe(`${number} ${abbreviateStreetName(street.name)}`);
      }
      const others = STREETS.filter((s) => s !== street && s.numbers && parseStreetName(s.name).key === parseStreetName(street.name).key);
      for (const outside of [Math.min(from, to) - 1, Math.max(from, to) + 1]) {
        if (others.some((s) => outside >= Math.min(...s.numbers!) && outside <= Math.max(...s.numbers!))) continue;
        expect(index.address(outside, q(street.name), near), `${outside} ${street.name}`).toBeNull();
      }
    }
    // The same number on Mission St exists once, in Daly City; 2440 only in San Francisco.
    expect(index.address(6500, q('Mission St'), { lat: 37.7793, lng: -122.4193 })!.lat).toBeLessThan(37.72);
    expect(index.address(2440, q('Mission Street'))!.lat).toBeGreaterThan(37.74);
    expect(index.address(0, q('Mission Street'))).toBeNull();
  });

  it('item 2: neighbourhoods and cities are there with their other names', () => {
    expect(index.areas).toHaveLength(AREAS.length);
    for (const area of AREAS) {
      const found = index.areas.find((a) => a.name === area.name);
      expect(found, area.name).toBeDefined();
      expect(found!.kind).toBe(area.place === 'city' || area.place === 'town' ? 'city' : 'neighbourhood');
      expect(found!.names).toEqual([area.name, ...(area.altNames ?? [])]);
      expect(distanceMeters(found!, area)).toBeLessThan(1);
    }
    expect(index.areas.find((a) => a.name === 'Mission District')?.names).toEqual(['Mission District', 'The Mission', 'La Misión']);
  });

  it('item 2: a map pin is named by the nearest intersection within the distance asked', () => {
    const corner = at(crossing(streetNamed('24th Street')!, streetNamed('Folsom Street')!)!);
    const pin = { lat: corner.lat + 0.0001, lng: corner.lng + 0.0001 };
    expect(index.nearestIntersection(pin, 50)).toEqual({ ...corner, name: '24th St & Folsom St' });
    expect(index.nearestIntersection({ lat: 37.9, lng: -122.6 }, 150)).toBeNull();
  });
});

describe('street index: what real extracts have', () => {
  // A second extract: both a 24th Street and a 24th Avenue; a street that stops short of another.
  const extra: Street[] = [
    { name: '24th Street', points: [[37.8, -122.3], [37.8, -122.29]] },
    { name: '24th Avenue', points: [[37.81, -122.3], [37.81, -122.29]] },
    { name: 'Main Street', points: [[37.795, -122.295], [37.815, -122.295]] },
    { name: 'Alpha Street', points: [[37.9, -122.3], [37.9, -122.28]] },
    { name: 'Beta Avenue', points: [[37.89, -122.29], [37.9 - 0.0003, -122.29]] }, // 33 m short of Alpha
    { name: 'Gamma Avenue', points: [[37.89, -122.285], [37.9 - 0.001, -122.285]] }, // 111 m short
    // A divided road: two ways 22 m apart, no shared node.
    { name: 'Delta Boulevard', points: [[37.92, -122.3], [37.92, -122.29]] },
    { name: 'Delta Boulevard', points: [[37.9202, -122.29], [37.9202, -122.3]] },
  ];
  let otherData: StreetIndexData;
  let other: StreetIndex;
  beforeAll(async () => {
    const path = join(dir, 'extra.osm');
    writeFileSync(path, osmXml(extra, []));
    otherData = await importOsm(path);
    other = loadStreetIndex(otherData);
  });

  it('item 2: ways of one name close together are one street; the same name in another town is another', () => {
    expect(otherData.streets.filter((s) => s.name === 'Delta Boulevard')).toHaveLength(1);
    expect(other.street(q('Delta Blvd'))?.lat).toBeCloseTo(37.9201, 3);
    expect(data.streets.filter((s) => s.name === 'Mission Street')).toHaveLength(2);
    // Each street's ways are joined end to end: the fixture splits every street in two ways.
    expect(data.streets.find((s) => s.name === 'Valencia Street')?.lines).toHaveLength(1);
  });

  it('item 2: a street type in the question picks that street when both exist; without one, the nearest', () => {
    const street = { lat: 37.8, lng: -122.295 };
    const avenue = { lat: 37.81, lng: -122.295 };
    expect(distanceMeters(other.intersection(q('24th Ave'), q('Main St'))!, avenue)).toBeLessThan(5);
    expect(distanceMeters(other.intersection(q('24th Ave'), q('Main St'), street)!, avenue)).toBeLessThan(5);
    expect(distanceMeters(other.intersection(q('24th St'), q('Main St'), avenue)!, street)).toBeLessThan(5);
    expect(distanceMeters(other.intersection(q('calle 24'), q('Main'), avenue)!, street)).toBeLessThan(5);
    expect(distanceMeters(other.intersection(q('24'), q('Main'), avenue)!, avenue)).toBeLessThan(5);
    expect(distanceMeters(other.intersection(q('24'), q('Main'), street)!, street)).toBeLessThan(5);
    expect(other.intersection(q('24th Ave'), q('Main St'))?.name).toBe('24th Ave & Main St');
    // Only an avenue by that name in the fixture: "35th St" still finds 35th Avenue.
    expect(index.intersection(q('35th St'), q('International Blvd'))?.name).toBe('35th Ave & International Blvd');
  });

  it('item 2: streets that come within 60 m without a shared node meet there; farther apart they do not', () => {
    const found = other.intersection(q('Beta Ave'), q('Alpha St'));
    expect(found).not.toBeNull();
    expect(distanceMeters(found!, { lat: 37.9, lng: -122.29 })).toBeLessThan(30);
    expect(found!.name).toBe('Beta Ave & Alpha St');
    expect(other.intersection(q('Gamma Ave'), q('Alpha St'))).toBeNull();
  });

  it('item 2: address points on nodes and buildings win over ranges; odd and even sides keep their parity', async () => {
    const path = join(dir, 'addresses.osm');
    writeFileSync(
      path,
      `<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
  <node id="1" lat="37.9500000" lon="-122.3000000"/>
  <node id="2" lat="37.9500000" lon="-122.2900000"/>
  <node id="10" lat="37.9502000" lon="-122.2951000"/>
  <node id="11" lat="37.9502000" lon="-122.2949000"/>
  <node id="12" lat="37.9504000" lon="-122.2949000"/>
  <node id="13" lat="37.9504000" lon="-122.2951000"/>
  <node id="20" lat="37.9501000" lon="-122.3000000"><tag k="addr:housenumber" v="101"/><tag k="addr:street" v="Oak Street"/></node>
  <node id="21" lat="37.9501000" lon="-122.2900000"><tag k="addr:housenumber" v="199"/><tag k="addr:street" v="Oak Street"/></node>
  <node id="22" lat="37.9499000" lon="-122.3000000"><tag k="addr:housenumber" v="100"/></node>
  <node id="23" lat="37.9499000" lon="-122.2900000"><tag k="addr:housenumber" v="198"/></node>
  <node id="30" lat="37.9499500" lon="-122.2960000"><tag k="addr:housenumber" v="120B"/><tag k="addr:street" v="Oak St"/></node>
  <node id="40" lat="37.9510000" lon="-122.2950000"><tag k="place" v="suburb"/><tag k="name" v="Oakridge"/><tag k="old_name" v="Robles;Los Robles"/></node>
  <way id="100"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/><tag k="name" v="Oak Street"/><tag k="name:es" v="Calle Roble"/></way>
  <way id="101"><nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="10"/><tag k="building" v="yes"/><tag k="addr:housenumber" v="150"/><tag k="addr:street" v="Oak Street"/></way>
  <way id="102"><nd ref="20"/><nd ref="21"/><tag k="addr:interpolation" v="odd"/></way>
  <way id="103"><nd ref="22"/><nd ref="23"/><tag k="addr:interpolation" v="even"/><tag k="addr:street" v="Oak Street"/></way>
</osm>
`,
    );
    const oak = loadStreetIndex(await importOsm(path));
    expect(oak.address(150, q('Oak St'))).toEqual({ lat: 37.9503, lng: -122.295, name: '150 Oak St' });
    expect(oak.address(120, q('Oak St'))).toEqual({ lat: 37.94995, lng: -122.296, name: '120 Oak St' });
    const odd = oak.address(151, q('Oak St'))!;
    expect(odd.lat).toBe(37.9501);
    expect(distanceMeters(odd, { lat: 37.9501, lng: -122.3 + (0.01 * 50) / 98 })).toBeLessThan(1);
    expect(oak.address(152, q('Oak St'))!.lat).toBe(37.9499);
    expect(oak.address(99, q('Oak St'))).toBeNull();
    expect(oak.address(200, q('Oak St'))).toBeNull();
    expect(oak.keys.has('roble')).toBe(true);
    expect(oak.areas).toEqual([{ name: 'Oakridge', names: ['Oakridge', 'Robles', 'Los Robles'], kind: 'neighbourhood', lat: 37.951, lng: -122.295 }]);
  });

  it('item 2: a PBF extract (converted with osmium) imports exactly as its XML', async () => {
    const pbf = join(dir, 'city.osm.pbf');
    execFileSync('osmium', ['cat', xmlPath, '-o', pbf, '-O']);
    expect(readFileSync(pbf).subarray(0, 16).includes('OSMHeader')).toBe(true);
    expect(await importOsm(pbf)).toEqual(data);
  });
});

describe('street index: files', () => {
  it('item 2: the index is written whole as gzip JSON and read back; no file means no index', () => {
    const path = join(dir, 'data', 'streets.json.gz');
    writeStreetIndexFile(path, data);
    expect(readFileSync(path).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    const read = readStreetIndexFile(path)!;
    expect(read.intersection(q('24th St'), q('Folsom St'))).toEqual(index.intersection(q('24th St'), q('Folsom St')));
    const plain = join(dir, 'streets.json');
    writeStreetIndexFile(plain, data);
    expect(JSON.parse(readFileSync(plain, 'utf8'))).toEqual(data);
    expect(readStreetIndexFile(plain)?.keys).toEqual(index.keys);
    expect(readStreetIndexFile(join(dir, 'missing.json.gz'))).toBeNull();
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ ...data, version: 0 }));
    expect(() => readStreetIndexFile(join(dir, 'old.json'))).toThrow(/streets:import/);
  });

  it('item 2: a missing, empty, garbage or cut-short file is refused with a one-line reason', async () => {
    const pbf = join(dir, 'whole.osm.pbf');
    execFileSync('osmium', ['cat', xmlPath, '-o', pbf, '-O']);
    const files: Record<string, string | Buffer> = {
      'empty.osm': '',
      'garbage.osm.pbf': 'this is not a map\n'.repeat(50),
      'cut.osm': osmXml().slice(0, 20_000),
      'cut.osm.pbf': readFileSync(pbf).subarray(0, 900),
      'page.osm': '<!DOCTYPE html><html><body>404</body></html>',
    };
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    for (const name of [...Object.keys(files), 'missing.osm']) {
      const error = await importOsm(join(dir, name)).then(() => null, (e: unknown) => e);
      expect(error, name).toBeInstanceOf(OsmFileError);
      expect((error as Error).message, name).toContain(join(dir, name));
      expect((error as Error).message, name).not.toContain('\n');
    }
  });
});
