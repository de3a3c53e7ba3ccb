// Twilio does not retry an inbound webhook that failed: a report texted while the web role was down would be
// lost. The worker reads the provider's own list of inbound messages and files any it never stored, through the
// webhook's own path: a verifier's word filed late releases, stands down and pages exactly as a live one would.
import type { Deps } from '../deps.js';
import { handleInboundSms } from './inbound-sms.js';
import { afterInbound } from './receive-sms.js';

export const CHECKPOINT_KEY = 'inbound_backfill';
/** Messages this young may still be in the hands of the webhook: they are left to it. */
const SETTLE_MS = 2 * 60_000;
/** How far back the first run looks. */
const FIRST_LOOK_BACK_MS = 24 * 3_600_000;

export async function backfillInbound(deps: Deps): Promise<number> {
  if (deps.sms.name !== 'twilio') return 0;
  const now = deps.now();
  const checkpoint = deps.repos.systemState.get(CHECKPOINT_KEY)?.['until'];
  const since = typeof checkpoint === 'number' ? checkpoint : now - FIRST_LOOK_BACK_MS;
  const until = now - SETTLE_MS;
  const missed = (await deps.sms.listInbound(since)).filter((m) => m.receivedAt < until && !deps.repos.inbound.get(m.sid));

  for (const message of missed) {
    const outcome = handleInboundSms(deps, { sid: message.sid, from: message.from, body: message.body, mediaUrls: message.mediaUrls });
    if (outcome.duplicate) continue;
    // The webhook's answer never went out: send it now, through the ledger like any message.
    if (outcome.reply) {
      const contact = deps.repos.contacts.findByPhone(message.from);
      const ids = contact
        ? deps.repos.messages.plan(
            [{ dedupeKey: `reply:${message.sid}`, incidentId: null, contactId: contact.id, kind: 'reply', locale: contact.locale ?? deps.config.defaultLocale, body: outcome.reply }],
            now,
          )
        : [];
      if (ids.length > 0) await deps.queues.sendMessages(ids);
    }
    // Not only the report: a verifier's FALSE or CONFIRM owes its follow-up (a dispute page, a release) too.
    await afterInbound(deps, outcome, (text, err) => deps.log.warn({ err }, `backfill: ${text}`));
  }
  deps.repos.systemState.set(CHECKPOINT_KEY, { until }, now);
  if (missed.length > 0) deps.log.warn({ filed: missed.length }, 'filed inbound messages the webhook never received');
  return missed.length;
}
