// A worker's part of a report: read where it is (offline, then the operator's geocoder), cluster it into an
// incident, and ask the sender where if no place was found.
import type { Report } from '../db/repositories/reports.js';
import { isMorePrecise, isPrecise } from '../domain/clustering.js';
import { fitSms } from '../domain/sms-fit.js';
import type { Location } from '../domain/types.js';
import { t } from '../i18n/index.js';
import { schedulePage } from './paging.js';
import { requestVerification } from './verification.js';
import { clusterReport, keepFloodMark, type PlacementDeps, reporterToken, storedLocation } from './placement.js';

type ReportDeps = PlacementDeps;

/** Idempotent: a processed report is left alone, so a retried or duplicated job changes nothing. */
export async function processReport(deps: ReportDeps, reportId: string): Promise<void> {
  const before = deps.repos.reports.get(reportId);
  if (!before || before.status === 'processed') return;
  // The geocoder may be an HTTP call: it runs before the transaction, never inside it.
  const location = await locate(deps, before);
  const now = deps.now();
  const result = await deps.writes.run(() => {
    const report = deps.repos.reports.get(reportId);
    if (!report || report.status === 'processed') return null;
    // An answer to "where?" may have been committed since `location` was read: the more precise of the two wins.
    const stored = storedLocation(report);
    const place = location && (!stored || isMorePrecise(location.precision, stored.precision)) ? location : stored;
    if (place && place !== stored) deps.repos.reports.setLocation(report.id, place, report.locationText);
    // During a flood, reports from new numbers trigger no automatic message until a dispatcher acts.
    const question = !place && !report.flood ? askForLocation(deps, report, now) : null;
    const placed = deps.repos.reports.get(report.id) ?? report;
    const incident = clusterReport(deps, placed, place, now);
    const token = reporterToken(deps, placed, incident.id);
    deps.repos.reports.update(report.id, { status: 'processed', processedAt: now, incidentId: incident.id, reporterToken: token });
    keepFloodMark(deps, incident.id, now);
    return { incidentIds: [incident.id, report.incidentId], question, hasMedia: report.media.length > 0 };
  });
  if (!result) return;
  // Photos and recordings are fetched now, while the provider still has them; if Redis is away, the reconciler will.
  if (result.hasMedia) await deps.queues.fetchMedia(reportId).catch((error: Error) => deps.log.warn({ err: error.message }, 'media fetch not queued now; the reconciler will'));
  if (result.question) await deps.queues.sendMessages([result.question]);
  for (const id of new Set(result.incidentIds)) if (id) deps.events.incidentChanged(id);
  await requestVerification(deps, result.incidentIds[0] ?? '');
  // Dispatchers are paged on time if nobody opens it, not at the next maintenance run.
  await schedulePage(deps, result.incidentIds[0] ?? '');
}

/** What the webhook read (or a later answer gave), improved by the full chain when it is not precise. */
async function locate(deps: ReportDeps, report: Report): Promise<Location | null> {
  const stored = storedLocation(report);
  if (stored && isPrecise(stored.precision)) return stored;
  // A voice report's text is a placeholder until its transcript arrives; its keypad ZIP is what it has.
  if (report.channel === 'voice' && report.transcript !== 'done') return stored;
  const reading = await deps.locator.locate(report.locationText ?? report.text);
  const found = reading.location;
  if (found && (!stored || isMorePrecise(found.precision, stored.precision))) return found;
  return stored;
}

/**
 * No place after all. Asked not yet (the webhook thought the text had one): ask. Asked once and the answer did not
 * resolve either: ask once more, with examples. After that a dispatcher places it by hand.
 */
function askForLocation(deps: ReportDeps, report: Report, now: number): string | null {
  const firstAsk = report.locationAsks === 0 && !report.askedLocation;
  const secondAsk = report.locationAsks === 1 && report.locationText !== null;
  if (!firstAsk && !secondAsk) return null;
  const contact = report.contactId ? deps.repos.contacts.get(report.contactId) : undefined;
  if (!contact || contact.stoppedAt !== null || !contact.phoneEnc) return null;
  const locale = contact.locale ?? deps.config.defaultLocale;
  const kind = firstAsk ? 'location_question' : 'location_question_examples';
  deps.repos.reports.update(report.id, {
    askedLocation: true,
    locationAsks: report.locationAsks + 1,
    awaitingLocationUntil: now + deps.config.followupMinutes * 60_000,
  });
  const [id] = deps.repos.messages.plan(
    [{ dedupeKey: `${kind}:${report.id}`, incidentId: null, contactId: contact.id, kind, locale, body: fitSms(t(locale, kind)) }],
    now,
  );
  return id ?? null;
}
