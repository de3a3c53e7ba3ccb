// Verify, then alert: a located incident is sent at once to the nearest on-duty verifiers of the committees that
// cover it, each with a check code only they got. Their `1/2 <check>` acknowledges, `CONFIRM/FALSE <check>` is
// their word; nobody answering moves on to the next nearest, then to the dispatchers and coordinators.
// The SMS side (`verifierAck`, `verifierWord`, `coordinatorSend`) runs inside the inbound transaction and hands
// back what must happen after the commit (`VerifyFollowUp`, run by `runVerifyFollowUp`).
import { inTransaction } from '../db/client.js';
import type { Incident } from '../db/repositories/incidents.js';
import type { PlannedMessage } from '../db/repositories/messages.js';
import type { Deps } from '../deps.js';
import { broadcastText } from '../domain/alert-text.js';
import { randomCode } from '../domain/codes.js';
import { fitSms } from '../domain/sms-fit.js';
import { isLocale, type Locale, UNCONFIRMED_STATUSES } from '../domain/types.js';
import { chooseVerifiers, isOnDuty, roundAnswered, roundDeclined, verdictEffect, verifyRequestText } from '../domain/verification.js';
import { areaContains } from '../geo/areas.js';
import { type MessageKey, t } from '../i18n/index.js';
import { alertAudience } from './broadcast.js';
import { queueAlert, releaseIfApproved } from './incidents.js';
import { pageDispatchers } from './paging.js';

/** What starting or advancing verification needs; report processing has no phone vault (paging needs one). */
type StepDeps = Pick<Deps, 'db' | 'repos' | 'config' | 'now' | 'queues' | 'events' | 'log'>;
/** Deciding a step only reads and writes the database: it runs inside the caller's transaction. */
type Rules = Pick<Deps, 'repos' | 'config'>;
type FullDeps = StepDeps & Pick<Deps, 'vault' | 'writes' | 'locator'>;

const CHECK_CODE_LENGTH = 5;

/** Work owed after the inbound transaction committed: sends of rows already written, a release, a page. */
export interface VerifyFollowUp {
  incidentId: string;
  sends: string[];
  release?: boolean;
  page?: 'disputed' | 'escalation';
}

/** Where a step of verification left things, for the caller to queue after the commit. */
interface Step {
  sends: string[];
  page?: 'escalation';
}

// ── starting and escalating ──────────────────────────────────────────────────────────────────────────────────

/**
 * A just-placed incident is sent to verifiers at once, unless a flood brought it (a dispatcher asks then), it is a
 * drill, or it was sent before. Safe to call for any incident id, any number of times.
 */
export async function requestVerification(deps: StepDeps, incidentId: string): Promise<void> {
  // Most processed reports join an incident already sent: a plain read spares them a write transaction.
  const seen = incidentId ? deps.repos.incidents.get(incidentId) : undefined;
  if (!seen || !autoVerifiable(seen)) return;
  const now = deps.now();
  const step = inTransaction(deps.db, (): Step | null => {
    const incident = deps.repos.incidents.get(incidentId);
    if (!incident || !autoVerifiable(incident)) return null;
    return firstRound(deps, incident, now);
  });
  if (step) await afterStep(deps, incidentId, step.sends);
}

function autoVerifiable(incident: Incident): boolean {
  return (
    incident.status === 'new' &&
    incident.mergedIntoId === null &&
    incident.lat !== null &&
    !incident.flood &&
    !incident.drill &&
    incident.verifyRound === 0 &&
    incident.verifyNextAt === null
  );
}

/** Round 1, or, with nobody to ask, escalation at the next maintenance run (which can page dispatchers). */
function firstRound(deps: Rules, incident: Incident, now: number): Step {
  const sends = askRound(deps, incident, 1, now);
  if (sends !== null) return { sends };
  deps.repos.incidents.update(incident.id, { verifyRound: 1, verifyNextAt: now }, now);
  deps.repos.incidents.addEvent(incident.id, 'verify_none', now, { round: 1 });
  return { sends: [] };
}

