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
import { alertedContacts, correctionText, thankReporters } from './follow-through.js';

type BroadcastDeps = Pick<Deps, 'db' | 'repos' | 'config' | 'now' | 'queues' | 'events' | 'log'>;

/**
 * How many of the nearest members are written and queued first, in a transaction of their own, before the other
 * members are even read: the first alerts leave while the rest of the plan is still being made.
 */
export const FIRST_CHUNK = 100;
/** The rest, in transactions this size, each queued as soon as it is written; sends get turns in between. */
export const LATER_CHUNK = 500;
/** Members read per query after the first chunk: sends run between the pages. */
const READ_PAGE = 2000;

/**
 * Writes the ledger rows of one broadcast in chunks, nearest first, and queues each chunk's sends as soon as it is
 * written. Safe to run again (a retried job): rows are unique, and rows an earlier run wrote but did not see sent
 * are queued again in their place. An alert's plan counts as written (`alertPlannedAt`) only once every chunk is.
 */
export async function runBroadcast(deps: BroadcastDeps, job: AlertJob): Promise<number> {
  const now = deps.now();
  const incident = deps.repos.incidents.get(job.incidentId);
  if (!incident) return 0;
  if (job.kind !== 'alert' && job.kind !== 'update') return legacyFollowUp(deps, incident, now);
  const placed = releasable(incident);
  if (job.kind === 'alert' && !placed) return 0;
  const chunks = placed && job.kind === 'alert' ? alertChunks(deps, placed, now) : updateChunks(deps, incident, job.updateId ?? '');
  const kind = job.kind === 'update' ? `update:${job.updateId ?? ''}` : 'alert';
  const stillConfirmed = () => job.kind !== 'alert' || deps.repos.incidents.get(incident.id)?.status === 'confirmed';
  // What an earlier, interrupted run of this job wrote: a crash between a chunk's write and its queueing loses nothing.
  const earlier = new Map(
    deps.repos.messages
      .ofIncident(incident.id)
      .filter((row) => row.kind === kind)
      .map((row) => [row.dedupeKey, row]),
  );
  const planned = new Set<string>();
  let queued = 0;
  for await (const chunk of chunks) {
    // The nearest chunk and the full plan overlap: each person once.
    const fresh = chunk.filter((message) => !planned.has(message.dedupeKey));
    for (const message of fresh) planned.add(message.dedupeKey);
    // Re-read inside the write lock: a dismissal that landed meanwhile wins, and no further chunk is written.
    const written = inTransaction(deps.db, () =>
      stillConfirmed() ? deps.repos.messages.plan(fresh.filter((message) => !earlier.has(message.dedupeKey)), now) : null,
    );
    if (written === null) return stopped(deps, incident.id, queued);
    const again = fresh.flatMap((message) => {
      const row = earlier.get(message.dedupeKey);
      return row?.status === 'queued' ? [row.id] : [];
    });
    queued += (await queueAgain(deps, again)) + (await queueSends(deps, written));
    // The send worker runs in this process too: a turn of the event loop for it before the next synchronous write.
    await nextTurn();
  }
  // Unsent rows of an earlier run for someone no longer in the plan (a member left meanwhile): as before, sent.
  const leftover = [...earlier.values()].filter((row) => row.status === 'queued' && !planned.has(row.dedupeKey)).map((row) => row.id);
  const complete = inTransaction(deps.db, () => {
    if (!stillConfirmed()) return false;
    if (job.kind === 'alert') deps.repos.incidents.update(incident.id, { alertPlannedAt: now, alertFailedAt: null }, now);
    return true;
  });
  if (!complete) return stopped(deps, incident.id, queued);
  queued += await queueAgain(deps, leftover);
  // After the alerts: reporters whose number is still held hear once that responders were alerted.
  if (job.kind === 'alert') await thankReporters(deps, incident.id);
  deps.events.incidentChanged(incident.id);
  return queued;
}

type PlacedIncident = Incident & { lat: number; lng: number };

/** A confirmed, placed incident, which an alert can go out for; a dismissal or resolution that came first wins. */
function releasable(incident: Incident): PlacedIncident | null {
  if (incident.status !== 'confirmed' || incident.lat === null || incident.lng === null) return null;
  return { ...incident, lat: incident.lat, lng: incident.lng };
}

/** Dismissed or resolved between chunks: the rows already queued are cancelled by the send worker. */
function stopped(deps: BroadcastDeps, incidentId: string, queued: number): number {
  if (queued > 0) deps.events.incidentChanged(incidentId);
  return queued;
}

