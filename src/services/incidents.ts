// What a dispatcher does to an incident. Each is a race-free status change, an audit line, and a broadcast (an
// alert fan-out is a job; a correction or all clear is written to the ledger with the status change).
import { inTransaction } from '../db/client.js';
import type { Incident } from '../db/repositories/incidents.js';
import type { Deps } from '../deps.js';
import { type IncidentStatus, OPEN_STATUSES, type Precision, UNCONFIRMED_STATUSES } from '../domain/types.js';
import type { AlertJob } from '../queue/names.js';
import { alertAudience, type ClosingFollowUp, planClosingFollowUp } from './broadcast.js';
import { type DismissWhy, dismissWithReason } from './follow-through.js';
import { reclusterPlacedIncident } from './placement.js';
import { noticeAdminsOfLargeAlert, requestVerification } from './verification.js';

type IncidentDeps = Pick<Deps, 'db' | 'repos' | 'config' | 'now' | 'queues' | 'events' | 'log' | 'writes' | 'locator' | 'vault'>;

export type ActionResult = 'done' | 'unchanged' | 'conflict' | 'not_found';

/** `done`: this approval counted (the alert went out if it was the last one needed); `unchanged`: already confirmed. */
export type ConfirmResult =
  | { result: 'done' | 'unchanged'; approvals: number; needed: number }
  | { result: 'not_found' | 'conflict' }
  | { result: 'uncovered' };

/**
 * A console user's approval of the alert. It goes out when RELEASE_APPROVALS different people approved: the last
 * approval, the status change and the fan-out's mark share one write transaction, so two people approving at the
 * same moment release it once.
 */
export async function confirmIncident(deps: IncidentDeps, id: string, userId: string): Promise<ConfirmResult> {
  const now = deps.now();
  const needed = deps.config.releaseApprovals;
  const { answer, fanOut, changed } = inTransaction(deps.db, (): { answer: ConfirmResult; fanOut: boolean; changed: boolean } => {
    const incident = deps.repos.incidents.get(id);
    if (!incident || incident.mergedIntoId) return { answer: { result: 'not_found' }, fanOut: false, changed: false };
    // Confirming again resends nothing; it only retries a fan-out that gave up (its ledger rows are unique). The
    // mark goes in the same transaction, so the reconciler plans it if the queue cannot be reached right now.
    if (incident.status === 'confirmed') {
      const approvals = deps.repos.incidents.approvals(id).length;
      if (incident.alertFailedAt === null) return { answer: { result: 'unchanged', approvals, needed }, fanOut: false, changed: false };
      deps.repos.incidents.update(id, { alertFailedAt: null }, now);
      deps.repos.incidents.addEvent(id, 'alert_retried', now, {}, userId);
      return { answer: { result: 'unchanged', approvals, needed }, fanOut: true, changed: true };
    }
    if (incident.lat === null || incident.lng === null || !UNCONFIRMED_STATUSES.includes(incident.status)) {
      return { answer: { result: 'conflict' }, fanOut: false, changed: false };
    }
    if (!coveredByCommittee(deps, { ...incident, lat: incident.lat, lng: incident.lng })) {
      return { answer: { result: 'uncovered' }, fanOut: false, changed: false };
    }
    const isNew = deps.repos.incidents.approveByUser(id, userId, now);
    if (isNew) {
      // Touches `updatedAt`, so every open console page reloads and shows who approved.
      deps.repos.incidents.update(id, {}, now);
      deps.repos.incidents.addEvent(id, 'approved', now, {}, userId);
      deps.repos.audit.record('incident.approve', now, { actorUserId: userId, target: id });
    }
    const release = releaseIfApproved(deps, id, now, { userId });
    if (release.result === 'conflict') return { answer: { result: 'conflict' }, fanOut: false, changed: false };
    return { answer: { result: 'done', approvals: release.approvals, needed }, fanOut: release.result === 'released', changed: isNew || release.result === 'released' };
  });
  if (fanOut) await queueAlert(deps, id);
  else if (changed) deps.events.incidentChanged(id);
  return answer;
}

