// The worker role's periodic duties: expire stale incidents, close follow-up windows, and re-queue anything the
// database says is unfinished, so that a lost Redis or a killed worker loses nothing.
import { inTransaction } from '../db/client.js';
import type { Deps } from '../deps.js';
import { UNCONFIRMED_STATUSES } from '../domain/types.js';
import { queue } from './follow-through.js';
import { pageWhenDue } from './paging.js';
import { claimRules, PAUSE_KEY } from './sending.js';
import { planStandDown } from './verification.js';

type MaintenanceDeps = Pick<Deps, 'repos' | 'config' | 'now' | 'queues' | 'events' | 'log'>;

/** Reports younger than this are still on their way through their first job. */
export const GRACE_MS = 5_000;

/**
 * Unconfirmed incidents with no report for INCIDENT_EXPIRE_MINUTES expire. Verification stops with them, and the
 * verifiers asked get the stand-down a dismissal before release sends: nobody should still go and look.
 */
export async function expireIncidents(deps: MaintenanceDeps & Pick<Deps, 'db'>): Promise<number> {
  const now = deps.now();
  const stale = deps.repos.incidents.staleUnconfirmed(now - deps.config.incidentExpireMinutes * 60_000);
  for (const incident of stale) {
    const standDowns = inTransaction(deps.db, () => {
      const patch = { status: 'expired' as const, closedAt: now, verifyNextAt: null };
      if (!deps.repos.incidents.transition(incident.id, UNCONFIRMED_STATUSES, patch, now)) return null;
      deps.repos.incidents.addEvent(incident.id, 'expired', now);
      return planStandDown(deps, deps.repos.incidents.get(incident.id) ?? incident, now);
    });
    if (standDowns === null) continue;
    await queue(deps, incident.id, standDowns);
    deps.events.incidentChanged(incident.id);
  }
  return stale.length;
}

/** Pages on-duty dispatchers about new incidents nobody opened, and reminds them of confirmed ones left open. */
export function pageDispatchersWhenDue(deps: MaintenanceDeps & Pick<Deps, 'db' | 'vault'>): Promise<{ unopened: number; stale: number }> {
  return pageWhenDue(deps);
}

export async function reconcile(deps: MaintenanceDeps): Promise<{ reports: number; broadcasts: number; sends: number }> {
  const now = deps.now();
  // Reports and fan-outs whose job gave up after all its attempts are left alone (marked failed, shown on health).
  const reports = deps.repos.reports.unprocessed(now - GRACE_MS);
  if (reports.length > 0) await deps.queues.requeueReports(reports.map((report) => report.id));
  const incidents = deps.repos.incidents.confirmedWithoutPlan();
  for (const incident of incidents) await deps.queues.broadcast({ incidentId: incident.id, kind: 'alert' });
  // Every unsent row, whatever its kind: alerts, and the corrections and all-clears written when an incident closed.
  let sends = 0;
  if (!deps.repos.systemState.get(PAUSE_KEY)) {
    const rows = deps.repos.messages.unfinished(now, claimRules(deps.config)).filter((row) => row.createdAt < now - GRACE_MS);
    if (rows.length > 0) sends = await deps.queues.requeueSends(rows.map((row) => row.id));
  }
  deps.repos.users.deleteExpiredSessions(now, deps.config.sessionIdleMinutes * 60_000);
  return { reports: reports.length, broadcasts: incidents.length, sends };
}
