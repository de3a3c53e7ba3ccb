import { describe, expect, it } from 'vitest';
import type { Area, GeoJsonMultiPolygon, GeoJsonPolygon, LatLng } from '../../../src/domain/types.js';
import { areaCentroidHint, areaContains } from '../../../src/geo/areas.js';
import { distanceMeters } from '../../../src/geo/distance.js';
import { nearestZip } from '../../../src/geo/zips.js';

// Same sphere as @turf/distance, so a point built here lies on the circle it measures.
const EARTH_RADIUS_METERS = 6_371_008.8;
const toRadians = (degrees: number) => (degrees * Math.PI) / 180;
const toDegrees = (radians: number) => (radians * 180) / Math.PI;

/** Great-circle destination from a start point, a bearing (degrees) and a distance (meters). */
function destination(start: LatLng, bearingDegrees: number, meters: number): LatLng {
  const angular = meters / EARTH_RADIUS_METERS;
  const bearing = toRadians(bearingDegrees);
  const lat1 = toRadians(start.lat);
  const lng1 = toRadians(start.lng);
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(angular) + Math.cos(lat1) * Math.sin(angular) * Math.cos(bearing));
  const lng2 =
    lng1 + Math.atan2(Math.sin(bearing) * Math.sin(angular) * Math.cos(lat1), Math.cos(angular) - Math.sin(lat1) * Math.sin(lat2));
  return { lat: toDegrees(lat2), lng: toDegrees(lng2) };
}

describe('areaContains: ZIP list', () => {
  const mission: Area = { type: 'zips', zips: ['94110', '94103'] };

  it('contains a point whose nearest ZIP centroid is listed', () => {
    expect(areaContains(mission, { lat: 37.7509, lng: -122.4148 })).toBe(true);
  });

  it('does not contain a point whose nearest ZIP centroid is not listed', () => {
    expect(areaContains(mission, { lat: 40.7507, lng: -73.9973 })).toBe(false);
  });

  // A point near the centroid of 94107 (Potrero Hill), stored as if placed from ZIP 94110.
  const nearPotrero = { lat: 37.7585, lng: -122.3995 };

  it('contains a point placed from a listed ZIP at ZIP precision, wherever its nearest centroid is', () => {
    expect(nearestZip(nearPotrero)).toBe('94107');
    expect(areaContains(mission, { ...nearPotrero, zip: '94110', precision: 'zip' })).toBe(true);
  });

  it('ignores the ZIP of a point placed more precisely than the ZIP', () => {
    expect(areaContains(mission, { ...nearPotrero, zip: '94110', precision: 'address' })).toBe(false);
    expect(areaContains(mission, { ...nearPotrero, zip: '94110' })).toBe(false);
  });

  it('does not contain a point placed from an unlisted ZIP', () => {
    expect(areaContains(mission, { ...nearPotrero, zip: '94107', precision: 'zip' })).toBe(false);
  });
});

describe('areaContains: circle', () => {
  const center = { lat: 37.750021, lng: -122.415201 };
  const radiusMeters = 1000;
  const circle: Area = { type: 'circle', center, radiusMeters };

  it('contains its center and a point well inside', () => {
    expect(areaContains(circle, center)).toBe(true);
    expect(areaContains(circle, destination(center, 30, 500))).toBe(true);
  });

  it('contains points exactly on its boundary, in every direction', () => {
    for (const bearing of [0, 45, 90, 135, 180, 225, 270, 315]) {
      const onBoundary = destination(center, bearing, radiusMeters);
      expect(distanceMeters(center, onBoundary)).toBeCloseTo(radiusMeters, 6);
      expect(areaContains(circle, onBoundary), `bearing ${bearing}`).toBe(true);
    }
  });

  it('does not contain a point one centimetre outside', () => {
    for (const bearing of [0, 90, 200]) {
      expect(areaContains(circle, destination(center, bearing, radiusMeters + 0.01)), `bearing ${bearing}`).toBe(false);
    }
  });

  it('does not contain a point with unusable coordinates', () => {
    expect(areaContains(circle, { lat: Number.NaN, lng: center.lng })).toBe(false);
  });
});

