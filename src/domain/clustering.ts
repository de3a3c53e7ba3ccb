// Which incident a placed report belongs to. Pure: candidates come in, a decision comes out.
// A precise report (a point, an address, an intersection, a named place) joins by distance; a report that only
// names an area (a neighbourhood, a ZIP, a city) joins an open incident inside that area: three reports from three
// blocks of one ZIP are three incidents, but "ICE in 94110" joins whichever of them is most recent.
import { distanceMeters } from '../geo/distance.js';
import { type IncidentStatus, type LatLng, OPEN_STATUSES, type Precision } from './types.js';

export interface Placed extends LatLng {
  precision: Precision;
  zip?: string | null | undefined;
}

export interface ClusterCandidate extends LatLng {
  id: string;
  status: IncidentStatus;
  lastReportedAt: number;
  closedAt: number | null;
  precision: Precision | null;
  zip: string | null;
}

export interface ClusterRules {
  meters: number;
  minutes: number;
}

/** Whether a point lies in an area-level location (its ZIP, neighbourhood or city); the caller knows the gazetteers. */
export type AreaContains = (area: Placed, point: Placed) => boolean;

export type ClusterDecision = { join: string } | { open: true; afterDismissedId: string | null };

const PRECISION_RANK: Record<Precision, number> = { point: 0, address: 1, intersection: 2, place: 3, neighbourhood: 4, zip: 5, city: 6 };

/** Point, address, intersection and place: close enough to cluster by distance. */
export function isPrecise(precision: Precision | null): boolean {
  return precision !== null && PRECISION_RANK[precision] <= PRECISION_RANK.place;
}

/** True when `candidate` places an incident more precisely than `current`. */
export function isMorePrecise(candidate: Precision, current: Precision | null): boolean {
  return current === null || PRECISION_RANK[candidate] < PRECISION_RANK[current];
}

/** True when `candidate` is at least as precise: an incident takes the latest of its most precise reports. */
export function isAtLeastAsPrecise(candidate: Precision, current: Precision | null): boolean {
  return current === null || PRECISION_RANK[candidate] <= PRECISION_RANK[current];
}

/** Same ZIP, or within a radius that stands for the area when no ZIP says (neighbourhoods and cities are points). */
export const defaultAreaContains: AreaContains = (area, point) => {
  if (area.precision === 'zip') return area.zip != null && point.zip === area.zip;
  return distanceMeters(area, point) <= (area.precision === 'city' ? 12_000 : 1_500);
};

/**
 * Which open incident the report joins: a precise report the nearest precise incident within `rules.meters`, or an
 * area-level incident whose area contains it; an area-level report the most recent incident inside its area. Near a
 * recently dismissed incident (by the same rules) a new incident opens that says so, instead of the report
 * vanishing into the dismissed one.
 */
export function chooseIncident(
  report: Placed,
  at: number,
  candidates: readonly ClusterCandidate[],
  rules: ClusterRules,
  contains: AreaContains = defaultAreaContains,
): ClusterDecision {
  const windowStart = at - rules.minutes * 60_000;
  const belongs = (c: ClusterCandidate): number | null => {
    const placed: Placed = { lat: c.lat, lng: c.lng, precision: c.precision ?? 'point', zip: c.zip };
    if (!isPrecise(report.precision)) return contains(report, placed) ? 0 : null;
    if (!isPrecise(c.precision)) return contains(placed, report) ? rules.meters : null;
    const d = distanceMeters(report, c);
    return d <= rules.meters ? d : null;
  };
  // Precise reports: the nearest wins. Area-level reports: the most recent wins (their distance is meaningless).
  const better = (a: { d: number; at: number }, b: { d: number; at: number } | null) =>
    b === null || (isPrecise(report.precision) ? a.d < b.d : a.at > b.at);

  let open: { id: string; d: number; at: number } | null = null;
  let dismissed: { id: string; d: number; at: number } | null = null;
  for (const c of candidates) {
    const d = belongs(c);
    if (d === null) continue;
    if (OPEN_STATUSES.includes(c.status) && c.lastReportedAt >= windowStart) {
      const entry = { id: c.id, d, at: c.lastReportedAt };
      if (better(entry, open)) open = entry;
    } else if (c.status === 'dismissed' && (c.closedAt ?? 0) >= windowStart) {
      const entry = { id: c.id, d, at: c.closedAt ?? 0 };
      if (better(entry, dismissed)) dismissed = entry;
    }
  }
  if (open) return { join: open.id };
  return { open: true, afterDismissedId: dismissed?.id ?? null };
}