/**
 * Inside the write transaction that recorded an approval (a console user's confirm, a verifier's CONFIRM, a
 * coordinator's SEND): once RELEASE_APPROVALS different people approved, the incident is confirmed and the release
 * audited with its approvers. The caller queues the alert (`queueAlert`) after the commit.
 */
export function releaseIfApproved(
  deps: Pick<IncidentDeps, 'repos' | 'config'>,
  id: string,
  now: number,
  actor: { userId?: string; contactId?: string },
): { result: 'released' | 'waiting' | 'conflict'; approvals: number } {
  const approvers = deps.repos.incidents.approvals(id);
  if (approvers.length < deps.config.releaseApprovals) return { result: 'waiting', approvals: approvers.length };
  if (!deps.repos.incidents.transition(id, UNCONFIRMED_STATUSES, { status: 'confirmed', confirmedAt: now }, now)) {
    return { result: 'conflict', approvals: approvers.length };
  }
  const by = actor.contactId ? { contactId: actor.contactId } : {};
  deps.repos.incidents.addEvent(id, 'confirmed', now, by, actor.userId);
  deps.repos.audit.record('incident.confirm', now, { actorUserId: actor.userId ?? null, target: id, ...(actor.contactId ? { detail: by } : {}) });
  deps.repos.audit.record('incident.release', now, {
    actorUserId: actor.userId ?? null,
    target: id,
    detail: { approvers: approvers.map((a) => (a.userId ? { userId: a.userId } : { contactId: a.contactId })) },
  });
  return { result: 'released', approvals: approvers.length };
}

/** After a release committed: the fan-out is queued at once, and admins hear of a large alert. */
export async function queueAlert(deps: IncidentDeps, id: string): Promise<void> {
  await broadcast(deps, { incidentId: id, kind: 'alert' });
  await noticeAdminsOfLargeAlert(deps, id);
}

function coveredByCommittee(deps: IncidentDeps, incident: Incident & { lat: number; lng: number }): boolean {
  try {
    return alertAudience(deps, incident).committees.length > 0;
  } catch (error) {
    // A committee area that cannot be read does not block the approval: the fan-out then fails where the console
    // shows it (`alertFailedAt`), and confirming again retries it once the area is mended.
    deps.log.warn({ err: (error as Error).message, incidentId: incident.id }, 'committee areas unreadable; approval not checked for coverage');
    return true;
  }
}

/**
 * False alarm (or, with `why`, a duplicate). Before confirmation no alert is ever sent and the verifiers asked stand
 * down; after it, alerts not yet handed over are cancelled and a correction saying what it was goes to everyone who
 * got one (src/services/follow-through.ts).
 */
export async function dismissIncident(deps: IncidentDeps, id: string, userId: string | undefined, why: DismissWhy = { reason: 'false' }): Promise<ActionResult> {
  return dismissWithReason(deps, id, userId, why);
}

/** All clear, to exactly those the alert was handed over for; alerts not yet handed over are cancelled. */
export async function resolveIncident(deps: IncidentDeps, id: string, userId: string): Promise<ActionResult> {
  return close(deps, id, userId, 'resolved', ['confirmed'], 'all_clear');
}

