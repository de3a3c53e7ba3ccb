// One inbound text, whoever hands it over: Twilio's signed webhook, or the training simulator in outbox mode.
// Replay check, the sender's limits, the keyword or report (inbound-sms.ts), queueing the report: the reply text.
import type { Deps } from '../deps.js';
import { parseInbound } from '../domain/keywords.js';
import { fitSms } from '../domain/sms-fit.js';
import { t } from '../i18n/index.js';
import { handleInboundSms, type InboundOutcome } from './inbound-sms.js';
import { admitSender } from './limits.js';
import { runVerifyFollowUp } from './verification.js';

export interface ReceivedSms {
  sid: string;
  from: string;
  body: string;
  mediaUrls: string[];
}

/** Returns the reply to answer with (null: an empty answer). `warn` logs without the number or the text. */
export async function receiveSms(deps: Deps, sms: ReceivedSms, warn: (message: string, err: string) => void): Promise<string | null> {
  const { sid, from, body, mediaUrls } = sms;
  // A replay is answered as before, before any limit is counted again.
  const seen = deps.repos.inbound.get(sid);
  if (seen) return seen.reply;
  const command = parseInbound(body);
  const { gate, known } = await admitSender(deps, from, command, mediaUrls.length > 0);
  if (!gate.admit) {
    const locale = known?.locale ?? command.languageHint ?? deps.config.defaultLocale;
    const refusal = gate.refusal ? fitSms(t(locale, gate.refusal)) : null;
    // Only the MessageSid is remembered, so that neither a replay nor the downtime backfill files it after all.
    deps.repos.inbound.record({ sid, contactId: known?.id ?? null, kind: 'refused', reply: refusal, receivedAt: deps.now() });
    return refusal;
  }

  // Committed before the reply, sharing the fsync with webhooks that arrived at the same moment.
  const outcome = await deps.writes.run(() => handleInboundSms(deps, { sid, from, body, mediaUrls, flood: gate.flood }));
  await afterInbound(deps, outcome, warn);
  return outcome.reply;
}

/**
 * What a filed text owes once committed, whoever filed it (the webhook, the simulator, the downtime backfill): its
 * report's job, its sends, and a verifier's or coordinator's follow-up — the alert released, stand-downs, pages.
 */
export async function afterInbound(deps: Deps, outcome: InboundOutcome, warn: (message: string, err: string) => void): Promise<void> {
  if (outcome.duplicate) return;
  if (outcome.reportId) {
    // Already committed: if Redis is away now, the reconciler queues the report when it is back.
    await deps.queues.processReport(outcome.reportId).catch((error: Error) => warn('report not queued now; the reconciler will', error.message));
  }
  if (outcome.sends && outcome.sends.length > 0) {
    await deps.queues.sendMessages(outcome.sends).catch((error: Error) => warn('messages not queued now; the reconciler will', error.message));
  }
  if (outcome.followUp) await runVerifyFollowUp(deps, outcome.followUp);
  if (outcome.incidentId) deps.events.incidentChanged(outcome.incidentId);
}
