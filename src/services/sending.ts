// Sends a batch of ledger rows. The row, not the job, decides: it is claimed (marked under way) before the provider
// is called, and a row whose earlier attempt ended in doubt is looked up at the provider before it is sent again.
import type { Contact } from '../db/repositories/contacts.js';
import type { Claim, OutgoingMessage } from '../db/repositories/messages.js';
import type { Deps } from '../deps.js';
import type { IncidentStatus } from '../domain/types.js';
import { ProviderError } from '../sms/provider.js';
import { closingFollowUp, planClosingFollowUp } from './broadcast.js';
import { recordProviderCall } from './send-health.js';

type SendDeps = Pick<Deps, 'repos' | 'sms' | 'now' | 'log' | 'queues' | 'config' | 'writes' | 'redis' | 'events'>;

/**
 * How long a claim holds: past it, the worker that claimed the row is presumed dead. A live worker holds a claim
 * for at most one lookup and one send, each bounded by the provider timeout: it never claims more rows than the
 * provider lets it call at once (send-pacing.ts), so no claimed row waits for a turn.
 */
export function sendLeaseMs(providerTimeoutMs: number): number {
  return 2 * providerTimeoutMs + 10_000;
}
export const PAUSE_KEY = 'sending_paused';

/**
 * Which rows the reconciler or a resume queues again: claims past their lease, and rows in doubt until they have
 * been claimed three jobs' worth of attempts. Past that a row stays `unknown` (as shown) instead of being looked
 * up at the provider every few minutes for ever.
 */
export function claimRules(config: Pick<Deps['config'], 'twilio' | 'sms'>): { leaseMs: number; max: number } {
  return { leaseMs: sendLeaseMs(config.twilio.timeoutMs), max: 3 * config.sms.sendAttempts };
}

export type SendOutcome = 'sent' | 'already' | 'skipped' | 'busy' | 'paused' | 'expired' | 'failed' | 'found' | 'in-doubt';

/**
 * Sends a batch of rows (one send job): their claims are committed together, then every claimed row is sent at
 * once. Each row ends as it would alone; when any may be retried (left `queued` or `unknown`), its ProviderError
 * is thrown after the others are done, and the job's next attempt finds those already sent and skips them.
 * `finalAttempt` marks such rows failed instead, so no message is ever dropped silently — except a row in doubt,
 * which stays `unknown` (shown as such) until the provider's list can say whether it went out.
 */
export async function sendMessages(deps: SendDeps, messageIds: string[], finalAttempt: boolean): Promise<SendOutcome[]> {
  const { repos } = deps;
  if (repos.systemState.get(PAUSE_KEY)) return messageIds.map(() => 'paused');
  // Read and claimed in one step, committed (durably) before the provider is called: that is what makes a crash
  // safe. Whether an earlier attempt may have gone out is decided from the row as the claim found it: a row read
  // before the claim may have been sent and left in doubt by another run meanwhile.
  const lease = sendLeaseMs(deps.config.twilio.timeoutMs);
  const claims = await deps.writes.run(() => repos.messages.claimMany(messageIds, deps.now(), lease));
  const batch = readBatch(deps, claims);
  const settled = await Promise.allSettled(claims.map((claim) => sendClaimed(deps, claim, batch, finalAttempt)));
  // Open incident pages hear of the new delivery counts (coalesced by the publisher).
  const incidentIds = new Set(claims.flatMap((claim) => (claim.row?.incidentId ? [claim.row.incidentId] : [])));
  for (const incidentId of incidentIds) deps.events.incidentChanged(incidentId);
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<SendOutcome>).value);
}

/** What the claimed rows of a batch are sent with, read once for all of them. */
interface BatchReads {
  contacts: Map<string, Contact>;
  /** Each alert's incident status as the batch began (rows in doubt read it again after their lookup). */
  incidentStatus: Map<string, IncidentStatus | undefined>;
}

function readBatch(deps: SendDeps, claims: Claim[]): BatchReads {
  const rows = claims.flatMap((claim) => (claim.claimed ? [claim.row] : []));
  const incidentIds = new Set(rows.flatMap((row) => (row.kind === 'alert' && row.incidentId ? [row.incidentId] : [])));
  return {
    contacts: deps.repos.contacts.getMany([...new Set(rows.map((row) => row.contactId))]),
    incidentStatus: new Map([...incidentIds].map((id) => [id, deps.repos.incidents.get(id)?.status])),
  };
}

async function sendClaimed(deps: SendDeps, claim: Claim, batch: BatchReads, finalAttempt: boolean): Promise<SendOutcome> {
  const { repos } = deps;
  if (!claim.row) return 'skipped';
  if (!claim.claimed) return repos.messages.isFinal(claim.row.status) ? 'already' : 'busy';
  const row = claim.row;
  const inDoubt = row.status === 'unknown' || row.status === 'sending';
  const contact = batch.contacts.get(row.contactId);
  const phone = contact ? repos.contacts.phoneOf(contact) : null;

  // First, whether an earlier attempt went out after all: then nothing else matters.
  if (inDoubt && phone) {
    let found: string | null;
    try {
      found = await deps.sms.findSent(phone, row.sendingAt ?? row.createdAt, row.body);
    } catch (error) {
      return keepInDoubt(deps, row.id, error, finalAttempt);
    }
    recordProviderCall(deps, 'ok');
    if (found) {
      await markSent(deps, row, found);
      return 'found';
    }
  }

  const now = deps.now();
  if (row.notAfter !== null && now > row.notAfter) {
    repos.messages.setStatus(row.id, 'expired', now);
    return 'expired';
  }
  // An alert whose incident was dismissed or resolved meanwhile never goes out.
  // (A row in doubt waited for its lookup: its incident is read again.)
  const statusOf = (incidentId: string) => (inDoubt ? repos.incidents.get(incidentId)?.status : batch.incidentStatus.get(incidentId));
  if (row.kind === 'alert' && row.incidentId !== null && statusOf(row.incidentId) !== 'confirmed') {
    repos.messages.setStatus(row.id, 'cancelled', now);
    return 'skipped';
  }
  if (!phone || !contact || contact.stoppedAt !== null || contact.unreachableAt !== null) {
    repos.messages.setStatus(row.id, 'cancelled', now, contact?.stoppedAt ? 'stopped' : 'unreachable');
    return 'skipped';
  }

  let sid: string;
  try {
    const validitySeconds = row.notAfter !== null ? (row.notAfter - deps.now()) / 1000 : undefined;
    ({ sid } = await deps.sms.send({ to: phone, body: row.body, validitySeconds }));
  } catch (error) {
    return handleFailure(deps, row.id, row.contactId, error, finalAttempt);
  }
  recordProviderCall(deps, 'ok');
  await markSent(deps, row, sid);
  return 'sent';
}

