// After the alert: updates and reminders to those it reached, dismissal with its reason (a correction after release,
// a stand-down to the verifiers asked before it), and one thank-you to a reporter whose report led to an alert.
// Every message is a unique ledger row written in a transaction, then queued; the reconciler queues what Redis missed.
import { randomBytes } from 'node:crypto';
import { inTransaction } from '../db/client.js';
import type { Incident } from '../db/repositories/incidents.js';
import type { PlannedMessage } from '../db/repositories/messages.js';
import type { Deps, Repositories } from '../deps.js';
import { broadcastText, publicPlace } from '../domain/alert-text.js';
import { fitSms, toGsm7 } from '../domain/sms-fit.js';
import { isLocale, type Locale, OPEN_STATUSES } from '../domain/types.js';
import { type UpdateRoom, updateRoom } from '../domain/update-room.js';
import { t } from '../i18n/index.js';
import { REPORTER_NUMBER_HOURS } from './retention.js';

export type FollowThroughDeps = Pick<Deps, 'db' | 'repos' | 'config' | 'now' | 'queues' | 'events' | 'log'>;

export type DismissReason = 'false' | 'duplicate';
export interface DismissWhy {
  reason: DismissReason;
  /** The incident this one repeats (reason `duplicate`), when the dispatcher named it. */
  duplicateOfId?: string | null;
}

/** Everyone an alert of this incident, or of an incident merged into it, was handed over for. */
export function alertedContacts(repos: Pick<Repositories, 'followThrough'>, incidentId: string): string[] {
  return repos.followThrough.handedOver(repos.followThrough.family(incidentId), 'alert');
}

export type UpdateResult = { result: 'done'; updateId: string; recipients: number } | { result: 'too_long'; room: UpdateRoom } | { result: 'not_found' | 'conflict' };

/**
 * The dispatcher's words inside the `update` template, to exactly those the alert reached, in their language. The
 * whole must fit two segments in every language: a longer text is refused (with the room), never cut.
 */
export async function sendUpdate(deps: FollowThroughDeps, id: string, userId: string, text: string): Promise<UpdateResult> {
  const now = deps.now();
  const updateId = randomBytes(6).toString('base64url');
  const outcome = inTransaction(deps.db, (): UpdateResult & { ids?: string[] } => {
    const incident = deps.repos.incidents.get(id);
    if (!incident || incident.mergedIntoId) return { result: 'not_found' };
    if (incident.status !== 'confirmed') return { result: 'conflict' };
    const room = updateRoom(text, incident);
    if (room.left < 0 || !fitsUncut(incident, text)) return { result: 'too_long', room };
    const audience = alertedContacts(deps.repos, id);
    const ids = deps.repos.messages.plan(
      messages(deps, incident, audience, (contactId) => `update:${id}:${updateId}:${contactId}`, 'update', (locale) => broadcastText('update', locale, incident, text)),
      now,
    );
    deps.repos.incidents.addEvent(id, 'update', now, { updateId, text, recipients: audience.length }, userId);
    deps.repos.audit.record('incident.update', now, { actorUserId: userId, target: id, detail: { updateId, recipients: audience.length } });
    return { result: 'done', updateId, recipients: audience.length, ids };
  });
  if (outcome.result !== 'done') return outcome;
  await queue(deps, id, outcome.ids ?? []);
  deps.events.incidentChanged(id);
  return { result: 'done', updateId: outcome.updateId, recipients: outcome.recipients };
}

/** The composed text goes out whole in every language (the sender's fitting only drops accents, never words). */
function fitsUncut(incident: Incident, text: string): boolean {
  return (['en', 'es', 'tl'] as const).every((locale) => {
    const whole = t(locale, 'update', { drill: incident.drill ? t(locale, 'drill_prefix') : '', code: incident.code, text });
    const fitted = fitSms(whole);
    return fitted === whole || fitted === toGsm7(whole);
  });
}

export type RemindResult = { result: 'done'; recipients: number } | { result: 'not_found' | 'conflict' };