export type AskResult = 'asked' | 'none' | 'conflict' | 'not_found';

/** `POST /api/incidents/:id/verify`: a dispatcher asks the next nearest on-duty verifiers now (a flood incident too). */
export async function askVerifiersNow(deps: StepDeps, idOrIncident: string, userId: string): Promise<AskResult> {
  const now = deps.now();
  const outcome = inTransaction(deps.db, (): { result: AskResult; sends?: string[] } => {
    const incident = deps.repos.incidents.get(idOrIncident);
    if (!incident || incident.mergedIntoId) return { result: 'not_found' };
    if (incident.lat === null || !UNCONFIRMED_STATUSES.includes(incident.status)) return { result: 'conflict' };
    const sends = askRound(deps, incident, incident.verifyRound + 1, now, userId);
    if (sends === null) return { result: 'none' };
    deps.repos.audit.record('incident.verify', now, { actorUserId: userId, target: incident.id });
    return { result: 'asked', sends };
  });
  if (outcome.sends) await afterStep(deps, idOrIncident, outcome.sends);
  return outcome.result;
}

/**
 * The periodic duty: a start lost to a crash is made up, and every incident whose verifiers did not acknowledge in
 * VERIFY_ACK_MINUTES moves on to the next nearest, then to dispatchers and coordinators.
 */
export async function escalateVerifications(deps: StepDeps & Pick<Deps, 'vault'>): Promise<number> {
  for (const incident of deps.repos.verifications.notStarted()) await requestVerification(deps, incident.id);
  const now = deps.now();
  let steps = 0;
  for (const due of deps.repos.verifications.dueSteps(now)) {
    const step = inTransaction(deps.db, () => {
      const incident = deps.repos.incidents.get(due.id);
      // Re-read under the write lock: an acknowledgement or a confirmation that landed meanwhile wins.
      if (!incident || incident.verifyNextAt === null || incident.verifyNextAt > now || !UNCONFIRMED_STATUSES.includes(incident.status)) return null;
      return nextStep(deps, incident, now);
    });
    if (!step) continue;
    steps += 1;
    await afterStep(deps, due.id, step.sends);
    if (step.page) await pageOrWarn(deps, due.id, step.page);
  }
  return steps;
}

/** Inside a transaction: the latest round is over (nobody acknowledged, or all said "can't"); ask the next. */
function nextStep(deps: Rules, incident: Incident, now: number): Step {
  const latest = deps.repos.verifications.ofIncident(incident.id).filter((r) => r.round === incident.verifyRound);
  if (roundAnswered(latest)) {
    // Someone is on the way or gave their word: nothing to escalate.
    deps.repos.incidents.update(incident.id, { verifyNextAt: null }, now);
    return { sends: [] };
  }
  const sends = askRound(deps, incident, incident.verifyRound + 1, now);
  if (sends !== null) return { sends };
  return escalateToPeople(deps, incident, now);
}

/**
 * Asks the next nearest on-duty verifiers never asked about this incident. Null when there is nobody left to ask.
 * Returns the ledger rows written (the VERIFY requests), to be queued after the commit.
 */
