import type { Incident } from '../api.js';
import { t } from '../i18n.js';

export function age(since: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  if (minutes < 60) return t('age_minutes', { n: minutes });
  if (minutes < 48 * 60) return t('age_hours', { n: Math.floor(minutes / 60) });
  return t('age_days', { n: Math.floor(minutes / 1440) });
}

export function statusName(status: Incident['status']): string {
  return t(`status_${status}`);
}

export function placeText(incident: Pick<Incident, 'location'>): string {
  const location = incident.location;
  if (!location) return t('unplaced');
  return location.precision ? `${location.label} (${t(`precision_${location.precision}`)})` : location.label;
}

const UNCONFIRMED = new Set(['new', 'verifying']);

/** Unconfirmed first (corroborated ones at the top), then by distinct reporters who are not part of a flood, then newest. */
export function boardOrder(a: Incident, b: Incident): number {
  const unconfirmed = Number(UNCONFIRMED.has(b.status)) - Number(UNCONFIRMED.has(a.status));
  if (unconfirmed !== 0) return unconfirmed;
  if (UNCONFIRMED.has(a.status) && b.priority !== a.priority) return b.priority - a.priority;
  const solid = b.distinctReporters - b.floodReporters - (a.distinctReporters - a.floodReporters);
  if (solid !== 0) return solid;
  return Date.parse(b.firstReportedAt) - Date.parse(a.firstReportedAt);
}
