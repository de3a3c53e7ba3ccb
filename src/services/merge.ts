// A dispatcher's merge of two incidents that are one raid, and the split of a report that is another raid.
import { randomBytes } from 'node:crypto';
import { inTransaction } from '../db/client.js';
import type { Incident } from '../db/repositories/incidents.js';
import type { Report } from '../db/repositories/reports.js';
import { isMorePrecise } from '../domain/clustering.js';
import { incidentCode } from '../domain/codes.js';
import { fitSms } from '../domain/sms-fit.js';
import { type IncidentStatus, OPEN_STATUSES } from '../domain/types.js';
import { t } from '../i18n/index.js';
import { alertedContacts, drillPrefix, type FollowThroughDeps, messages, queue, thankReporters } from './follow-through.js';
import { keepFloodMark, placement, storedLocation } from './placement.js';
import { requestVerification } from './verification.js';

/** How far along an open incident is: a merge keeps the more advanced of the two (confirmed wins). */
const PROGRESS: Partial<Record<IncidentStatus, number>> = { new: 0, verifying: 1, confirmed: 2 };

export type MergeResult = { result: 'done'; into: Incident } | { result: 'not_found' | 'same' | 'merged' | 'closed' | 'drill' };

/**
 * `from` becomes part of `into`: its reports, approvals and roll-call answers move; `into` keeps the more advanced
 * status. Members who got both alerts hear nothing more; those who got only `from`'s are told it is the same raid
 * as `into`, and from then on updates and the all clear of `into` reach them too (its audience is found through
 * `mergedIntoId`: their ledger rows keep `from`'s id).
 */
export async function mergeIncidents(deps: FollowThroughDeps, fromId: string, intoId: string, userId: string): Promise<MergeResult> {
  const now = deps.now();
  const { incidents, reports, followThrough } = deps.repos;
  const outcome = inTransaction(deps.db, (): MergeResult & { ids?: string[] } => {
    const from = incidents.get(fromId);
    const into = incidents.get(intoId);
    if (!from || !into) return { result: 'not_found' };
    if (from.id === into.id) return { result: 'same' };
    if (from.mergedIntoId || into.mergedIntoId) return { result: 'merged' };
    if (!OPEN_STATUSES.includes(from.status) || !OPEN_STATUSES.includes(into.status)) return { result: 'closed' };
    // A real raid's reports must never disappear into a drill, nor a drill's rehearsal reach real responders.
    if (from.drill !== into.drill) return { result: 'drill' };

    const alreadyAlerted = new Set(alertedContacts(deps.repos, into.id));
    const onlyFrom = alertedContacts(deps.repos, from.id).filter((contactId) => !alreadyAlerted.has(contactId));
    reports.moveToIncident(from.id, into.id);
    followThrough.moveApprovals(from.id, into.id);
    followThrough.moveResponses(from.id, into.id);

    const patch: Partial<Incident> = {
      firstReportedAt: Math.min(into.firstReportedAt, from.firstReportedAt),
      lastReportedAt: Math.max(into.lastReportedAt, from.lastReportedAt),
      priority: Math.max(into.priority, from.priority),
      mergeSuggestionId: into.mergeSuggestionId === from.id ? null : into.mergeSuggestionId,
    };
    if (into.kind === 'other' && from.kind !== 'other') patch.kind = from.kind;
    if (into.lat === null && from.lat !== null) Object.assign(patch, placementOf(from));
    if ((PROGRESS[from.status] ?? 0) > (PROGRESS[into.status] ?? 0)) {
      patch.status = from.status;
      if (from.status === 'confirmed') {
        // Released through `from`: its alert stands for both, so no second fan-out under `into`'s code.
        patch.confirmedAt = from.confirmedAt ?? now;
        patch.alertPlannedAt = from.alertPlannedAt ?? now;
      }
    }
    incidents.update(into.id, patch, now);
    incidents.update(from.id, { mergedIntoId: into.id, mergeSuggestionId: null }, now);
    keepFloodMark(deps, into.id, now);
    incidents.addEvent(from.id, 'merged', now, { into: into.id, code: into.code, by: 'dispatcher' }, userId);
    incidents.addEvent(into.id, 'merged_in', now, { from: from.id, code: from.code, notified: onlyFrom.length }, userId);
    deps.repos.audit.record('incident.merge', now, { actorUserId: userId, target: from.id, detail: { into: into.id } });

    const result = incidents.get(into.id) ?? into;
    const sameRaid = messages(deps, result, onlyFrom, (contactId) => `same_raid:${from.id}:${contactId}`, 'same_raid', (locale) =>
      fitSms(t(locale, 'same_raid', { drill: drillPrefix(from, locale), code: from.code, other: into.code })),
    );
    return { result: 'done', into: result, ids: deps.repos.messages.plan(sameRaid, now) };
  });
  if (outcome.result !== 'done') return outcome;
  await queue(deps, outcome.into.id, outcome.ids ?? []);
  // The merged reports may have led to an alert now.
  if (outcome.into.status === 'confirmed') await thankReporters(deps, outcome.into.id);
  deps.events.incidentChanged(fromId);
  deps.events.incidentChanged(outcome.into.id);
  return { result: 'done', into: outcome.into };
}