/** The alert once more, as a reminder, to those it reached who have not replied; once per member per incident. */
export async function remindIncident(deps: FollowThroughDeps, id: string, userId: string): Promise<RemindResult> {
  const now = deps.now();
  const outcome = inTransaction(deps.db, (): RemindResult & { ids?: string[] } => {
    const incident = deps.repos.incidents.get(id);
    if (!incident || incident.mergedIntoId) return { result: 'not_found' };
    if (incident.status !== 'confirmed') return { result: 'conflict' };
    const replied = deps.repos.followThrough.replied(id);
    const reminded = deps.repos.followThrough.planned([id], 'reminder');
    const audience = alertedContacts(deps.repos, id).filter((contactId) => !replied.has(contactId) && !reminded.has(contactId));

    const place = publicPlace(incident);
    const ids = deps.repos.messages.plan(
      messages(deps, incident, audience, (contactId) => `reminder:${id}:${contactId}`, 'reminder', (locale) =>
        fitSms(t(locale, 'reminder', { drill: drillPrefix(incident, locale), code: incident.code, kind: t(locale, `kind_${incident.kind}`), place })),
      ),
      now,
    );
    deps.repos.incidents.addEvent(id, 'reminded', now, { recipients: ids.length }, userId);
    deps.repos.audit.record('incident.remind', now, { actorUserId: userId, target: id, detail: { recipients: ids.length } });
    return { result: 'done', recipients: ids.length, ids };
  });
  if (outcome.result !== 'done') return outcome;
  await queue(deps, id, outcome.ids ?? []);
  deps.events.incidentChanged(id);
  return { result: 'done', recipients: outcome.recipients };
}

/**
 * Dismissal with its reason. Alerts not yet handed over are cancelled; after release everyone the alert reached gets
 * a correction that says what it was (a false alarm, or a duplicate of another incident); every verifier asked gets
 * a stand-down (unless the correction reaches them). Before release no member hears anything.
 */
export async function dismissWithReason(deps: FollowThroughDeps, id: string, userId: string | undefined, why: DismissWhy): Promise<'done' | 'unchanged' | 'conflict' | 'not_found'> {
  const now = deps.now();
  const outcome = inTransaction(deps.db, (): { result: 'done' | 'unchanged' | 'conflict' | 'not_found'; ids?: string[] } => {
    const incident = deps.repos.incidents.get(id);
    if (!incident || incident.mergedIntoId) return { result: 'not_found' };
    if (incident.status === 'dismissed') return { result: 'unchanged' };
    const duplicateOfId = why.reason === 'duplicate' ? (why.duplicateOfId ?? null) : null;
    // Verification stops with it: no next round, no VERIFY request still queued.
    const patch = { status: 'dismissed' as const, closedAt: now, dismissReason: why.reason, duplicateOfId, verifyNextAt: null };
    if (!deps.repos.incidents.transition(id, OPEN_STATUSES, patch, now)) return { result: 'conflict' };
    const cancelled = deps.repos.messages.cancelPending(id, ['alert'], now);
    deps.repos.messages.cancelPending(id, ['verify_request'], now);
    const other = duplicateOfId ? deps.repos.incidents.get(duplicateOfId) : undefined;
    deps.repos.incidents.addEvent(id, 'dismissed', now, { cancelledAlerts: cancelled, reason: why.reason, ...(other ? { duplicateOf: other.code } : {}) }, userId);
    deps.repos.audit.record('incident.dismiss', now, { actorUserId: userId ?? null, target: id, detail: { reason: why.reason, ...(other ? { duplicateOf: other.id } : {}) } });
    const corrected = incident.status === 'confirmed' ? alertedContacts(deps.repos, id) : [];
    const correction = correctionText(deps.repos, { ...incident, ...patch });
    // The same keys as a correction or stand-down written elsewhere: nobody gets either twice.
    const ids = deps.repos.messages.plan(messages(deps, incident, corrected, (c) => `correction:${id}:${c}`, 'correction', correction), now);
    const reached = new Set(corrected);
    const verifiers = deps.repos.followThrough.verifiersAsked(id).filter((contactId) => !reached.has(contactId));
    ids.push(...deps.repos.messages.plan(messages(deps, incident, verifiers, (c) => `stand_down:${id}:${c}`, 'stand_down', (locale) => broadcastText('stand_down', locale, incident)), now));
    return { result: 'done', ids };
  });
  if (outcome.result === 'done') {
    await queue(deps, id, outcome.ids ?? []);
    deps.events.incidentChanged(id);
  }
  return outcome.result;
}

