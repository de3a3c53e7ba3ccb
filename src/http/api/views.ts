// How rows look in the console API: ISO times, locations as one object, no phone numbers but masked ones.
import type { Committee } from '../../db/repositories/committees.js';
import type { Incident } from '../../db/repositories/incidents.js';
import type { ReporterCounts, Report } from '../../db/repositories/reports.js';
import type { Repositories } from '../../deps.js';

export const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

function location(row: { lat: number | null; lng: number | null; label: string | null; precision: string | null }) {
  return row.lat === null || row.lng === null ? null : { lat: row.lat, lng: row.lng, label: row.label ?? '', precision: row.precision };
}

export function incidentView(incident: Incident, counts?: ReporterCounts) {
  return {
    id: incident.id,
    code: incident.code,
    status: incident.status,
    kind: incident.kind,
    location: location(incident),
    reportCount: counts?.reportCount ?? 0,
    distinctReporters: counts?.distinctReporters ?? 0,
    // Reporters with a report marked `flood`; the incident is `flood` while that is every one of them.
    floodReporters: counts?.floodReporters ?? 0,
    flood: incident.flood,
    drill: incident.drill,
    afterDismissedId: incident.afterDismissedId,
    firstReportedAt: iso(incident.firstReportedAt),
    lastReportedAt: iso(incident.lastReportedAt),
    confirmedAt: iso(incident.confirmedAt),
    closedAt: iso(incident.closedAt),
    createdAt: iso(incident.createdAt),
    updatedAt: iso(incident.updatedAt),
  };
}

export function incidentViews(repos: Repositories, incidents: Incident[]) {
  const counts = repos.reports.countsByIncident(incidents.map((i) => i.id));
  return incidents.map((incident) => incidentView(incident, counts.get(incident.id)));
}

export function reportView(report: Report) {
  return {
    id: report.id,
    incidentId: report.incidentId,
    channel: report.channel,
    text: report.text,
    language: report.language,
    kind: report.kind,
    location: location(report),
    locationText: report.locationText,
    // Sent by a number new to the line during a flood warning.
    flood: report.flood,
    receivedAt: iso(report.receivedAt),
    media: report.media,
  };
}

export function committeeView(committee: Committee) {
  return {
    id: committee.id,
    name: committee.name,
    area: committee.area,
    inviteCode: committee.inviteCode,
    autoApprove: committee.autoApprove,
    createdAt: iso(committee.createdAt),
  };
}