export type SplitResult = { result: 'done'; incident: Incident } | { result: 'not_found' | 'alone' };

/**
 * The report leaves its incident for a new one of its own (at its own place, unconfirmed). The incident it left
 * keeps its status; its times, its place (unless a dispatcher placed it) and its flood mark follow what remains.
 * The new incident is asked about like any new one: placed and not a flood's, its verifiers get VERIFY at once.
 * A report split off a drill stays in the drill (drills are never sent to verifiers).
 */
export async function splitReport(deps: FollowThroughDeps, reportId: string, userId: string): Promise<SplitResult> {
  const now = deps.now();
  const { incidents, reports } = deps.repos;
  const outcome = inTransaction(deps.db, (): SplitResult & { left?: string } => {
    const report = reports.get(reportId);
    const old = report?.incidentId ? incidents.get(report.incidentId) : undefined;
    if (!report || !old) return { result: 'not_found' };
    const rest = reports.ofIncident(old.id).filter((r) => r.id !== report.id);
    if (rest.length === 0) return { result: 'alone' };

    let code = incidentCode();
    while (incidents.codeExists(code)) code = incidentCode();
    const location = storedLocation(report);
    const created = incidents.insert(
      {
        code,
        status: 'new',
        kind: report.kind,
        ...(location ? placement(location) : {}),
        flood: report.flood,
        drill: old.drill,
        firstReportedAt: report.receivedAt,
        lastReportedAt: report.receivedAt,
      },
      now,
    );
    // A fresh reporter token: tokens are per incident.
    reports.update(report.id, { incidentId: created.id, reporterToken: randomBytes(12).toString('base64url') });
    incidents.addEvent(created.id, 'opened', now, { reportId: report.id, splitFrom: old.id, code: old.code }, userId);
    incidents.addEvent(old.id, 'report_split', now, { reportId: report.id, into: created.id, code }, userId);
    deps.repos.audit.record('report.split', now, { actorUserId: userId, target: report.id, detail: { from: old.id, into: created.id } });

    const patch: Partial<Incident> = {
      firstReportedAt: Math.min(...rest.map((r) => r.receivedAt)),
      lastReportedAt: Math.max(...rest.map((r) => r.receivedAt)),
    };
    const best = mostPrecise(rest);
    if (old.locationSource !== 'dispatcher' && best) Object.assign(patch, placement(best));
    incidents.update(old.id, patch, now);
    keepFloodMark(deps, old.id, now);
    keepFloodMark(deps, created.id, now);
    return { result: 'done', incident: incidents.get(created.id) ?? created, left: old.id };
  });
  if (outcome.result !== 'done') return outcome;
  if (outcome.left) deps.events.incidentChanged(outcome.left);
  deps.events.incidentChanged(outcome.incident.id);
  await requestVerification(deps, outcome.incident.id);
  return { result: 'done', incident: deps.repos.incidents.get(outcome.incident.id) ?? outcome.incident };
}

/** The place of the most precise placed report (the latest among equals), as an incident's place is chosen. */
function mostPrecise(reports: Report[]) {
  let best: ReturnType<typeof storedLocation> = null;
  for (const report of [...reports].sort((a, b) => a.receivedAt - b.receivedAt)) {
    const location = storedLocation(report);
    if (location && (!best || !isMorePrecise(best.precision, location.precision))) best = location;
  }
  return best;
}

function placementOf(incident: Incident): Partial<Incident> {
  return {
    lat: incident.lat,
    lng: incident.lng,
    label: incident.label,
    precision: incident.precision,
    zip: incident.zip,
    locationSource: incident.locationSource,
    locationWords: incident.locationWords,
  };
}
