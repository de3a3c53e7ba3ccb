// Corroboration: several different people, none of them part of a flood, reporting the same place at about the same
// time make an incident more likely real. It raises the incident's priority on the board; it never releases an
// alert by itself (a crowd of accomplices could otherwise send one). Pure.
import { distanceMeters } from '../geo/distance.js';
import type { Precision } from './types.js';

export interface CorroborationRule {
  /** Distinct reporters needed. */
  reporters: number;
  meters: number;
  minutes: number;
}

export interface CorroboratingReport {
  /** Stable per reporter within the incident (the report's reporter token). */
  reporter: string | null;
  flood: boolean;
  lat: number | null;
  lng: number | null;
  precision: Precision | null;
  receivedAt: number;
}

/** Only a place read precisely says two people saw the same spot: a ZIP or a city says little. */
export const CORROBORATING_PRECISIONS: readonly Precision[] = ['point', 'address', 'intersection', 'place'];
const PRECISE: ReadonlySet<Precision> = new Set(CORROBORATING_PRECISIONS);

/**
 * The most distinct non-flood reporters found together: within `meters` of one report and within `minutes` after
 * it. Checking from every report as an anchor finds the best group; reports are few per incident.
 */
export function corroboratingReporters(reports: readonly CorroboratingReport[], rule: Pick<CorroborationRule, 'meters' | 'minutes'>): number {
  const usable = reports.filter(
    (r): r is CorroboratingReport & { reporter: string; lat: number; lng: number } =>
      !r.flood && r.reporter !== null && r.lat !== null && r.lng !== null && r.precision !== null && PRECISE.has(r.precision),
  );
  const windowMs = rule.minutes * 60_000;
  let best = 0;
  for (const anchor of usable) {
    const people = new Set<string>();
    for (const other of usable) {
      const after = other.receivedAt - anchor.receivedAt;
      if (after < 0 || after > windowMs) continue;
      if (distanceMeters(anchor, other) <= rule.meters) people.add(other.reporter);
    }
    best = Math.max(best, people.size);
  }
  return best;
}

/** The incident's priority: how many people corroborate it once they are enough, else 0. */
export function corroborationPriority(reports: readonly CorroboratingReport[], rule: CorroborationRule): number {
  const people = corroboratingReporters(reports, rule);
  return people >= rule.reporters ? people : 0;
}
