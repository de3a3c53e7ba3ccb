// Delivery reports from the provider: the ledger row takes the new status, and what the error means is acted on.
import type { Deps } from '../deps.js';
import type { DeliveryUpdate } from '../sms/provider.js';
import { trackReachability } from './delivery-health.js';
import { pauseSending } from './sending.js';

/** The recipient replied STOP to the provider: nothing may be sent to the number again. */
const RECIPIENT_STOPPED = '21610';

export function recordDeliveryStatus(deps: Pick<Deps, 'repos' | 'now' | 'log' | 'events'>, update: DeliveryUpdate): void {
  const now = deps.now();
  // As it was before this report: a repeated callback is not counted twice against the number.
  const before = update.status ? deps.repos.messages.byProviderSid(update.sid) : undefined;
  const row = update.status ? deps.repos.messages.applyDeliveryStatus(update.sid, update.status, update.errorCode, now) : undefined;
  if (before && row && update.status) trackReachability(deps, before, update.status, update.errorCode);
  if (row && update.errorCode === RECIPIENT_STOPPED) deps.repos.contacts.markStopped(row.contactId, now);
  // Bad credentials or an unusable sender fail every message alike: pause instead of failing the fan-out one by one.
  if (update.errorKind === 'account' && update.errorCode) pauseSending(deps, update.errorCode);
  if (row?.incidentId) deps.events.incidentChanged(row.incidentId);
}
