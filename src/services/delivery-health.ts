// Numbers that keep failing. Carriers answer 30003 (unreachable handset), 30005 (unknown or inactive number) and
// 30006 (landline or unreachable carrier) for a phone that is off for a day as much as for a dead number: only three
// in a row set the number aside (no more sends, shown to coordinators as unreachable); any delivery starts the count
// again, and a coordinator can mark it reachable.
import type { OutgoingMessage } from '../db/repositories/messages.js';
import type { MessageStatus } from '../db/schema.js';
import type { Deps } from '../deps.js';

export const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['30003', '30005', '30006']);
export const FAILURES_BEFORE_UNREACHABLE = 3;

type HealthDeps = Pick<Deps, 'repos' | 'now' | 'log'>;

/**
 * Applies one delivery report to its number's health. `before` is the ledger row as it was before this report: a
 * repeated callback for a message already counted as failed is not counted again.
 */
export function trackReachability(deps: HealthDeps, before: OutgoingMessage, status: MessageStatus, errorCode: string | null): void {
  const { contacts, audit } = deps.repos;
  if (status === 'delivered') {
    if ((contacts.get(before.contactId)?.deliveryFailures ?? 0) > 0) contacts.markReachable(before.contactId, false);
    return;
  }
  if (status !== 'undelivered' && status !== 'failed') return;
  if (errorCode === null || !UNREACHABLE_CODES.has(errorCode)) return;
  if (before.status === 'undelivered' || before.status === 'failed' || before.status === 'delivered') return;
  const failures = contacts.countDeliveryFailure(before.contactId);
  if (failures < FAILURES_BEFORE_UNREACHABLE) return;
  const contact = contacts.get(before.contactId);
  if (!contact || contact.unreachableAt !== null) return;
  const now = deps.now();
  contacts.markUnreachable(contact.id, now);
  audit.record('contact.unreachable', now, { target: contact.id, detail: { code: errorCode, failures } });
  deps.log.info({ contactId: contact.id, code: errorCode }, 'number set aside as unreachable after repeated delivery failures');
}

/** A coordinator knows the number works again: sends resume, and the count starts over. */
export function markMemberReachable(deps: Pick<Deps, 'repos' | 'now'>, memberId: string, userId: string): boolean {
  const member = deps.repos.committees.getMember(memberId);
  if (!member) return false;
  deps.repos.contacts.markReachable(member.contactId, true);
  deps.repos.audit.record('member.reachable', deps.now(), { actorUserId: userId, target: member.id });
  return true;
}
