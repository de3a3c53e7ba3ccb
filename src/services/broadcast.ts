// Fan-out: who gets a broadcast, written to the ledger, then one send job per row, nearest first.
import { inTransaction } from '../db/client.js';
import type { Incident } from '../db/repositories/incidents.js';
import type { PlannedMessage } from '../db/repositories/messages.js';
import type { Deps } from '../deps.js';
import { type BroadcastText, broadcastText } from '../domain/alert-text.js';
import { planRecipients, type Recipient } from '../domain/recipients.js';
import { isLocale, LOCALES, type Locale } from '../domain/types.js';
import { areaContains } from '../geo/areas.js';
import type { AlertJob } from '../queue/names.js';
import { alertedContacts, thankReporters } from './follow-through.js';

type BroadcastDeps = Pick<Deps, 'db' | 'repos' | 'config' | 'now' | 'queues' | 'events' | 'log'>;

/** Writes the ledger rows of one broadcast and queues their sends. Safe to run again: rows are unique. */
export async function runBroadcast(deps: BroadcastDeps, job: AlertJob): Promise<number> {
  const now = deps.now();
  const incident = deps.repos.incidents.get(job.incidentId);
  if (!incident) return 0;
  if (job.kind !== 'alert' && job.kind !== 'update') return legacyFollowUp(deps, incident, now);
  const planned = job.kind === 'alert' ? planAlert(deps, incident, now) : planUpdate(deps, incident, job.updateId ?? '');
  if (planned === null) return 0;
  const written = inTransaction(deps.db, () => {
    // Re-read inside the write lock: a dismissal that landed while recipients were computed wins.
    if (job.kind === 'alert' && deps.repos.incidents.get(incident.id)?.status !== 'confirmed') return false;
    deps.repos.messages.plan(planned, now);
    if (job.kind === 'alert') deps.repos.incidents.update(incident.id, { alertPlannedAt: now, alertFailedAt: null }, now);
    return true;
  });
  if (!written) return 0;
  // Every unsent row of this broadcast, not only the ones written now: a crash between the two steps loses nothing.
  const kind = job.kind === 'update' ? `update:${job.updateId ?? ''}` : 'alert';
  const pending = deps.repos.messages
    .ofIncident(incident.id)
    .filter((row) => row.kind === kind && row.status === 'queued')
    .sort((a, b) => (a.distanceMeters ?? Infinity) - (b.distanceMeters ?? Infinity));
  if (pending.length > 0) await deps.queues.sendMessages(pending.map((row) => row.id));
  // After the alerts: reporters whose number is still held hear once that responders were alerted.
  if (job.kind === 'alert') await thankReporters(deps, incident.id);
  deps.events.incidentChanged(incident.id);
  return pending.length;
}

function planAlert(deps: BroadcastDeps, incident: Incident, now: number): PlannedMessage[] | null {
  // A dismissal or resolution that came first wins: the alert never goes out.
  if (incident.status !== 'confirmed' || incident.lat === null || incident.lng === null) return null;
  const { recipients } = alertAudience(deps, { ...incident, lat: incident.lat, lng: incident.lng });
  const notAfter = (incident.confirmedAt ?? now) + deps.config.sms.alertValiditySeconds * 1000;
  const texts = textsFor(incident, 'alert');
  return recipients.map((r) => {
    const locale = localeOf(deps, r.locale);
    return {
      dedupeKey: `alert:${incident.id}:${r.contactId}`,
      incidentId: incident.id,
      contactId: r.contactId,
      kind: 'alert',
      locale,
      body: texts(locale),
      distanceMeters: r.distanceMeters,
      notAfter,
    };
  });
}

export interface AlertAudience {
  recipients: Recipient[];
  /** The committees whose area covers the incident, each with how many of `recipients` are its members. */
  committees: Array<{ id: string; name: string; recipients: number }>;
}

/**
 * Who an alert for this placed incident goes to: active, reachable members of every covering committee, each
 * person once, its reporters left out. The fan-out and the console's preview both ask this.
 */
