// Fan-out: who gets a broadcast, written to the ledger in chunks, nearest first, each chunk's sends queued as written.
import { inTransaction } from '../db/client.js';
import type { Committee, Reachable } from '../db/repositories/committees.js';
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

/**
 * How many of the nearest members are written and queued first, in a transaction of their own: the first alerts
 * leave while the rest of the plan is still being written.
 */
export const FIRST_CHUNK = 100;
/** The rest, in transactions this size, each queued as soon as it is written; sends get turns in between. */
export const LATER_CHUNK = 500;

/**
 * Writes the ledger rows of one broadcast in chunks, nearest first, and queues each chunk's sends as soon as it is
 * written. Safe to run again (a retried job): rows are unique, and rows an earlier run wrote but did not see sent
 * are queued again in their place. An alert's plan counts as written (`alertPlannedAt`) only with its last chunk.
 */
export async function runBroadcast(deps: BroadcastDeps, job: AlertJob): Promise<number> {
  const now = deps.now();
  const incident = deps.repos.incidents.get(job.incidentId);
  if (!incident) return 0;
  if (job.kind !== 'alert' && job.kind !== 'update') return legacyFollowUp(deps, incident, now);
  const planned = job.kind === 'alert' ? planAlert(deps, incident, now) : planUpdate(deps, incident, job.updateId ?? '');
  if (planned === null) return 0;
  const kind = job.kind === 'update' ? `update:${job.updateId ?? ''}` : 'alert';
  // What an earlier, interrupted run of this job wrote: a crash between a chunk's write and its queueing loses nothing.
  const earlier = new Map(
    deps.repos.messages
      .ofIncident(incident.id)
      .filter((row) => row.kind === kind)
      .map((row) => [row.dedupeKey, row]),
  );
  let queued = 0;
  for (const [start, end] of chunkBounds(planned.length)) {
    const chunk = planned.slice(start, end);
    const last = end === planned.length;
    const written = inTransaction(deps.db, () => {
      // Re-read inside the write lock: a dismissal that landed meanwhile wins, and no further chunk is written.
      if (job.kind === 'alert' && deps.repos.incidents.get(incident.id)?.status !== 'confirmed') return null;
      const ids = deps.repos.messages.plan(
        chunk.filter((message) => !earlier.has(message.dedupeKey)),
        now,
      );
      if (last && job.kind === 'alert') deps.repos.incidents.update(incident.id, { alertPlannedAt: now, alertFailedAt: null }, now);
      return ids;
    });
    if (written === null) {
      // Dismissed or resolved between chunks: the rows already queued are cancelled by the send worker.
      if (queued > 0) deps.events.incidentChanged(incident.id);
      return queued;
    }
    const again = chunk.flatMap((message) => {
      const row = earlier.get(message.dedupeKey);
      return row?.status === 'queued' ? [row.id] : [];
    });
    const ids = [...again, ...written];
    if (last) {
      // Unsent rows of an earlier run for someone no longer in the plan (a member left meanwhile): as before, sent.
      const keys = new Set(planned.map((message) => message.dedupeKey));
      for (const row of earlier.values()) if (row.status === 'queued' && !keys.has(row.dedupeKey)) ids.push(row.id);
    }
    if (ids.length > 0) await deps.queues.sendMessages(ids);
    queued += ids.length;
    // The send worker runs in this process too: a turn of the event loop for it before the next synchronous write.
    if (!last) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  // After the alerts: reporters whose number is still held hear once that responders were alerted.
  if (job.kind === 'alert') await thankReporters(deps, incident.id);
  deps.events.incidentChanged(incident.id);
  return queued;
}

/** [start, end) of each chunk of a plan of `total` rows; one empty chunk for an empty plan (it still gets written). */
function chunkBounds(total: number): Array<[number, number]> {
  const bounds: Array<[number, number]> = [[0, Math.min(FIRST_CHUNK, total)]];
  for (let start = FIRST_CHUNK; start < total; start += LATER_CHUNK) bounds.push([start, Math.min(start + LATER_CHUNK, total)]);
  return bounds;
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
 * person once, its reporters left out. The fan-out and the console's preview both ask this. The members are read
 * only when a count or the recipients are first asked for: a confirm asks only whether any committee covers the
 * place, and reading 10,000 members there would hold up the release by ~50 ms; the fan-out asks only for the
 * recipients, not the counts.
 */
export function alertAudience(deps: Pick<BroadcastDeps, 'repos'>, incident: Incident & { lat: number; lng: number }): AlertAudience {
  const covering = coveringCommittees(deps, incident);
  let read: { recipients: Recipient[]; candidates: Reachable[] } | undefined;
  let counts: Map<string, number> | undefined;
  const members = () => (read ??= readAudience(deps, incident, covering));
  const countOf = (committeeId: string) => (counts ??= countPerCommittee(members())).get(committeeId) ?? 0;
  return {
    get recipients() {
      return members().recipients;
    },
    committees: covering.map((committee) => ({
      id: committee.id,
      name: committee.name,
      get recipients() {
        return countOf(committee.id);
      },
    })),
  };
}

function readAudience(
  deps: Pick<BroadcastDeps, 'repos'>,
  incident: Incident & { lat: number; lng: number },
  covering: Committee[],
): { recipients: Recipient[]; candidates: Reachable[] } {
  const reachable = deps.repos.committees.reachableMembers(covering.map((c) => c.id));
  // A drill never reaches a number that said DRILLS OFF.
  const optedOut = incident.drill ? deps.repos.rollCall.drillsOffAmong(reachable.map((c) => c.contactId)) : null;
  const candidates = optedOut ? reachable.filter((c) => !optedOut.has(c.contactId)) : reachable;
  const reporters = new Set(deps.repos.reports.ofIncident(incident.id).flatMap((r) => (r.contactId ? [r.contactId] : [])));
  return { recipients: planRecipients(candidates, incident, reporters), candidates };
}

/** How many of the recipients each committee has (a member of two committees counts in both). */
function countPerCommittee(audience: { recipients: Recipient[]; candidates: Reachable[] }): Map<string, number> {
  const reached = new Set(audience.recipients.map((r) => r.contactId));
  const perCommittee = new Map<string, Set<string>>();
  for (const c of audience.candidates) {
    if (!reached.has(c.contactId)) continue;
    let contacts = perCommittee.get(c.committeeId);
    if (!contacts) perCommittee.set(c.committeeId, (contacts = new Set()));
    contacts.add(c.contactId);
  }
  return new Map([...perCommittee].map(([id, contacts]) => [id, contacts.size]));
}

/** The committees whose area contains the incident: whether it is covered at all, without reading any member. */
export function coveringCommittees(deps: Pick<BroadcastDeps, 'repos'>, incident: Incident & { lat: number; lng: number }): Committee[] {
  const point = { lat: incident.lat, lng: incident.lng, zip: incident.zip, precision: incident.precision ?? undefined };
  return deps.repos.committees.list().filter((committee) => areaContains(committee.area, point));
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