function askRound(deps: Rules, incident: Incident, round: number, now: number, userId?: string): string[] | null {
  if (incident.lat === null || incident.lng === null) return null;
  const { verifications } = deps.repos;
  const covering = coveringCommittees(deps, incident);
  const asked = new Set(verifications.ofIncident(incident.id).map((r) => r.contactId));
  for (const report of deps.repos.reports.ofIncident(incident.id)) if (report.contactId) asked.add(report.contactId);
  const candidates = verifications.dutyMembers(covering, ['verifier']);
  const chosen = chooseVerifiers(candidates, { lat: incident.lat, lng: incident.lng }, {
    exclude: asked,
    fanout: deps.config.verify.fanout,
    at: now,
    timeZone: deps.config.timezone,
  });
  if (chosen.length === 0) return null;
  const locales = deps.repos.contacts.localesOf(chosen.map((c) => c.contactId));
  const planned: PlannedMessage[] = chosen.map(({ contactId, distanceMeters }) => {
    const checkCode = freeCheckCode(deps);
    verifications.insert({ incidentId: incident.id, contactId, checkCode, round, askedAt: now });
    const locale = localeOf(deps, locales.get(contactId) ?? null);
    return {
      dedupeKey: `verify_request:${incident.id}:${contactId}`,
      incidentId: incident.id,
      contactId,
      kind: 'verify_request',
      locale,
      body: verifyRequestText(locale, incident, checkCode),
      distanceMeters,
    };
  });
  const sends = deps.repos.messages.plan(planned, now);
  deps.repos.incidents.transition(incident.id, ['new'], { status: 'verifying' }, now);
  deps.repos.incidents.update(incident.id, { verifyRound: round, verifyNextAt: now + deps.config.verify.ackMinutes * 60_000 }, now);
  deps.repos.incidents.addEvent(incident.id, 'verify_asked', now, { round, verifiers: chosen.length }, userId);
  return sends;
}

/** Verifiers ran out: on-duty coordinators of the covering committees get an SMS, and the dispatchers are paged. */
function escalateToPeople(deps: Rules, incident: Incident, now: number): Step {
  const coordinators = deps.repos.verifications
    .dutyMembers(coveringCommittees(deps, incident), ['coordinator'])
    .filter((c) => isOnDuty(c, now, deps.config.timezone));
  const unique = [...new Map(coordinators.map((c) => [c.contactId, c])).values()];
  const sends = deps.repos.messages.plan(
    unique.map((c) => {
      const locale = localeOf(deps, c.locale);
      return {
        dedupeKey: `verify_escalation:${incident.id}:${c.contactId}`,
        incidentId: incident.id,
        contactId: c.contactId,
        kind: 'verify_escalation',
        locale,
        body: fitSms(t(locale, 'verify_no_verifier', { code: incident.code, kind: t(locale, `kind_${incident.kind}`), place: incident.label ?? '?' })),
      };
    }),
    now,
  );
  deps.repos.incidents.update(incident.id, { verifyNextAt: null }, now);
  deps.repos.incidents.addEvent(incident.id, 'verify_escalated', now, { round: incident.verifyRound, coordinators: unique.length });
  return { sends, page: 'escalation' };
}

async function afterStep(deps: StepDeps, incidentId: string, sends: string[]): Promise<void> {
  await queueSends(deps, incidentId, sends);
  deps.events.incidentChanged(incidentId);
}

// ── the verifier's and the coordinator's SMS ─────────────────────────────────────────────────────────────────

type SmsCtx = Pick<Deps, 'repos' | 'config'> & { now: number };
export interface VerifyAnswer {
  kind: string;
  key: MessageKey;
  params?: Record<string, string>;
  incidentId?: string;
  followUp?: VerifyFollowUp;
}

/**
 * `1 <check>` / `2 <check>` from the number that was sent that check code: an acknowledgement. Undefined when the
 * code is no check code of theirs (then it is read as a roll-call answer). All of a round saying "can't" moves on at once.
 */
