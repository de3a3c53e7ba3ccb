// Committee areas: validating the console's `area` input and testing whether a place falls inside one.
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { z } from 'zod';
import type { Area, GeoJsonMultiPolygon, GeoJsonPolygon, LatLng, Position } from '../domain/types.js';
import { distanceMeters } from './distance.js';
import { isKnownZip, nearestZip, zipCentroid } from './zips.js';

export const MAX_AREA_ZIPS = 2000;
export const MAX_CIRCLE_RADIUS_METERS = 200_000;
export const MAX_POLYGON_POSITIONS = 10_000;

const latitude = z
  .number({ error: 'latitude must be a number' })
  .min(-90, 'latitude must be between -90 and 90')
  .max(90, 'latitude must be between -90 and 90');
const longitude = z
  .number({ error: 'longitude must be a number' })
  .min(-180, 'longitude must be between -180 and 180')
  .max(180, 'longitude must be between -180 and 180');

const zipCode = z
  .string({ error: 'a ZIP code must be a string' })
  // abort: a malformed ZIP needs no second "unknown ZIP" message.
  .regex(/^\d{5}$/, { error: 'a ZIP code is exactly 5 digits', abort: true })
  .refine(isKnownZip, { error: (issue) => `unknown ZIP code ${String(issue.input)}` });

const zipsArea = z.object({
  type: z.literal('zips'),
  zips: z
    .array(zipCode, { error: 'zips must be a list of ZIP codes' })
    .min(1, 'list at least one ZIP code')
    .max(MAX_AREA_ZIPS, `list at most ${MAX_AREA_ZIPS} ZIP codes`)
    .transform((zips) => [...new Set(zips)]),
});

const circleArea = z.object({
  type: z.literal('circle'),
  center: z.object({ lat: latitude, lng: longitude }, { error: 'center must be an object {lat, lng}' }),
  radiusMeters: z
    .number({ error: 'radiusMeters must be a number' })
    .positive('radiusMeters must be greater than 0')
    .max(MAX_CIRCLE_RADIUS_METERS, `radiusMeters must be at most ${MAX_CIRCLE_RADIUS_METERS}`),
});

// GeoJSON positions are [lng, lat]; an altitude (or anything after it) is accepted and dropped.
const position = z
  .tuple([longitude, latitude], z.number(), { error: 'a position must be [lng, lat]' })
  .transform(([lng, lat]): Position => [lng, lat]);

function isClosedRing(ring: readonly Position[]): boolean {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
}

const linearRing = z
  .array(position, { error: 'a ring must be a list of positions' })
  .min(4, 'a ring needs at least 4 positions')
  .max(MAX_POLYGON_POSITIONS, `a polygon may have at most ${MAX_POLYGON_POSITIONS} positions`)
  .refine(isClosedRing, 'a ring must be closed: its last position must equal its first');

const polygonRings = z
  .array(linearRing, { error: 'polygon coordinates must be a list of rings' })
  .min(1, 'a polygon needs an outer ring');

const polygonGeometry = z.object({
  type: z.literal('Polygon'),
  coordinates: polygonRings,
});

const multiPolygonGeometry = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z
    .array(polygonRings, { error: 'MultiPolygon coordinates must be a list of polygons' })
    .min(1, 'a MultiPolygon needs at least one polygon'),
});

function countPositions(geometry: GeoJsonPolygon | GeoJsonMultiPolygon): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flat().reduce((total, ring) => total + ring.length, 0);
}

const polygonArea = z.object({
  type: z.literal('polygon'),
  geojson: z
    .discriminatedUnion('type', [polygonGeometry, multiPolygonGeometry], {
      error: 'geojson must be a GeoJSON Polygon or MultiPolygon geometry',
    })
    .refine((geometry) => countPositions(geometry) <= MAX_POLYGON_POSITIONS, {
      error: `a polygon may have at most ${MAX_POLYGON_POSITIONS} positions`,
    }),
});

/** The console API's `area` input. Annotated as ZodType<Area> so the compiler checks the output matches the domain type. */
export const areaSchema: z.ZodType<Area> = z.discriminatedUnion('type', [zipsArea, circleArea, polygonArea], {
  error: 'area type must be "zips", "circle" or "polygon"',
});

/** A place to test: a report's or incident's location. */
export type AreaPoint = LatLng & { zip?: string | null; precision?: string };

// Haversine noise on a point placed exactly on the circle is far below a micrometre.
function circleTolerance(radiusMeters: number): number {
  return Math.max(1e-6, radiusMeters * 1e-9);
}

function zipListContains(zips: readonly string[], point: AreaPoint): boolean {
  // A place read from a ZIP sits on that ZIP's centroid, which may be nearer a neighbouring ZIP's centroid.
  if (point.precision === 'zip' && point.zip != null && zips.includes(point.zip)) return true;
  const nearest = nearestZip(point);
  return nearest !== null && zips.includes(nearest);
}

/**
 * Contract: a point is in a ZIP list when the nearest ZIP centroid of the offline gazetteer is listed, or when it
 * was placed from a listed ZIP at ZIP precision. Boundaries of circles, polygons and holes count as inside.
 */
export function areaContains(area: Area, point: AreaPoint): boolean {
  switch (area.type) {
    case 'zips':
      return zipListContains(area.zips, point);
    case 'circle':
      // NaN distances compare false, so an unplaceable point is outside.
      return distanceMeters(area.center, point) <= area.radiusMeters + circleTolerance(area.radiusMeters);
    case 'polygon':
      // Turf counts every ring's edge, a hole's included, as boundary and boundary as inside (checked in tests).
      // Edges are straight lines in lng/lat, not geodesics.
      return booleanPointInPolygon([point.lng, point.lat], area.geojson);
  }
}

function averageOfRing(ring: readonly Position[]): LatLng | null {
  // The closing position repeats the first; leave it out of the average.
  const vertices = isClosedRing(ring) ? ring.slice(0, -1) : ring;
  if (vertices.length === 0) return null;
  const sum = vertices.reduce((acc, [lng, lat]) => ({ lat: acc.lat + lat, lng: acc.lng + lng }), { lat: 0, lng: 0 });
  return { lat: sum.lat / vertices.length, lng: sum.lng / vertices.length };
}

/** A representative point for sorting and display; not a true centroid and not guaranteed to be inside. */
export function areaCentroidHint(area: Area): LatLng | null {
  switch (area.type) {
    case 'circle':
      return { lat: area.center.lat, lng: area.center.lng };
    case 'zips':
      for (const zip of area.zips) {
        const centroid = zipCentroid(zip);
        if (centroid) return centroid;
      }
      return null;
    case 'polygon': {
      const { geojson } = area;
      const outerRing = geojson.type === 'Polygon' ? geojson.coordinates[0] : geojson.coordinates[0]?.[0];
      return outerRing ? averageOfRing(outerRing) : null;
    }
  }
}
