// Sends one ledger row. The row, not the job, decides: it is claimed (marked under way) before the provider is
// called, and a row whose earlier attempt ended in doubt is looked up at the provider before it is sent again.
import type { Deps } from '../deps.js';
import { ProviderError } from '../sms/provider.js';

type SendDeps = Pick<Deps, 'repos' | 'sms' | 'now' | 'log' | 'queues' | 'config' | 'writes'>;

/**
 * How long a claim holds: past it, the worker that claimed the row is presumed dead. A live worker holds a claim
 * for at most one lookup and one send, each bounded by the provider timeout.
 */
export function sendLeaseMs(providerTimeoutMs: number): number {
  return 2 * providerTimeoutMs + 10_000;
}
export const PAUSE_KEY = 'sending_paused';

export type SendOutcome = 'sent' | 'already' | 'skipped' | 'busy' | 'paused' | 'expired' | 'failed' | 'found' | 'in-doubt';

/**
 * Throws a ProviderError when the attempt may be retried (the row is left `queued` or `unknown`);
 * `finalAttempt` marks the row failed instead, so no message is ever dropped silently — except a row in doubt,
 * which stays `unknown` (shown as such) until the provider's list can say whether it went out.
 */
export async function sendMessage(deps: SendDeps, messageId: string, finalAttempt: boolean): Promise<SendOutcome> {
  const { repos } = deps;
  const row = repos.messages.get(messageId);
  if (!row) return 'skipped';
  if (repos.messages.isFinal(row.status)) return 'already';
  if (repos.systemState.get(PAUSE_KEY)) return 'paused';
  const contact = repos.contacts.get(row.contactId);
  const phone = contact ? repos.contacts.phoneOf(contact) : null;
  const inDoubt = row.status === 'unknown' || row.status === 'sending';
  // Committed (durably) before the provider is called: that is what makes a crash safe.
  const now0 = deps.now();
  if (!(await deps.writes.run(() => repos.messages.claim(row.id, now0, sendLeaseMs(deps.config.twilio.timeoutMs))))) return 'busy';

  // First, whether an earlier attempt went out after all: then nothing else matters.
  if (inDoubt && phone) {
    let found: string | null;
    try {
      found = await deps.sms.findSent(phone, row.sendingAt ?? row.createdAt, row.body);
    } catch (error) {
      return keepInDoubt(deps, row.id, error, finalAttempt);
    }
    if (found) {
      repos.messages.markSent(row.id, found, deps.now());
      await followUpIfClosed(deps, row);
      return 'found';
    }
  }

  const now = deps.now();
  if (row.notAfter !== null && now > row.notAfter) {
    repos.messages.setStatus(row.id, 'expired', now);
    return 'expired';
  }
  // An alert whose incident was dismissed or resolved meanwhile never goes out.
  if (row.kind === 'alert' && row.incidentId !== null && repos.incidents.get(row.incidentId)?.status !== 'confirmed') {
    repos.messages.setStatus(row.id, 'cancelled', now);
    return 'skipped';
  }
  if (!phone || !contact || contact.stoppedAt !== null || contact.unreachableAt !== null) {
    repos.messages.setStatus(row.id, 'cancelled', now, contact?.stoppedAt ? 'stopped' : 'unreachable');
    return 'skipped';
  }

  try {
    const validitySeconds = row.notAfter !== null ? (row.notAfter - deps.now()) / 1000 : undefined;
    const { sid } = await deps.sms.send({ to: phone, body: row.body, validitySeconds });
    const sentAt = deps.now();
    await deps.writes.run(() => repos.messages.markSent(row.id, sid, sentAt));
    await followUpIfClosed(deps, row);
    return 'sent';
  } catch (error) {
    return handleFailure(deps, row.id, row.contactId, error, finalAttempt);
  }
}

/** The lookup itself failed: the row stays in doubt, never back to `queued`, so it is never resent blindly. */
async function keepInDoubt(deps: SendDeps, id: string, error: unknown, finalAttempt: boolean): Promise<SendOutcome> {
  const e = error instanceof ProviderError ? error : new ProviderError('retryable', 'internal', String(error), true);
  deps.repos.messages.setStatus(id, 'unknown', deps.now(), e.code);
  if (e.kind === 'account') {
    pauseSending(deps, e.code);
    return 'paused';
  }
  if (finalAttempt) return 'in-doubt';
  throw e;
}

/**
 * An alert that went out while its incident was being closed (it was in flight, or in doubt) must not miss the
 * correction or the all clear: the follow-up broadcast runs again, and its unique rows add only who is missing.
 */
async function followUpIfClosed(deps: SendDeps, row: { kind: string; incidentId: string | null }): Promise<void> {
  if (row.kind !== 'alert' || !row.incidentId) return;
  const incident = deps.repos.incidents.get(row.incidentId);
  if (!incident || incident.confirmedAt === null || (incident.status !== 'dismissed' && incident.status !== 'resolved')) return;
  const kind = incident.status === 'dismissed' ? 'correction' : 'all_clear';
  await deps.queues.broadcast({ incidentId: incident.id, kind }).catch((error: Error) => {
    deps.log.error({ err: error.message, incidentId: incident.id }, `${kind} for a late alert not queued`);
  });
}

async function handleFailure(deps: SendDeps, id: string, contactId: string, error: unknown, finalAttempt: boolean): Promise<SendOutcome> {
  const { repos } = deps;
  const now = deps.now();
  const e = error instanceof ProviderError ? error : new ProviderError('retryable', 'internal', String(error), true);
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
  const rows = deps.repos.messages.unfinished(now, sendLeaseMs(deps.config.twilio.timeoutMs));
  if (rows.length > 0) await deps.queues.sendMessages(rows.map((row) => row.id));
  return rows.length;
}