export function verifierAck(ctx: SmsCtx, contactId: string, answer: 'going' | 'cannot', check: string): VerifyAnswer | undefined {
  const request = ctx.repos.verifications.findForContact(check, contactId);
  if (!request) return undefined;
  const incident = current(ctx, request.incidentId);
  if (!incident || !UNCONFIRMED_STATUSES.includes(incident.status)) return { kind: 'verify_ack', key: 'verify_closed', params: { code: incident?.code ?? '' } };
  ctx.repos.verifications.setAck(request.id, answer, ctx.now);
  ctx.repos.incidents.addEvent(incident.id, 'verify_ack', ctx.now, { answer, round: request.round });
  let followUp: VerifyFollowUp | undefined;
  if (answer === 'going') {
    ctx.repos.incidents.update(incident.id, { verifyNextAt: null }, ctx.now);
  } else if (request.round === incident.verifyRound && incident.verifyNextAt !== null) {
    const round = ctx.repos.verifications.ofIncident(incident.id).filter((r) => r.round === incident.verifyRound);
    if (roundDeclined(round)) {
      const step = nextStep(ctx, incident, ctx.now);
      followUp = { incidentId: incident.id, sends: step.sends, ...(step.page ? { page: step.page } : {}) };
    }
  }
  return {
    kind: 'verify_ack',
    key: answer === 'going' ? 'verify_ack_going' : 'verify_ack_cannot',
    params: { code: incident.code, check: request.checkCode },
    incidentId: incident.id,
    ...(followUp ? { followUp } : {}),
  };
}

/**
 * `CONFIRM <check>` / `FALSE <check>`: the word of the verifier who was sent that check code. Without a check code
 * of theirs nothing changes and the reply says how to answer.
 */
export function verifierWord(ctx: SmsCtx, contactId: string, verdict: 'confirm' | 'false', check: string | null): VerifyAnswer {
  const request = check ? ctx.repos.verifications.findForContact(check, contactId) : undefined;
  if (!request) return { kind: 'verify', key: ctx.repos.verifications.askedAny(contactId) ? 'verify_how' : 'verify_nothing' };
  const incident = current(ctx, request.incidentId);
  if (!incident || !['new', 'verifying', 'confirmed'].includes(incident.status)) return { kind: 'verify', key: 'verify_closed', params: { code: incident?.code ?? '' } };
  const { now, repos } = ctx;
  repos.verifications.setVerdict(request.id, verdict, now);
  repos.incidents.addEvent(incident.id, 'verified', now, { verdict, round: request.round });
  repos.audit.record(verdict === 'confirm' ? 'incident.verify_confirm' : 'incident.verify_false', now, { target: incident.id, detail: { contactId } });
  const approvals = repos.incidents.approvals(incident.id);
  const effect = verdictEffect(verdict, { confirmed: incident.status === 'confirmed', approvals: approvals.length });
  const base = { kind: 'verify', params: { code: incident.code }, incidentId: incident.id };
  if (effect === 'approve') {
    if (incident.status === 'confirmed') return { ...base, key: 'verify_recorded' };
    const followUp = approve(ctx, incident, contactId, 'verifier');
    return { ...base, key: 'verify_recorded', followUp };
  }
  if (effect === 'dispute') {
    if (incident.disputedAt === null) repos.incidents.update(incident.id, { disputedAt: now }, now);
    repos.incidents.addEvent(incident.id, 'disputed', now, { approvals: approvals.length });
    return { ...base, key: 'verify_disputed', followUp: { incidentId: incident.id, sends: [], page: 'disputed' } };
  }
  return { ...base, key: 'verify_dismissed', followUp: dismissAsFalse(ctx, incident, contactId) };
}

/** `SEND <incident code>` from a coordinator of a covering committee: one approval, only after a verifier confirmed. */
export function coordinatorSend(ctx: SmsCtx, contactId: string, code: string): VerifyAnswer {
  const found = ctx.repos.incidents.findByCode(code);
  const incident = found ? current(ctx, found.id) : undefined;
  const coordinates =
    incident !== undefined &&
    ctx.repos.verifications.dutyMembers(coveringCommittees(ctx, incident), ['coordinator']).some((m) => m.contactId === contactId);
  if (!incident || !coordinates) return { kind: 'send', key: 'send_not_allowed' };
  const base = { kind: 'send', params: { code: incident.code }, incidentId: incident.id };
  if (incident.status === 'confirmed') return { ...base, key: 'send_recorded' };
  if (!UNCONFIRMED_STATUSES.includes(incident.status)) return { ...base, key: 'verify_closed' };
  const verified = ctx.repos.verifications.ofIncident(incident.id).some((r) => r.verdict === 'confirm');
  if (!verified) return { ...base, key: 'send_not_verified' };
  return { ...base, key: 'send_recorded', followUp: approve(ctx, incident, contactId, 'coordinator') };
}