describe('areaContains: polygon', () => {
  // Coordinates are binary fractions, so points on edges are exactly on them.
  const outerRing: GeoJsonPolygon['coordinates'][number] = [
    [-123, 37],
    [-122, 37],
    [-122, 38],
    [-123, 38],
    [-123, 37],
  ];
  // A diamond-shaped hole centred on (-122.5, 37.5).
  const holeRing: GeoJsonPolygon['coordinates'][number] = [
    [-122.5, 37.25],
    [-122.25, 37.5],
    [-122.5, 37.75],
    [-122.75, 37.5],
    [-122.5, 37.25],
  ];

  it('contains a point inside a plain polygon and not one outside', () => {
    const area: Area = { type: 'polygon', geojson: { type: 'Polygon', coordinates: [outerRing] } };
    expect(areaContains(area, { lat: 37.5, lng: -122.5 })).toBe(true);
    expect(areaContains(area, { lat: 38.5, lng: -122.5 })).toBe(false);
  });

  it('reads GeoJSON positions as [lng, lat]', () => {
    const area: Area = { type: 'polygon', geojson: { type: 'Polygon', coordinates: [outerRing] } };
    expect(areaContains(area, { lat: -122.5, lng: 37.5 })).toBe(false);
  });

  describe('with a hole', () => {
    const area: Area = { type: 'polygon', geojson: { type: 'Polygon', coordinates: [outerRing, holeRing] } };

    it('contains a point between the outer ring and the hole', () => {
      expect(areaContains(area, { lat: 37.1, lng: -122.9 })).toBe(true);
    });

    it('does not contain a point inside the hole', () => {
      expect(areaContains(area, { lat: 37.5, lng: -122.5 })).toBe(false);
      expect(areaContains(area, { lat: 37.6, lng: -122.45 })).toBe(false);
    });

    it("contains a point on the hole's boundary (edge and vertex)", () => {
      expect(areaContains(area, { lat: 37.375, lng: -122.375 })).toBe(true); // midpoint of a diagonal edge
      expect(areaContains(area, { lat: 37.25, lng: -122.5 })).toBe(true); // vertex
      expect(areaContains(area, { lat: 37.5, lng: -122.75 })).toBe(true); // vertex
    });

    it('contains a point on the outer edge and not one just outside it', () => {
      expect(areaContains(area, { lat: 37.5, lng: -122 })).toBe(true);
      expect(areaContains(area, { lat: 38, lng: -122.5 })).toBe(true);
      expect(areaContains(area, { lat: 37.5, lng: -121.9999 })).toBe(false);
      expect(areaContains(area, { lat: 38.0001, lng: -122.5 })).toBe(false);
    });
  });

  describe('MultiPolygon', () => {
    const geojson: GeoJsonMultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        [outerRing, holeRing],
        [
          [
            [-74.25, 40.5],
            [-73.75, 40.5],
            [-73.75, 41],
            [-74.25, 41],
            [-74.25, 40.5],
          ],
        ],
      ],
    };
    const area: Area = { type: 'polygon', geojson };

    it('contains a point inside the second polygon', () => {
      expect(areaContains(area, { lat: 40.7507, lng: -73.9973 })).toBe(true);
    });

    it('still honours the hole of the first polygon', () => {
      expect(areaContains(area, { lat: 37.5, lng: -122.5 })).toBe(false);
      expect(areaContains(area, { lat: 37.1, lng: -122.9 })).toBe(true);
    });

    it('does not contain a point between the polygons', () => {
      expect(areaContains(area, { lat: 39.5, lng: -98.35 })).toBe(false);
    });
  });
});

describe('areaCentroidHint', () => {
  it('uses the center of a circle', () => {
    expect(areaCentroidHint({ type: 'circle', center: { lat: 1, lng: 2 }, radiusMeters: 10 })).toEqual({ lat: 1, lng: 2 });
  });

  it("uses the first known ZIP's centroid", () => {
    expect(areaCentroidHint({ type: 'zips', zips: ['00000', '10001', '94110'] })).toEqual({ lat: 40.75065, lng: -73.997293 });
    expect(areaCentroidHint({ type: 'zips', zips: ['00000'] })).toBeNull();
  });

  it("averages the first ring's vertices, counting the closing position once", () => {
    const hint = areaCentroidHint({
      type: 'polygon',
      geojson: { type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 2], [0, 2], [0, 0]]] },
    });
    expect(hint).toEqual({ lat: 1, lng: 2 });
  });

  it('uses the first polygon of a MultiPolygon', () => {
    const hint = areaCentroidHint({
      type: 'polygon',
      geojson: {
        type: 'MultiPolygon',
        coordinates: [[[[10, 10], [12, 10], [12, 12], [10, 12], [10, 10]]], [[[0, 0], [1, 0], [1, 1], [0, 0]]]],
      },
    });
    expect(hint).toEqual({ lat: 11, lng: 11 });
  });
});
