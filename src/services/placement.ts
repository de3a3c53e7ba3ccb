// Which incident a report belongs to, and where an incident is. Runs inside the caller's transaction except for the
// two entry points that place a report after the fact (a photo's GPS, a transcript), which open their own.
import { randomBytes } from 'node:crypto';
import type { Incident } from '../db/repositories/incidents.js';
import type { Report } from '../db/repositories/reports.js';
import type { Deps } from '../deps.js';
import { chooseIncident, isAtLeastAsPrecise, isMorePrecise, isPrecise } from '../domain/clustering.js';
import { incidentCode } from '../domain/codes.js';
import { readDetails } from '../domain/details.js';
import { classifyKind, reportLanguage } from '../domain/language.js';
import { requestVerification } from './verification.js';
import type { Location } from '../domain/types.js';
import { applyCorroboration } from './corroboration.js';

export type PlacementDeps = Pick<Deps, 'db' | 'repos' | 'config' | 'now' | 'queues' | 'events' | 'log' | 'writes' | 'locator'>;

/** The location a report already carries (read by the webhook, answered later, placed by a photo), if any. */
export function storedLocation(report: Report): Location | null {
  if (report.lat === null || report.lng === null || !report.precision) return null;
  return {
    lat: report.lat,
    lng: report.lng,
    label: report.label ?? '',
    precision: report.precision,
    zip: report.zip,
    ...(report.locationSource ? { source: report.locationSource } : {}),
    words: report.locationWords,
  };
}

/** Alerts went out (or are going out) for it: it is never merged automatically with another such incident. */
function alertsOut(incident: Incident): boolean {
  return incident.status === 'confirmed' || incident.alertPlannedAt !== null;
}

/**
 * Puts a report into its incident (inside the caller's transaction) and returns that incident. An unplaced report
 * opens an unplaced incident at once; a placed one joins an open incident as the clustering rules say, or opens
 * one. A report that was waiting in an unplaced incident of its own and is now placed re-clusters: its incident
 * folds into the one it belongs to — unless both have alerts out, in which case a merge is suggested to the
 * dispatchers instead.
 */
export function clusterReport(deps: PlacementDeps, report: Report, location: Location | null, now: number): Incident {
  const { incidents, reports } = deps.repos;
  const current = report.incidentId ? incidents.get(report.incidentId) : undefined;

  if (!location) return current ?? openIncident(deps, report, null, null, now);
  if (current && current.lat !== null && (reports.countsByIncident([current.id]).get(current.id)?.reportCount ?? 0) > 1) {
    // Already placed with other reports: the report only makes its incident more precise.
    improve(deps, current, report, location, now);
    return current;
  }

  const decision = chooseIncident(location, report.receivedAt, candidatesFor(deps, now, current?.id), rulesOf(deps), deps.locator.contains);

  if (current && current.locationSource === 'dispatcher') {
    // A dispatcher placed it by hand: a report's place never moves it or folds it away. A precise place at another
    // open incident is put to the dispatchers as a merge suggestion instead.
    if ('join' in decision && isPrecise(location.precision)) suggestMerge(deps, current.id, decision.join, now);
    improve(deps, current, report, location, now);
    return incidents.get(current.id) ?? current;
  }

  if ('join' in decision) {
    const target = incidents.get(decision.join);
    if (!target) throw new Error('cluster target vanished');
    if (current) return combine(deps, current, target, report, location, now);
    improve(deps, target, report, location, now);
    incidents.addEvent(target.id, 'report_added', now, { reportId: report.id });
    return target;
  }
  if (current) {
    incidents.update(current.id, placement(location), now);
    incidents.addEvent(current.id, 'placed', now, { label: location.label, precision: location.precision, by: 'report' });
    return current;
  }
  return openIncident(deps, report, location, decision.afterDismissedId, now);
}

/**
 * The incident holding a just-placed report (or just placed by a dispatcher) belongs with `target`: fold one into
 * the other — the one members were alerted about stays — or, when both have alerts out, suggest it to dispatchers.
 */
