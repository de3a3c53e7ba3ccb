import { describe, expect, it } from 'vitest';
import type { Area, Position } from '../../../src/domain/types.js';
import { areaSchema } from '../../../src/geo/areas.js';
import { isKnownZip } from '../../../src/geo/zips.js';

/** Messages of a rejected input; fails the test if the input was accepted. */
function rejectionMessages(input: unknown): string[] {
  const result = areaSchema.safeParse(input);
  expect(result.success, `expected ${JSON.stringify(input).slice(0, 200)} to be rejected`).toBe(false);
  return result.error?.issues.map((issue) => issue.message) ?? [];
}

function knownZips(count: number): string[] {
  const zips: string[] = [];
  for (let n = 0; n <= 99_999 && zips.length < count; n += 1) {
    const zip = String(n).padStart(5, '0');
    if (isKnownZip(zip)) zips.push(zip);
  }
  return zips;
}

const square: Position[] = [
  [-122.5, 37.7],
  [-122.4, 37.7],
  [-122.4, 37.8],
  [-122.5, 37.8],
  [-122.5, 37.7],
];

describe('areaSchema accepts', () => {
  it('a ZIP list, deduplicated in order', () => {
    const area: Area = areaSchema.parse({ type: 'zips', zips: ['94110', '10001', '94110'] });
    expect(area).toEqual({ type: 'zips', zips: ['94110', '10001'] });
  });

  it('a circle, dropping unknown keys', () => {
    const area = areaSchema.parse({ type: 'circle', center: { lat: 37.75, lng: -122.41 }, radiusMeters: 200_000, x: 1 });
    expect(area).toEqual({ type: 'circle', center: { lat: 37.75, lng: -122.41 }, radiusMeters: 200_000 });
  });

  it('a Polygon with a hole', () => {
    const hole: Position[] = [
      [-122.45, 37.74],
      [-122.44, 37.74],
      [-122.44, 37.75],
      [-122.45, 37.74],
    ];
    const input = { type: 'polygon', geojson: { type: 'Polygon', coordinates: [square, hole] } };
    expect(areaSchema.parse(input)).toEqual(input);
  });

  it('a MultiPolygon, dropping altitudes from positions', () => {
    const withAltitude = square.map(([lng, lat]) => [lng, lat, 12.5]);
    const area = areaSchema.parse({ type: 'polygon', geojson: { type: 'MultiPolygon', coordinates: [[square], [withAltitude]] } });
    expect(area).toEqual({ type: 'polygon', geojson: { type: 'MultiPolygon', coordinates: [[square], [square]] } });
  });

  it('exactly 2000 ZIPs', () => {
    expect(areaSchema.safeParse({ type: 'zips', zips: knownZips(2000) }).success).toBe(true);
  });
});

describe('areaSchema rejects', () => {
  it('an unknown area type', () => {
    expect(rejectionMessages({ type: 'square', side: 3 })).toContain('area type must be "zips", "circle" or "polygon"');
    rejectionMessages({ zips: ['94110'] });
    rejectionMessages(null);
  });

  it('a ZIP that is not in the gazetteer', () => {
    expect(rejectionMessages({ type: 'zips', zips: ['94110', '00000'] })).toEqual(['unknown ZIP code 00000']);
  });

  it('a ZIP that is not exactly 5 digits, with a single message', () => {
    for (const zip of ['9411', '941100', '94110-1234', ' 94110', 'abcde']) {
      expect(rejectionMessages({ type: 'zips', zips: [zip] }), zip).toEqual(['a ZIP code is exactly 5 digits']);
    }
    rejectionMessages({ type: 'zips', zips: [94110] });
  });

  it('an empty ZIP list', () => {
    expect(rejectionMessages({ type: 'zips', zips: [] })).toContain('list at least one ZIP code');
  });

  it('more than 2000 ZIPs', () => {
    expect(rejectionMessages({ type: 'zips', zips: knownZips(2001) })).toContain('list at most 2000 ZIP codes');
  });

  it('a circle with a latitude or longitude out of range', () => {
    expect(rejectionMessages({ type: 'circle', center: { lat: 91, lng: 0 }, radiusMeters: 10 })).toContain(
      'latitude must be between -90 and 90',
    );
    expect(rejectionMessages({ type: 'circle', center: { lat: 0, lng: -180.5 }, radiusMeters: 10 })).toContain(
      'longitude must be between -180 and 180',
    );
    rejectionMessages({ type: 'circle', center: { lat: '37.7', lng: -122 }, radiusMeters: 10 });
    rejectionMessages({ type: 'circle', center: { lat: Number.NaN, lng: -122 }, radiusMeters: 10 });
  });

  it('a circle radius that is not positive or exceeds 200 km', () => {
    const center = { lat: 37.75, lng: -122.41 };
    expect(rejectionMessages({ type: 'circle', center, radiusMeters: 0 })).toContain('radiusMeters must be greater than 0');
    rejectionMessages({ type: 'circle', center, radiusMeters: -5 });
    expect(rejectionMessages({ type: 'circle', center, radiusMeters: 200_001 })).toContain('radiusMeters must be at most 200000');
    rejectionMessages({ type: 'circle', center, radiusMeters: Infinity });
  });

  it('a ring that is not closed', () => {
    const open = square.slice(0, 4).concat([[-122.5, 37.75]]);
    expect(rejectionMessages({ type: 'polygon', geojson: { type: 'Polygon', coordinates: [open] } })).toContain(
      'a ring must be closed: its last position must equal its first',
    );
  });

  it('a ring closed in one coordinate only', () => {
    const almost = square.slice(0, 4).concat([[-122.5, 37.8]]);
    rejectionMessages({ type: 'polygon', geojson: { type: 'Polygon', coordinates: [almost] } });
  });

  it('a ring with fewer than 4 positions', () => {
    const triangle = [square[0], square[1], square[0]];
    expect(rejectionMessages({ type: 'polygon', geojson: { type: 'Polygon', coordinates: [triangle] } })).toContain(
      'a ring needs at least 4 positions',
    );
  });

  it('positions given as [lat, lng]', () => {
    const swapped = square.map(([lng, lat]) => [lat, lng]);
    expect(rejectionMessages({ type: 'polygon', geojson: { type: 'Polygon', coordinates: [swapped] } })).toContain(
      'latitude must be between -90 and 90',
    );
  });

  it('malformed geometries', () => {
    expect(rejectionMessages({ type: 'polygon', geojson: { type: 'Point', coordinates: [-122.4, 37.7] } })).toContain(
      'geojson must be a GeoJSON Polygon or MultiPolygon geometry',
    );
    rejectionMessages({ type: 'polygon', geojson: { type: 'Polygon', coordinates: [] } });
    rejectionMessages({ type: 'polygon', geojson: { type: 'MultiPolygon', coordinates: [square] } });
    rejectionMessages({ type: 'polygon', geojson: { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square] } } });
  });

  it('a polygon with more than 10000 positions in total', () => {
    // Each ring is valid on its own; only the total is too big.
    const ring = Array.from({ length: 2000 }, (_, i): Position => [-122 + i / 10_000, 37]);
    ring.push([-122, 37.5], [-122, 37]);
    const geojson = { type: 'MultiPolygon', coordinates: [[ring, ring], [ring, ring], [ring]] };
    expect(rejectionMessages({ type: 'polygon', geojson })).toContain('a polygon may have at most 10000 positions');
    expect(areaSchema.safeParse({ type: 'polygon', geojson: { type: 'MultiPolygon', coordinates: [[ring, ring]] } }).success).toBe(true);
  });
});
