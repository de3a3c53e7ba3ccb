// Which incident a placed report belongs to. Pure: candidates come in, a decision comes out.
import { distanceMeters } from '../geo/distance.js';
import { type IncidentStatus, type LatLng, OPEN_STATUSES } from './types.js';

export interface ClusterCandidate extends LatLng {
  id: string;
  status: IncidentStatus;
  lastReportedAt: number;
  closedAt: number | null;
}

export interface ClusterRules {
  meters: number;
  minutes: number;
}

export type ClusterDecision = { join: string } | { open: true; afterDismissedId: string | null };

/**
 * Joins the nearest open incident within the distance and time windows. Near a recently dismissed incident a
 * new incident opens that says so, instead of the report vanishing into the dismissed one.
 */
export function chooseIncident(point: LatLng, at: number, candidates: ClusterCandidate[], rules: ClusterRules): ClusterDecision {
  const windowStart = at - rules.minutes * 60_000;
  let nearestOpen: { id: string; d: number } | null = null;
  let nearestDismissed: { id: string; d: number } | null = null;
  for (const c of candidates) {
    const d = distanceMeters(point, c);
    if (d > rules.meters) continue;
    if (OPEN_STATUSES.includes(c.status) && c.lastReportedAt >= windowStart) {
      if (!nearestOpen || d < nearestOpen.d) nearestOpen = { id: c.id, d };
    } else if (c.status === 'dismissed' && (c.closedAt ?? 0) >= windowStart) {
      if (!nearestDismissed || d < nearestDismissed.d) nearestDismissed = { id: c.id, d };
    }
  }
  if (nearestOpen) return { join: nearestOpen.id };
  return { open: true, afterDismissedId: nearestDismissed?.id ?? null };
}

const PRECISION_RANK = { point: 0, address: 1, intersection: 2, place: 3, neighbourhood: 4, zip: 5, city: 6 } as const;

/** True when `candidate` places an incident more precisely than `current`. */
export function isMorePrecise(candidate: keyof typeof PRECISION_RANK, current: keyof typeof PRECISION_RANK | null): boolean {
  return current === null || PRECISION_RANK[candidate] < PRECISION_RANK[current];
}