function combine(deps: PlacementDeps, current: Incident, target: Incident, report: Report | null, location: Location, now: number): Incident {
  const { incidents, reports } = deps.repos;
  if (alertsOut(current) && alertsOut(target)) {
    if (current.locationSource !== 'dispatcher' || !report) incidents.update(current.id, placement(location), now);
    suggestMerge(deps, current.id, target.id, now);
    return incidents.get(current.id) ?? current;
  }
  const [from, into] = alertsOut(current) ? [target, current] : [current, target];
  reports.moveToIncident(from.id, into.id);
  incidents.update(from.id, { mergedIntoId: into.id }, now);
  incidents.addEvent(from.id, 'merged', now, { into: into.id });
  incidents.update(into.id, { lastReportedAt: Math.max(into.lastReportedAt, from.lastReportedAt), firstReportedAt: Math.min(into.firstReportedAt, from.firstReportedAt) }, now);
  const fresh = incidents.get(into.id) ?? into;
  improve(deps, fresh, { receivedAt: report?.receivedAt ?? now, kind: report?.kind ?? from.kind }, location, now);
  if (report) incidents.addEvent(into.id, 'report_added', now, { reportId: report.id });
  return incidents.get(into.id) ?? fresh;
}

/** Both incidents show the other as a possible duplicate; a dispatcher decides. */
function suggestMerge(deps: PlacementDeps, a: string, b: string, now: number): void {
  if (a === b) return;
  deps.repos.incidents.update(a, { mergeSuggestionId: b }, now);
  deps.repos.incidents.update(b, { mergeSuggestionId: a }, now);
  deps.repos.incidents.addEvent(a, 'merge_suggested', now, { with: b });
  deps.repos.incidents.addEvent(b, 'merge_suggested', now, { with: a });
}

/**
 * A dispatcher placed an unplaced incident by hand: it may be the same raid as another open incident there. Runs
 * inside the caller's transaction; returns the incident that now holds its reports.
 */
export function reclusterPlacedIncident(deps: PlacementDeps, incident: Incident, now: number): Incident {
  if (incident.lat === null || incident.lng === null || !incident.precision) return incident;
  const location: Location = { lat: incident.lat, lng: incident.lng, label: incident.label ?? '', precision: incident.precision, zip: incident.zip, source: 'dispatcher', words: null };
  const decision = chooseIncident(location, incident.lastReportedAt, candidatesFor(deps, now, incident.id), rulesOf(deps), deps.locator.contains);
  if (!('join' in decision)) return incident;
  const target = deps.repos.incidents.get(decision.join);
  return target ? combine(deps, incident, target, null, location, now) : incident;
}

function candidatesFor(deps: PlacementDeps, now: number, excludeId: string | undefined) {
  return deps.repos.incidents
    .clusterCandidates(now - deps.config.clusterMinutes * 60_000)
    .filter((c) => c.id !== excludeId && c.lat !== null && c.lng !== null)
    .map((c) => ({ id: c.id, status: c.status, lastReportedAt: c.lastReportedAt, closedAt: c.closedAt, lat: c.lat ?? 0, lng: c.lng ?? 0, precision: c.precision, zip: c.zip }));
}

function rulesOf(deps: PlacementDeps) {
  return { meters: deps.config.clusterMeters, minutes: deps.config.clusterMinutes };
}

/** A report joined: its incident takes the latest of its most precise reports' places (a dispatcher's stays). */
function improve(deps: PlacementDeps, incident: Incident, report: Pick<Report, 'receivedAt' | 'kind'>, location: Location, now: number): void {
  const patch: Partial<Incident> = { lastReportedAt: Math.max(incident.lastReportedAt, report.receivedAt) };
  if (incident.locationSource !== 'dispatcher' && isAtLeastAsPrecise(location.precision, incident.precision)) {
    Object.assign(patch, placement(location));
  }
  if (incident.kind === 'other' && report.kind !== 'other') patch.kind = report.kind;
  deps.repos.incidents.update(incident.id, patch, now);
}

function openIncident(deps: PlacementDeps, report: Report, location: Location | null, afterDismissedId: string | null, now: number): Incident {
  const { incidents } = deps.repos;
  let code = incidentCode();
  while (incidents.codeExists(code)) code = incidentCode();
  const incident = incidents.insert(
    {
      code,
      status: 'new',
      kind: report.kind,
      ...(location ? placement(location) : {}),
      afterDismissedId,
      flood: report.flood,
      firstReportedAt: report.receivedAt,
      lastReportedAt: report.receivedAt,
    },
    now,
  );
  incidents.addEvent(incident.id, 'opened', now, { reportId: report.id, ...(afterDismissedId ? { afterDismissedId } : {}) });
  return incident;
}

export function placement(location: Location) {
  return {
    lat: location.lat,
    lng: location.lng,
    label: location.label,
    precision: location.precision,
    zip: location.zip ?? null,
    locationSource: location.source ?? null,
    locationWords: location.words ?? null,
  };
}

/**
 * One random token per reporter per incident: distinct reporters stay countable after the 24-hour wipe unlinks
 * reports from numbers, and the token itself says nothing about who sent it.
 */
