// What confirming an incident would send, without sending anything: the console shows it before `Send alert`.
import type { Incident } from '../db/repositories/incidents.js';
import type { Deps } from '../deps.js';
import type { Locale } from '../domain/types.js';
import { UNCONFIRMED_STATUSES } from '../domain/types.js';
import { alertAudience, alertTexts } from './broadcast.js';

export interface AlertPreview {
  recipients: number;
  committees: Array<{ id: string; name: string; recipients: number }>;
  texts: Record<Locale, string>;
  approvals: number;
  needed: number;
  /** A drill only: members it leaves out because they texted DRILLS OFF (0 for a real incident). */
  drillOptedOut: number;
  /** Set when the alert would reach no one, saying why. */
  warning: string | null;
}

export type PreviewResult = AlertPreview | 'not_found' | 'conflict';

export function previewAlert(deps: Pick<Deps, 'repos' | 'config'>, id: string): PreviewResult {
  const incident = deps.repos.incidents.get(id);
  if (!incident || incident.mergedIntoId) return 'not_found';
  if (incident.lat === null || incident.lng === null) return 'conflict';
  // A confirmed incident previews what a retried fan-out would reach; a closed one has nothing left to send.
  if (!UNCONFIRMED_STATUSES.includes(incident.status) && incident.status !== 'confirmed') return 'conflict';
  const placed = { ...incident, lat: incident.lat, lng: incident.lng };
  const audience = alertAudience(deps, placed);
  const warning =
    audience.committees.length === 0
      ? 'no committee covers this place: an alert would reach no one'
      : audience.recipients.length === 0
        ? 'the committees covering this place have no reachable members: an alert would reach no one'
        : null;
  return {
    recipients: audience.recipients.length,
    committees: audience.committees,
    texts: alertTexts(incident),
    approvals: deps.repos.incidents.approvals(id).length,
    needed: deps.config.releaseApprovals,
    drillOptedOut: placed.drill ? drillOptedOut(deps, placed, audience.recipients.length) : 0,
    warning,
  };
}

/**
 * How many a drill leaves out for DRILLS OFF: the same place's audience as a real incident, less the drill's. The
 * fan-out's own rule (in `alertAudience`) stays the one place that decides who is left out.
 */
function drillOptedOut(deps: Pick<Deps, 'repos'>, drill: Incident & { lat: number; lng: number }, drillRecipients: number): number {
  return alertAudience(deps, { ...drill, drill: false }).recipients.length - drillRecipients;
}