/** One person's approval by SMS (once per person); the release, when it is the last one needed, like a console release. */
function approve(ctx: SmsCtx, incident: Incident, contactId: string, by: 'verifier' | 'coordinator'): VerifyFollowUp {
  const { repos, now } = ctx;
  const isNew = repos.verifications.approveByContact(incident.id, contactId, now);
  if (isNew) {
    repos.incidents.update(incident.id, {}, now);
    repos.incidents.addEvent(incident.id, 'approved', now, { by });
    repos.audit.record('incident.approve', now, { target: incident.id, detail: { contactId, by } });
  }
  const release = releaseIfApproved(ctx, incident.id, now, { contactId });
  if (release.result === 'released') repos.incidents.update(incident.id, { verifyNextAt: null }, now);
  return { incidentId: incident.id, sends: [], release: release.result === 'released' };
}

/** A verifier's FALSE while nobody approved: dismissed as false; the other verifiers asked get a stand-down. */
function dismissAsFalse(ctx: SmsCtx, incident: Incident, contactId: string): VerifyFollowUp {
  const { repos, now } = ctx;
  if (!repos.incidents.transition(incident.id, UNCONFIRMED_STATUSES, { status: 'dismissed', closedAt: now, dismissReason: 'false', verifyNextAt: null }, now)) {
    return { incidentId: incident.id, sends: [] };
  }
  repos.incidents.addEvent(incident.id, 'dismissed', now, { reason: 'false', by: 'verifier' });
  repos.audit.record('incident.dismiss', now, { target: incident.id, detail: { reason: 'false', contactId } });
  const closed = repos.incidents.get(incident.id) ?? incident;
  return { incidentId: incident.id, sends: planStandDown(ctx, closed, now, [contactId]) };
}

/**
 * Inside a transaction that dismissed an unconfirmed incident: requests not yet handed over are cancelled, and every
 * verifier asked (but `except`) gets a stand-down. Returns the rows to queue.
 */
export function planStandDown(deps: Pick<Deps, 'repos' | 'config'>, incident: Incident, now: number, except: string[] = []): string[] {
  deps.repos.messages.cancelPending(incident.id, ['verify_request'], now);
  const skip = new Set(except);
  const asked = deps.repos.verifications.ofIncident(incident.id).filter((r) => !skip.has(r.contactId));
  if (asked.length === 0) return [];
  const locales = deps.repos.contacts.localesOf(asked.map((r) => r.contactId));
  return deps.repos.messages.plan(
    asked.map((r) => {
      const locale = localeOf(deps, locales.get(r.contactId) ?? null);
      return {
        dedupeKey: `stand_down:${incident.id}:${r.contactId}`,
        incidentId: incident.id,
        contactId: r.contactId,
        kind: 'stand_down',
        locale,
        body: broadcastText('stand_down', locale, incident),
      };
    }),
    now,
  );
}

/** After the inbound transaction committed: the alert fan-out, sends and pages it owes. */
export async function runVerifyFollowUp(deps: FullDeps, followUp: VerifyFollowUp): Promise<void> {
  if (followUp.release) await queueAlert(deps, followUp.incidentId);
  await queueSends(deps, followUp.incidentId, followUp.sends);
  if (followUp.page) await pageOrWarn(deps, followUp.incidentId, followUp.page);
  deps.events.incidentChanged(followUp.incidentId);
}

// ── admins ───────────────────────────────────────────────────────────────────────────────────────────────────

