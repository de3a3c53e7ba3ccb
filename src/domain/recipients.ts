// Who gets an alert: one message per person, nearest first. Pure.
import { distanceMeters } from '../geo/distance.js';
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
  const byContact = new Map<string, Recipient>();
  for (const c of candidates) {
    if (excludedContactIds.has(c.contactId)) continue;
    const d = c.lat !== null && c.lng !== null ? distanceMeters(incident, { lat: c.lat, lng: c.lng }) : null;
    const seen = byContact.get(c.contactId);
    if (!seen || (d !== null && (seen.distanceMeters === null || d < seen.distanceMeters))) {
      byContact.set(c.contactId, { contactId: c.contactId, locale: c.locale, distanceMeters: d });
    }
  }
  return [...byContact.values()].sort((a, b) => (a.distanceMeters ?? Infinity) - (b.distanceMeters ?? Infinity));
}
