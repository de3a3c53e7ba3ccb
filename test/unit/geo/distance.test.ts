import { describe, expect, it } from 'vitest';
import { distanceMeters } from '../../../src/geo/distance.js';

const sanFrancisco = { lat: 37.750021, lng: -122.415201 };
const manhattan = { lat: 40.75065, lng: -73.997293 };

describe('distanceMeters', () => {
  it('is zero from a point to itself', () => {
    expect(distanceMeters(sanFrancisco, sanFrancisco)).toBe(0);
  });

  it('measures one degree of latitude as about 111.2 km', () => {
    expect(distanceMeters({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo(111_195, 0);
  });

  it('puts San Francisco about 4,130 km from Manhattan, in either direction', () => {
    const there = distanceMeters(sanFrancisco, manhattan);
    expect(there).toBeGreaterThan(4_100_000);
    expect(there).toBeLessThan(4_160_000);
    expect(distanceMeters(manhattan, sanFrancisco)).toBeCloseTo(there, 6);
  });

  it('reads lat and lng by name, not by position', () => {
    // Swapping lat and lng would put these points ~1,000 km apart instead of ~1 km.
    expect(distanceMeters({ lat: 37.75, lng: -122.415 }, { lat: 37.759, lng: -122.415 })).toBeCloseTo(1_000.7, 0);
  });
});
