// A worker's part of a report: place it, cluster it into an incident, ask for a location if none was found.
import { randomBytes } from 'node:crypto';
import type { Incident } from '../db/repositories/incidents.js';
import type { Report } from '../db/repositories/reports.js';
import type { Deps } from '../deps.js';
import { chooseIncident, isMorePrecise } from '../domain/clustering.js';
import { incidentCode } from '../domain/codes.js';
import { fitSms } from '../domain/sms-fit.js';
import type { Location } from '../domain/types.js';
import { parseLocationOffline } from '../geo/parse-location.js';
import { t } from '../i18n/index.js';

type ReportDeps = Pick<Deps, 'db' | 'repos' | 'config' | 'now' | 'queues' | 'events' | 'log' | 'writes'>;

/** Idempotent: a processed report is left alone, so a retried or duplicated job changes nothing. */
export async function processReport(deps: ReportDeps, reportId: string): Promise<void> {
  const now = deps.now();
  const result = await deps.writes.run(() => {
    const report = deps.repos.reports.get(reportId);
    if (!report || report.status === 'processed') return null;
    const location = locate(report);
    if (location && report.lat === null) deps.repos.reports.setLocation(report.id, location, report.locationText);
    // During a flood, reports from new numbers trigger no automatic message until a dispatcher acts.
    const question = !location && !report.askedLocation && !report.flood ? askForLocation(deps, report, now) : null;
    const incident = cluster(deps, report, location, now);
    const token = reporterToken(deps, report, incident.id);
    deps.repos.reports.update(report.id, { status: 'processed', processedAt: now, incidentId: incident.id, reporterToken: token });
    keepFloodMark(deps, incident, now);
    return { incidentId: incident.id, question, hasMedia: report.media.length > 0 };
  });
  if (!result) return;
  // Photos and recordings are fetched now, while the provider still has them; if Redis is away, the reconciler will.
  if (result.hasMedia) await deps.queues.fetchMedia(reportId).catch((error: Error) => deps.log.warn({ err: error.message }, 'media fetch not queued now; the reconciler will'));
  if (result.question) await deps.queues.sendMessages([result.question]);
  deps.events.incidentChanged(result.incidentId);
}

/**
 * One random token per reporter per incident: distinct reporters stay countable after the 24-hour wipe unlinks
 * reports from numbers, and the token itself says nothing about who sent it.
 */
function reporterToken(deps: ReportDeps, report: Report, incidentId: string): string {
  const known = report.contactId ? deps.repos.reports.reporterTokenOf(incidentId, report.contactId) : undefined;
  return known ?? report.reporterToken ?? randomBytes(12).toString('base64url');
}

/**
 * An incident is a flood incident while every one of its reporters is a flood reporter: a flood near a real raid
 * does not silence the real reports, and a flood alone triggers no automatic message.
 */
function keepFloodMark(deps: ReportDeps, incident: Incident, now: number): void {
  const counts = deps.repos.reports.countsByIncident([incident.id]).get(incident.id);
  const flood = counts !== undefined && counts.distinctReporters > 0 && counts.floodReporters === counts.distinctReporters;
  const stored = deps.repos.incidents.get(incident.id)?.flood;
  if (stored !== undefined && stored !== flood) deps.repos.incidents.update(incident.id, { flood }, now);
}

/** The report's location: what the webhook read, else what the worker can read (geocoders plug in here). */
function locate(report: Report): Location | null {
  if (report.lat !== null && report.lng !== null && report.precision) {
    return { lat: report.lat, lng: report.lng, label: report.label ?? '', precision: report.precision, zip: report.zip };
  }
  return parseLocationOffline(report.locationText ?? report.text);
}

/** The webhook thought it had a location and the worker found none after all: ask by SMS. */
function askForLocation(deps: ReportDeps, report: Report, now: number): string | null {
  const contact = report.contactId ? deps.repos.contacts.get(report.contactId) : undefined;
  if (!contact || contact.stoppedAt !== null || !contact.phoneEnc) return null;
  const locale = contact.locale ?? deps.config.defaultLocale;
  deps.repos.reports.update(report.id, { askedLocation: true, awaitingLocationUntil: now + deps.config.followupMinutes * 60_000 });
  const [id] = deps.repos.messages.plan(
    [{ dedupeKey: `location_question:${report.id}`, incidentId: null, contactId: contact.id, kind: 'location_question', locale, body: fitSms(t(locale, 'location_question')) }],
    now,
  );
  return id ?? null;
}

function cluster(deps: ReportDeps, report: Report, location: Location | null, now: number): Incident {
  const { incidents, reports } = deps.repos;
  const current = report.incidentId ? incidents.get(report.incidentId) : undefined;

  if (!location) {
    // An unplaced report opens an unplaced incident at once, for a dispatcher to place.
    return current ?? openIncident(deps, report, null, null, now);
  }
  if (current && current.lat !== null) return current;

  const candidates = incidents
    .clusterCandidates(now - deps.config.clusterMinutes * 60_000)
    .filter((c) => c.id !== current?.id && c.lat !== null && c.lng !== null)
    .map((c) => ({ id: c.id, status: c.status, lastReportedAt: c.lastReportedAt, closedAt: c.closedAt, lat: c.lat ?? 0, lng: c.lng ?? 0 }));
  const decision = chooseIncident(location, report.receivedAt, candidates, { meters: deps.config.clusterMeters, minutes: deps.config.clusterMinutes });

  if ('join' in decision) {
    const target = incidents.get(decision.join);
    if (!target) throw new Error('cluster target vanished');
    if (current) {
      // The report had waited in an unplaced incident of its own: fold that one into the incident it belongs to.
      reports.moveToIncident(current.id, target.id);
      incidents.update(current.id, { mergedIntoId: target.id }, now);
      incidents.addEvent(current.id, 'merged', now, { into: target.id });
    }
    addReport(deps, target, report, location, now);
    return target;
  }
  if (current) {
    incidents.update(current.id, placement(location), now);
    incidents.addEvent(current.id, 'placed', now, { label: location.label, precision: location.precision, by: 'report' });
    return current;
  }
  return openIncident(deps, report, location, decision.afterDismissedId, now);
}

function addReport(deps: ReportDeps, incident: Incident, report: Report, location: Location, now: number): void {
  const patch: Partial<Incident> = { lastReportedAt: Math.max(incident.lastReportedAt, report.receivedAt) };
  if (isMorePrecise(location.precision, incident.precision)) Object.assign(patch, placement(location));
  if (incident.kind === 'other' && report.kind !== 'other') patch.kind = report.kind;
  deps.repos.incidents.update(incident.id, patch, now);
  deps.repos.incidents.addEvent(incident.id, 'report_added', now, { reportId: report.id });
}

function openIncident(deps: ReportDeps, report: Report, location: Location | null, afterDismissedId: string | null, now: number): Incident {
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

function placement(location: Location) {
  return { lat: location.lat, lng: location.lng, label: location.label, precision: location.precision, zip: location.zip ?? null };
}