export function alertAudience(deps: Pick<BroadcastDeps, 'repos'>, incident: Incident & { lat: number; lng: number }): AlertAudience {
  const point = { lat: incident.lat, lng: incident.lng, zip: incident.zip, precision: incident.precision ?? undefined };
  const covering = deps.repos.committees.list().filter((committee) => areaContains(committee.area, point));
  const reachable = deps.repos.committees.reachableMembers(covering.map((c) => c.id));
  // A drill never reaches a number that said DRILLS OFF.
  const optedOut = incident.drill ? deps.repos.rollCall.drillsOffAmong(reachable.map((c) => c.contactId)) : null;
  const candidates = optedOut ? reachable.filter((c) => !optedOut.has(c.contactId)) : reachable;
  const reporters = new Set(deps.repos.reports.ofIncident(incident.id).flatMap((r) => (r.contactId ? [r.contactId] : [])));
  const recipients = planRecipients(candidates, point, reporters);
  const reached = new Set(recipients.map((r) => r.contactId));
  const committees = covering.map((committee) => ({
    id: committee.id,
    name: committee.name,
    recipients: new Set(candidates.filter((c) => c.committeeId === committee.id && reached.has(c.contactId)).map((c) => c.contactId)).size,
  }));
  return { recipients, committees };
}

/** The alert's text in each language, as the fan-out would compose it. */
export function alertTexts(incident: Incident): Record<Locale, string> {
  const texts = textsFor(incident, 'alert');
  return Object.fromEntries(LOCALES.map((locale) => [locale, texts(locale)])) as Record<Locale, string>;
}

/**
 * A correction or all clear queued as a job by a version before they were written with the incident's change (a
 * job left in Redis across an upgrade): its rows are written now, as the closing transaction would have.
 */
async function legacyFollowUp(deps: BroadcastDeps, incident: Incident, now: number): Promise<number> {
  const kind = closingFollowUp(incident);
  const ids = kind ? inTransaction(deps.db, () => planClosingFollowUp(deps, incident, kind, now)) : [];
  if (ids.length > 0) await deps.queues.sendMessages(ids);
  return ids.length;
}

/** An update goes to exactly those the alert was handed over for. */
function planUpdate(deps: BroadcastDeps, incident: Incident, updateId: string): PlannedMessage[] {
  const audience = deps.repos.messages.handedOverContacts(incident.id, 'alert');
  return followUpMessages(deps, incident, `update:${updateId}`, 'update', audience, updateTextOf(deps, incident.id, updateId));
}

export type ClosingFollowUp = 'correction' | 'all_clear';

/** What a closed incident owes those its alert reached: a correction after a dismissal, else the all clear. */
export function closingFollowUp(incident: Pick<Incident, 'status' | 'confirmedAt'>): ClosingFollowUp | null {
  if (incident.confirmedAt === null) return null;
  if (incident.status === 'dismissed') return 'correction';
  return incident.status === 'resolved' ? 'all_clear' : null;
}

/**
 * Writes the ledger rows of a correction or all clear (synchronous: meant for the transaction that closes the
 * incident, or that marks a late alert sent), to `contactIds` or to everyone the alert was handed over for.
 * Returns the ids of rows written now; whatever sends unsent rows sends them.
 */
export function planClosingFollowUp(
  deps: Pick<BroadcastDeps, 'repos' | 'config'>,
  incident: Incident,
  kind: ClosingFollowUp,
  now: number,
  contactIds?: string[],
): string[] {
  // Incidents merged into this one included: their members were told it is the same raid.
  const audience = contactIds ?? alertedContacts(deps.repos, incident.id);
  if (audience.length === 0) return [];
  return deps.repos.messages.plan(followUpMessages(deps, incident, kind, kind, audience), now);
}

function followUpMessages(
  deps: Pick<BroadcastDeps, 'repos' | 'config'>,
  incident: Incident,
  kind: string,
  text: BroadcastText,
  audience: string[],
  updateText = '',
): PlannedMessage[] {
  const locales = deps.repos.contacts.localesOf(audience);
  const texts = textsFor(incident, text, updateText);
  return audience.map((contactId) => {
    const locale = localeOf(deps, locales.get(contactId) ?? null);
    return { dedupeKey: `${kind}:${incident.id}:${contactId}`, incidentId: incident.id, contactId, kind, locale, body: texts(locale) };
  });
}

function updateTextOf(deps: BroadcastDeps, incidentId: string, updateId: string): string {
  const event = deps.repos.incidents.events(incidentId).find((e) => e.type === 'update' && e.detail?.['updateId'] === updateId);
  return typeof event?.detail?.['text'] === 'string' ? event.detail['text'] : '';
}

/** One text per language, composed once per broadcast. */
function textsFor(incident: Incident, kind: BroadcastText, updateText = ''): (locale: Locale) => string {
  const cache = new Map<Locale, string>();
  return (locale) => {
    let text = cache.get(locale);
    if (text === undefined) {
      text = broadcastText(kind, locale, incident, updateText);
      cache.set(locale, text);
    }
    return text;
  };
}

function localeOf(deps: Pick<BroadcastDeps, 'config'>, locale: string | null): Locale {
  return locale && isLocale(locale) ? locale : deps.config.defaultLocale;
}
