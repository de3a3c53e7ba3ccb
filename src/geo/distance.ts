import turfDistance from '@turf/distance';
import type { LatLng } from '../domain/types.js';

/** Great-circle (haversine) distance in meters. */
export function distanceMeters(a: LatLng, b: LatLng): number {
  return turfDistance([a.lng, a.lat], [b.lng, b.lat], { units: 'meters' });
}