/** Admins with a phone get one SMS per incident when its released alert reaches more than ADMIN_NOTICE_RECIPIENTS. */
export async function noticeAdminsOfLargeAlert(deps: StepDeps & Pick<Deps, 'vault'>, incidentId: string): Promise<void> {
  const incident = deps.repos.incidents.get(incidentId);
  if (!incident || incident.status !== 'confirmed' || incident.lat === null || incident.lng === null) return;
  const admins = deps.repos.verifications.usersWithPhone(['admin'], false);
  if (admins.length === 0) return;
  const count = alertAudience(deps, { ...incident, lat: incident.lat, lng: incident.lng }).recipients.length;
  if (count <= deps.config.adminNoticeRecipients) return;
  const now = deps.now();
  const sends = inTransaction(deps.db, () => {
    const planned: PlannedMessage[] = [];
    for (const admin of admins) {
      const contact = contactOfPhone(deps, admin.phoneEnc, now);
      if (!contact || contact.stoppedAt !== null) continue;
      const locale = localeOf(deps, contact.locale);
      planned.push({
        dedupeKey: `admin_notice:${incident.id}:${contact.id}`,
        incidentId: incident.id,
        contactId: contact.id,
        kind: 'admin_notice',
        locale,
        body: fitSms(t(locale, 'admin_notice', { code: incident.code, count, kind: t(locale, `kind_${incident.kind}`), place: incident.label ?? '?' })),
      });
    }
    const written = deps.repos.messages.plan(planned, now);
    if (written.length > 0) deps.repos.incidents.addEvent(incident.id, 'admins_noticed', now, { recipients: count, admins: written.length });
    return written;
  });
  await queueSends(deps, incident.id, sends);
}

function contactOfPhone(deps: Pick<Deps, 'repos' | 'vault' | 'log'>, phoneEnc: string, now: number) {
  try {
    return deps.repos.contacts.findOrCreate(deps.vault.decrypt(phoneEnc), now, true).contact;
  } catch (error) {
    deps.log.warn({ err: (error as Error).message }, "an admin's phone number could not be read; not texted");
    return null;
  }
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────────

/** The incident a request was about, or the one it was merged into. */
function current(ctx: Pick<Deps, 'repos'>, incidentId: string): Incident | undefined {
  const incident = ctx.repos.incidents.get(incidentId);
  return incident?.mergedIntoId ? ctx.repos.incidents.get(incident.mergedIntoId) : incident;
}

function coveringCommittees(deps: Pick<Deps, 'repos'>, incident: Incident): string[] {
  if (incident.lat === null || incident.lng === null) return [];
  const point = { lat: incident.lat, lng: incident.lng, zip: incident.zip, precision: incident.precision ?? undefined };
  return deps.repos.committees
    .list()
    .filter((committee) => {
      try {
        return areaContains(committee.area, point);
      } catch {
        return false;
      }
    })
    .map((committee) => committee.id);
}

function freeCheckCode(deps: Pick<Deps, 'repos'>): string {
  let code = randomCode(CHECK_CODE_LENGTH);
  while (deps.repos.verifications.checkInUse(code)) code = randomCode(CHECK_CODE_LENGTH);
  return code;
}

function localeOf(deps: Pick<Deps, 'config'>, locale: string | null): Locale {
  return locale && isLocale(locale) ? locale : deps.config.defaultLocale;
}

async function queueSends(deps: Pick<Deps, 'queues' | 'log'>, incidentId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await deps.queues.sendMessages(ids).catch((error: Error) => deps.log.warn({ err: error.message, incidentId }, 'verification sends not queued now; the reconciler will'));
}

async function pageOrWarn(deps: StepDeps & Pick<Deps, 'vault'>, incidentId: string, reason: 'disputed' | 'escalation'): Promise<void> {
  const incident = deps.repos.incidents.get(incidentId);
  if (!incident) return;
  await pageDispatchers(deps, incident, reason).catch((error: Error) => deps.log.warn({ err: error.message, incidentId }, 'dispatchers not paged now'));
}