/**
 * What a dismissed incident's correction says: a false alarm, or the same raid as another incident (named, when
 * the dispatcher named it). The same words whenever it is written: at the dismissal, or for an alert in flight
 * then that proved sent later.
 */
export function correctionText(repos: Pick<Repositories, 'incidents'>, incident: Incident): (locale: Locale) => string {
  const other = incident.dismissReason === 'duplicate' && incident.duplicateOfId ? repos.incidents.get(incident.duplicateOfId) : undefined;
  return (locale) => {
    if (incident.dismissReason !== 'duplicate') return broadcastText('correction', locale, incident);
    const drill = drillPrefix(incident, locale);
    if (other) return fitSms(t(locale, 'correction_duplicate', { drill, code: incident.code, other: other.code }));
    return fitSms(t(locale, 'correction_repeat', { drill, code: incident.code }));
  };
}

/**
 * One text to each reporter whose report led to an alert and whose number is still held (its report within the
 * 24-hour window, the ciphertext not wiped): it says responders were alerted, never who or how many. Once per
 * reporter per incident, merged ones included. Called once the alert's rows are written; safe to call again.
 */
export async function thankReporters(deps: FollowThroughDeps, incidentId: string): Promise<number> {
  if (!deps.config.reporterThanks) return 0;
  const now = deps.now();
  const ids = inTransaction(deps.db, () => {
    const incident = deps.repos.incidents.get(incidentId);
    if (!incident || incident.status !== 'confirmed' || incident.drill) return [];
    const family = deps.repos.followThrough.family(incidentId);
    if (deps.repos.followThrough.planned(family, 'alert').size === 0) return [];
    const thanked = deps.repos.followThrough.planned(family, 'reporter_thanks');
    const since = now - REPORTER_NUMBER_HOURS * 3_600_000;
    const reporters = deps.repos.followThrough.reportersStillHeld(incidentId, since).filter((contactId) => !thanked.has(contactId));
    return deps.repos.messages.plan(messages(deps, incident, reporters, (c) => `reporter_thanks:${incidentId}:${c}`, 'reporter_thanks', (locale) => t(locale, 'reporter_thanks')), now);
  });
  await queue(deps, incidentId, ids);
  return ids.length;
}

/** Ledger rows for `audience`, each in its contact's language (the network's default when unknown). */
export function messages(
  deps: Pick<FollowThroughDeps, 'repos' | 'config'>,
  incident: Incident,
  audience: string[],
  dedupeKey: (contactId: string) => string,
  kind: string,
  text: (locale: Locale) => string,
): PlannedMessage[] {
  const locales = deps.repos.contacts.localesOf(audience);
  const composed = new Map<Locale, string>();
  return audience.map((contactId) => {
    const stored = locales.get(contactId) ?? null;
    const locale = stored && isLocale(stored) ? stored : deps.config.defaultLocale;
    let body = composed.get(locale);
    if (body === undefined) composed.set(locale, (body = text(locale)));
    return { dedupeKey: dedupeKey(contactId), incidentId: incident.id, contactId, kind, locale, body };
  });
}

export function drillPrefix(incident: Pick<Incident, 'drill'>, locale: Locale): string {
  return incident.drill ? t(locale, 'drill_prefix') : '';
}

/** Queues sends of rows already in the ledger; if Redis is away, the reconciler queues every unsent row later. */
export async function queue(deps: Pick<FollowThroughDeps, 'queues' | 'log'>, incidentId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  try {
    await deps.queues.sendMessages(ids);
  } catch (error) {
    deps.log.warn({ err: (error as Error).message, incidentId }, 'sends not queued now; the reconciler will');
  }
}