async function queueSends(deps: BroadcastDeps, ids: string[]): Promise<number> {
  if (ids.length > 0) await deps.queues.sendMessages(ids);
  return ids.length;
}

/** Rows an earlier run wrote: those still in a live send job are left to it. */
async function queueAgain(deps: BroadcastDeps, ids: string[]): Promise<number> {
  return ids.length > 0 ? deps.queues.requeueSends(ids) : 0;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * An alert's rows, nearest first: the nearest FIRST_CHUNK members, read on their own; then everyone, read in pages
 * with turns in between, in chunks of LATER_CHUNK (the caller leaves out those already written).
 */
async function* alertChunks(deps: BroadcastDeps, incident: PlacedIncident, now: number): AsyncGenerator<PlannedMessage[]> {
  const covering = coveringCommittees(deps, incident).map((committee) => committee.id);
  const toMessage = alertMessage(deps, incident, now);
  const reporters = reportersOf(deps, incident.id);
  const nearest = deps.repos.committees.nearestReachable(covering, incident, 2 * FIRST_CHUNK);
  yield audienceOf(deps, incident, nearest, reporters).recipients.slice(0, FIRST_CHUNK).map(toMessage);
  const reachable: Reachable[] = [];
  for (let after = 0; ; await nextTurn()) {
    const page = deps.repos.committees.reachableMembersPage(covering, after, READ_PAGE);
    reachable.push(...page.members);
    if (page.members.length < READ_PAGE) break;
    after = page.lastRow;
  }
  const { recipients } = audienceOf(deps, incident, reachable, reporters);
  for (let start = 0; start < recipients.length; start += LATER_CHUNK) yield recipients.slice(start, start + LATER_CHUNK).map(toMessage);
}

function alertMessage(deps: BroadcastDeps, incident: PlacedIncident, now: number): (recipient: Recipient) => PlannedMessage {
  const notAfter = (incident.confirmedAt ?? now) + deps.config.sms.alertValiditySeconds * 1000;
  const texts = textsFor(incident, 'alert');
  return (r) => {
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
  };
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
  return audienceOf(deps, incident, deps.repos.committees.reachableMembers(covering.map((c) => c.id)), reportersOf(deps, incident.id));
}

/** The incident's reporters: an alert never goes back to the number that reported it. */
function reportersOf(deps: Pick<BroadcastDeps, 'repos'>, incidentId: string): Set<string> {
  return new Set(deps.repos.reports.ofIncident(incidentId).flatMap((r) => (r.contactId ? [r.contactId] : [])));
}

/** Of these reachable members, who gets the alert: drill opt-outs and the incident's reporters left out. */
function audienceOf(
  deps: Pick<BroadcastDeps, 'repos'>,
  incident: Incident & { lat: number; lng: number },
  reachable: Reachable[],
  reporters: ReadonlySet<string>,
): { recipients: Recipient[]; candidates: Reachable[] } {
  // A drill never reaches a number that said DRILLS OFF.
  const optedOut = incident.drill ? deps.repos.rollCall.drillsOffAmong(reachable.map((c) => c.contactId)) : null;
  const candidates = optedOut ? reachable.filter((c) => !optedOut.has(c.contactId)) : reachable;
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

/** An update goes to exactly those the alert was handed over for, in chunks like an alert's. */
async function* updateChunks(deps: BroadcastDeps, incident: Incident, updateId: string): AsyncGenerator<PlannedMessage[]> {
  const audience = deps.repos.messages.handedOverContacts(incident.id, 'alert');
  const messages = followUpMessages(deps, incident, `update:${updateId}`, textsFor(incident, 'update', updateTextOf(deps, incident.id, updateId)), audience);
  for (let start = 0; start < messages.length; start += LATER_CHUNK) yield messages.slice(start, start + LATER_CHUNK);
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
  const text = kind === 'correction' ? correctionText(deps.repos, incident) : textsFor(incident, kind);
  return deps.repos.messages.plan(followUpMessages(deps, incident, kind, text, audience), now);
}

function followUpMessages(
  deps: Pick<BroadcastDeps, 'repos' | 'config'>,
  incident: Incident,
  kind: string,
  texts: (locale: Locale) => string,
  audience: string[],
): PlannedMessage[] {
  const locales = deps.repos.contacts.localesOf(audience);
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