async function close(
  deps: IncidentDeps,
  id: string,
  userId: string,
  to: IncidentStatus,
  from: readonly IncidentStatus[],
  followUp: ClosingFollowUp,
): Promise<ActionResult> {
  const now = deps.now();
  const result = inTransaction(deps.db, (): { result: ActionResult; followUps?: string[] } => {
    const incident = deps.repos.incidents.get(id);
    if (!incident || incident.mergedIntoId) return { result: 'not_found' };
    if (incident.status === to) return { result: 'unchanged' };
    if (!deps.repos.incidents.transition(id, from, { status: to, closedAt: now }, now)) return { result: 'conflict' };
    const cancelled = deps.repos.messages.cancelPending(id, ['alert'], now);
    deps.repos.incidents.addEvent(id, to, now, { cancelledAlerts: cancelled }, userId);
    deps.repos.audit.record(`incident.${to === 'dismissed' ? 'dismiss' : 'resolve'}`, now, { actorUserId: userId, target: id });
    // The follow-up's rows commit with the status change: owed from this moment, whether or not Redis is up.
    const followUps = incident.status === 'confirmed' ? planClosingFollowUp(deps, incident, followUp, now) : [];
    return { result: 'done', followUps };
  });
  if (result.result === 'done') {
    if (result.followUps && result.followUps.length > 0) await queueSends(deps, id, result.followUps);
    deps.events.incidentChanged(id);
  }
  return result.result;
}

/** Queues sends of rows already in the ledger; if Redis is away the reconciler queues every unsent row later. */
async function queueSends(deps: IncidentDeps, incidentId: string, messageIds: string[]): Promise<void> {
  try {
    await deps.queues.sendMessages(messageIds);
  } catch (error) {
    deps.log.warn({ err: (error as Error).message, incidentId }, 'sends not queued now; the reconciler will');
  }
}

/**
 * A dispatcher places an incident by hand (an unplaced report, or a better place). If it is confirmed, the alert
 * broadcast runs again: its unique rows reach only members of committees that cover the new place.
 */
export async function placeIncident(
  deps: IncidentDeps,
  id: string,
  userId: string,
  place: { lat: number; lng: number; label?: string | undefined; precision?: Precision | undefined; zip?: string | undefined },
): Promise<ActionResult> {
  const now = deps.now();
  const result = inTransaction(deps.db, (): { result: ActionResult; confirmed?: boolean } => {
    const incident = deps.repos.incidents.get(id);
    if (!incident || incident.mergedIntoId) return { result: 'not_found' };
    if (!OPEN_STATUSES.includes(incident.status)) return { result: 'conflict' };
    const label = place.label?.trim() || `${place.lat.toFixed(5)}, ${place.lng.toFixed(5)}`;
    const precision = place.precision ?? 'point';
    const zip = place.zip ?? deps.locator.zipOf(place);
    deps.repos.incidents.update(id, { lat: place.lat, lng: place.lng, label, precision, zip, locationSource: 'dispatcher', locationWords: null }, now);
    deps.repos.incidents.addEvent(id, 'placed', now, { label, precision, by: 'dispatcher' }, userId);
    deps.repos.audit.record('incident.place', now, { actorUserId: userId, target: id });
    // An unplaced incident placed by hand may be a raid already known there: it re-clusters like a placed report.
    const holder = incident.lat === null ? reclusterPlacedIncident(deps, deps.repos.incidents.get(id) ?? incident, now) : undefined;
    if (holder && holder.id !== id) deps.events.incidentChanged(holder.id);
    return { result: 'done', confirmed: incident.status === 'confirmed' };
  });
  if (result.result === 'done' && result.confirmed) await broadcast(deps, { incidentId: id, kind: 'alert' });
  else if (result.result === 'done') deps.events.incidentChanged(id);
  // First placed by hand: verifiers are asked now, as for a report that came with a place.
  if (result.result === 'done' && !result.confirmed) await requestVerification(deps, id);
  return result.result;
}

/** Queues an alert fan-out; if Redis is away the reconciler queues it later (a confirmed incident without a plan). */
async function broadcast(deps: IncidentDeps, job: AlertJob): Promise<void> {
  try {
    await deps.queues.broadcast(job);
  } catch (error) {
    deps.log.warn({ err: (error as Error).message, incidentId: job.incidentId }, 'broadcast not queued now; the reconciler will');
  }
  deps.events.incidentChanged(job.incidentId);
}