export function reporterToken(deps: Pick<Deps, 'repos'>, report: Report, incidentId: string): string {
  const known = report.contactId ? deps.repos.reports.reporterTokenOf(incidentId, report.contactId) : undefined;
  return known ?? report.reporterToken ?? randomBytes(12).toString('base64url');
}

/**
 * An incident is a flood incident while every one of its reporters is a flood reporter: a flood near a real raid
 * does not silence the real reports, and a flood alone triggers no automatic message.
 */
export function keepFloodMark(deps: Pick<Deps, 'repos' | 'config'>, incidentId: string, now: number): void {
  const counts = deps.repos.reports.countsByIncident([incidentId]).get(incidentId);
  const flood = counts !== undefined && counts.distinctReporters > 0 && counts.floodReporters === counts.distinctReporters;
  const stored = deps.repos.incidents.get(incidentId)?.flood;
  if (stored !== undefined && stored !== flood) deps.repos.incidents.update(incidentId, { flood }, now);
  // Corroboration (distinct non-flood reporters close in space and time) raises the priority; it never releases.
  applyCorroboration(deps, incidentId, now);
}

/**
 * A report learned its place after it was filed (a photo's GPS, a transcript, a late answer): it is placed if that
 * is more precise than what it had, and re-clustered. A report not yet processed is left to its worker.
 */
export async function placeReport(deps: PlacementDeps, reportId: string, location: Location): Promise<void> {
  const now = deps.now();
  const changed = await deps.writes.run(() => {
    const report = deps.repos.reports.get(reportId);
    if (!report) return [];
    const had = storedLocation(report);
    if (had && !isMorePrecise(location.precision, had.precision)) return [];
    const named = { ...location, label: location.label || pointLabel(deps, location), zip: location.zip ?? deps.locator.zipOf(location) };
    deps.repos.reports.setLocation(report.id, named, report.locationText);
    if (report.status !== 'processed') return [];
    const placed = deps.repos.reports.get(report.id) ?? report;
    const incident = clusterReport(deps, placed, named, now);
    if (incident.id !== report.incidentId) {
      deps.repos.reports.update(report.id, { incidentId: incident.id, reporterToken: reporterToken(deps, placed, incident.id) });
    }
    keepFloodMark(deps, incident.id, now);
    return [incident.id, report.incidentId].filter((id): id is string => id !== null);
  });
  for (const id of new Set(changed)) deps.events.incidentChanged(id);
  await requestVerification(deps, changed[0] ?? '');
}

/** A point without words (a photo's GPS) is named by the nearest intersection, as a pasted map link would be. */
function pointLabel(deps: PlacementDeps, location: Location): string {
  const named = deps.locator.read(`${location.lat.toFixed(6)}, ${location.lng.toFixed(6)}`).location;
  return named?.label || `${location.lat.toFixed(4)}, ${location.lng.toFixed(4)}`;
}

/** A report's text changed (a voice transcript arrived): read it again — kind, details, language, then its place. */
export async function rereadReport(deps: PlacementDeps, reportId: string): Promise<void> {
  const report = deps.repos.reports.get(reportId);
  if (!report) return;
  // Offline only: this runs in the web role (the transcription webhook); the operator's geocoder is a worker's job.
  const reading = deps.locator.read(report.text);
  const kind = classifyKind(report.text, reading.placeKind, reading.location?.words ?? null);
  const language = reportLanguage(report.text).language ?? report.language;
  const now = deps.now();
  await deps.writes.run(() => {
    deps.repos.reports.update(report.id, { kind, language, details: readDetails(report.text) });
    const incident = report.incidentId ? deps.repos.incidents.get(report.incidentId) : undefined;
    if (incident && incident.kind === 'other' && kind !== 'other') deps.repos.incidents.update(incident.id, { kind }, now);
  });
  const keypad = storedLocation(report);
  // The caller's keypad ZIP stays unless the words name a more precise place.
  if (reading.location && (!keypad || (isPrecise(reading.location.precision) && isMorePrecise(reading.location.precision, keypad.precision)))) {
    await placeReport(deps, reportId, reading.location);
  } else if (reading.geocoderQuery && deps.config.geocoder && !(keypad && isPrecise(keypad.precision))) {
    // Street words no offline source knows: a worker reads it again with the geocoder.
    await deps.writes.run(() => deps.repos.reports.update(report.id, { status: 'received' }));
    await deps.queues.processReport(report.id).catch((error: Error) => deps.log.warn({ err: error.message }, 'report not queued now; the reconciler will'));
  } else if (report.incidentId) {
    deps.events.incidentChanged(report.incidentId);
  }
}
