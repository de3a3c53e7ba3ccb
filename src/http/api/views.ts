// How rows look in the console API: ISO times, locations as one object, no phone numbers but masked ones.
// The shapes are declared in src/http/schemas.ts; these functions build objects of those types.
import type { Committee } from '../../db/repositories/committees.js';
import type { Incident } from '../../db/repositories/incidents.js';
import type { MediaInfo } from '../../db/repositories/media.js';
import type { ReporterCounts, Report } from '../../db/repositories/reports.js';
import type { Repositories } from '../../deps.js';
import type { LocationSource, Precision } from '../../domain/types.js';
import type { floodStatus } from '../../services/limits.js';
import { rollCallOf } from '../../services/roll-call.js';
import type { CommitteeView, FloodView, IncidentDetailView, IncidentView, LocationView, ReportView } from '../schemas.js';

export function iso(ms: number): string;
export function iso(ms: number | null | undefined): string | null;
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

function location(row: {
  lat: number | null;
  lng: number | null;
  label: string | null;
  precision: Precision | null;
  locationSource: LocationSource | null;
  locationWords: string | null;
}): LocationView {
  return row.lat === null || row.lng === null
    ? null
    : { lat: row.lat, lng: row.lng, label: row.label ?? '', precision: row.precision, source: row.locationSource ?? null, words: row.locationWords };
}

export function incidentView(incident: Incident, counts?: ReporterCounts): IncidentView {
  return {
    id: incident.id,
    code: incident.code,
    status: incident.status,
    kind: incident.kind,
    location: location(incident),
    reportCount: counts?.reportCount ?? 0,
    distinctReporters: counts?.distinctReporters ?? 0,
    floodReporters: counts?.floodReporters ?? 0,
    flood: incident.flood,
    drill: incident.drill,
    priority: incident.priority,
    afterDismissedId: incident.afterDismissedId,
    firstReportedAt: iso(incident.firstReportedAt),
    lastReportedAt: iso(incident.lastReportedAt),
    confirmedAt: iso(incident.confirmedAt),
    alertFailedAt: iso(incident.alertFailedAt),
    closedAt: iso(incident.closedAt),
    createdAt: iso(incident.createdAt),
    updatedAt: iso(incident.updatedAt),
  };
}

export function incidentViews(repos: Repositories, incidents: Incident[]): IncidentView[] {
  const counts = repos.reports.countsByIncident(incidents.map((i) => i.id));
  return incidents.map((incident) => incidentView(incident, counts.get(incident.id)));
}

/** One incident with its reports, timeline, ledger tallies per kind and status, responders' answers and approvals. */
export function incidentDetailView(repos: Repositories, incident: Incident, needed: number): IncidentDetailView {
  const [view] = incidentViews(repos, [incident]);
  const reports = repos.reports.ofIncident(incident.id);
  return {
    ...(view ?? incidentView(incident)),
    mergedIntoId: incident.mergedIntoId,
    mergeSuggestion: mergeSuggestion(repos, incident),
    reports: withReporterLetters(reports, reportViews(repos, reports)),
    timeline: repos.incidents.events(incident.id).map((e) => ({ at: iso(e.at), type: e.type, actorUserId: e.actorUserId, detail: e.detail })),
    alerts: repos.messages.countsByStatus(incident.id),
    responses: repos.responses.ofIncident(incident.id).map((r) => ({ id: r.id, answer: r.answer, at: iso(r.at), phone: r.phoneMask })),
    rollCall: rollCallOf(repos, incident),
    approvals: approvalsView(repos, incident.id),
    needed,
  };
}

/**
 * Who approved, first first: console users by email; people by SMS by what they are, never by number — `verifier`
 * for someone who was asked to verify it, else `coordinator` (a coordinator's `SEND`).
 */
function approvalsView(repos: Repositories, incidentId: string): Array<{ by: string; at: string }> {
  const asked = new Set(repos.verifications.ofIncident(incidentId).map((request) => request.contactId));
  return repos.incidents.approvals(incidentId).map((a) => ({
    by: a.email ?? (a.contactId !== null && asked.has(a.contactId) ? 'verifier' : 'coordinator'),
    at: iso(a.at),
  }));
}

/** The suggested merge partner while both are open and neither was merged. */
function mergeSuggestion(repos: Repositories, incident: Incident): { id: string; code: string } | null {
  const other = incident.mergeSuggestionId ? repos.incidents.get(incident.mergeSuggestionId) : undefined;
  if (!other || other.mergedIntoId || incident.mergedIntoId) return null;
  return { id: other.id, code: other.code };
}

/** "Reporter A, B, C…" in order of first report: one sender keeps one letter (by the per-incident reporter token). */
function withReporterLetters(reports: Report[], views: ReportView[]): Array<ReportView & { reporter: string }> {
  const letters = new Map<string, string>();
  return views.map((view, i) => {
    const report = reports[i];
    const key = report?.reporterToken ?? report?.contactId ?? view.id;
    let letter = letters.get(key);
    if (letter === undefined) {
      letter = reporterLetter(letters.size);
      letters.set(key, letter);
    }
    return { ...view, reporter: letter };
  });
}

/** 0 → A, 25 → Z, 26 → AA … */
function reporterLetter(n: number): string {
  return (n >= 26 ? reporterLetter(Math.floor(n / 26) - 1) : '') + String.fromCharCode(65 + (n % 26));
}

/** Reports with their stored photos and recordings (one query for all of them). */
export function reportViews(repos: Repositories, reports: Report[]): ReportView[] {
  const media = repos.media.ofReports(reports.map((report) => report.id));
  return reports.map((report) => reportView(report, media.get(report.id) ?? []));
}

export function reportView(report: Report, media: MediaInfo[] = []): ReportView {
  return {
    id: report.id,
    incidentId: report.incidentId,
    channel: report.channel,
    text: report.text,
    language: report.language,
    kind: report.kind,
    location: location(report),
    locationText: report.locationText,
    details: report.details ?? {},
    flood: report.flood,
    status: report.status,
    receivedAt: iso(report.receivedAt),
    media: media.map((m) => ({ id: m.id, kind: m.kind, contentType: m.contentType, url: `/api/media/${m.id}` })),
    transcript: report.transcript,
    machineText: report.transcript === 'done',
  };
}

export function committeeView(committee: Committee): CommitteeView {
  return {
    id: committee.id,
    name: committee.name,
    area: committee.area,
    inviteCode: committee.inviteCode,
    autoApprove: committee.autoApprove,
    createdAt: iso(committee.createdAt),
  };
}

/** The flood warning's state is stored as loose JSON; the API states its types. */
export function floodView(flood: ReturnType<typeof floodStatus>): FloodView {
  return flood.active ? { active: true, since: String(flood.since), newReportersIn10Min: Number(flood.newReportersIn10Min) } : { active: false };
}