/**
 * Marks the row sent as soon as the provider answers: its status callbacks find it by the provider's id. The
 * commit is lazy (rows that finish together share it, without an fsync of their own): lost in a power cut, the row
 * would stay `sending` and be found at the provider, never sent twice. An alert that went out while its incident
 * was being closed (it was in flight, or in doubt) must not miss the correction or the all clear: its follow-up
 * row is written in the same transaction (the closing one wrote rows only for alerts already handed over).
 */
async function markSent(deps: SendDeps, row: OutgoingMessage, sid: string): Promise<void> {
  const sentAt = deps.now();
  const followUps = await deps.writes.run(
    () => {
      deps.repos.messages.markSent(row.id, sid, sentAt);
      if (row.kind !== 'alert' || !row.incidentId) return [];
      const incident = deps.repos.incidents.get(row.incidentId);
      const kind = incident ? closingFollowUp(incident) : null;
      return incident && kind ? planClosingFollowUp(deps, incident, kind, sentAt, [row.contactId]) : [];
    },
    { lazy: true },
  );
  if (followUps.length === 0) return;
  await deps.queues.sendMessages(followUps).catch((error: Error) => {
    deps.log.warn({ err: error.message, incidentId: row.incidentId }, 'follow-up for a late alert not queued now; the reconciler will');
  });
}

/** The lookup itself failed: the row stays in doubt, never back to `queued`, so it is never resent blindly. */
async function keepInDoubt(deps: SendDeps, id: string, error: unknown, finalAttempt: boolean): Promise<SendOutcome> {
  const e = error instanceof ProviderError ? error : new ProviderError('retryable', 'internal', String(error), true);
  deps.repos.messages.setStatus(id, 'unknown', deps.now(), e.code);
  recordProviderCall(deps, 'failed');
  if (e.kind === 'account') {
    pauseSending(deps, e.code);
    return 'paused';
  }
  if (finalAttempt) return 'in-doubt';
  throw e;
}

async function handleFailure(deps: SendDeps, id: string, contactId: string, error: unknown, finalAttempt: boolean): Promise<SendOutcome> {
  const { repos } = deps;
  const now = deps.now();
  const e = error instanceof ProviderError ? error : new ProviderError('retryable', 'internal', String(error), true);
  // An error about one recipient says nothing about whether the provider takes our messages.
  if (e.kind !== 'recipient') recordProviderCall(deps, 'failed');
  switch (e.kind) {
    case 'recipient':
      repos.messages.setStatus(id, 'failed', now, e.code);
      if (e.code === '21610') repos.contacts.markStopped(contactId, now);
      // Only a number that can never get SMS is set aside; a routing failure may pass.
      else if (e.code === '21211' || e.code === '21614') repos.contacts.markUnreachable(contactId, now);
      return 'failed';
    case 'permanent':
      repos.messages.setStatus(id, 'failed', now, e.code);
      return 'failed';
    case 'account':
      // Nothing was accepted; the row waits, and so does every other until an operator resumes sending.
      repos.messages.setStatus(id, 'queued', now, e.code);
      pauseSending(deps, e.code);
      return 'paused';
    case 'retryable':
      if (finalAttempt) {
        repos.messages.setStatus(id, e.maybeAccepted ? 'unknown' : 'failed', now, e.code);
        if (!e.maybeAccepted) return 'failed';
      } else {
        repos.messages.setStatus(id, e.maybeAccepted ? 'unknown' : 'queued', now, e.code);
      }
      throw e;
  }
}

/**
 * The flag lives in SQLite, shared by every worker: jobs that find it set leave their rows queued and finish,
 * and resuming queues every waiting row again. (BullMQ's own queue pause is not used: the ledger is the truth.)
 */
export function pauseSending(deps: Pick<Deps, 'repos' | 'now' | 'log'>, code: string): void {
  const now = deps.now();
  if (!deps.repos.systemState.get(PAUSE_KEY)) {
    deps.repos.systemState.set(PAUSE_KEY, { code, since: new Date(now).toISOString() }, now);
    deps.repos.audit.record('sending.paused', now, { detail: { code } });
    deps.log.error({ code }, 'provider refused the account or sender: sending paused until an operator resumes it');
  }
}

export async function resumeSending(deps: Pick<Deps, 'repos' | 'now' | 'queues' | 'config'>, userId: string): Promise<number> {
  const now = deps.now();
  deps.repos.systemState.clear(PAUSE_KEY);
  deps.repos.audit.record('sending.resumed', now, { actorUserId: userId });
  const rows = deps.repos.messages.unfinished(now, claimRules(deps.config));
  return rows.length > 0 ? deps.queues.requeueSends(rows.map((row) => row.id)) : 0;
}
