// Twilio's webhooks. They do the least: check who is speaking, persist, enqueue, reply.
import type { FastifyInstance, FastifyReply } from 'fastify';
import twilio from 'twilio';
import type { Deps } from '../../deps.js';
import { parseInbound } from '../../domain/keywords.js';
import { fitSms } from '../../domain/sms-fit.js';
import { t } from '../../i18n/index.js';
import { handleInboundSms } from '../../services/inbound-sms.js';
import { admitSender } from '../../services/limits.js';
import { pauseSending } from '../../services/sending.js';
import { classifyTwilioCode } from '../../sms/errors.js';
import { fromTwilioStatus } from '../../sms/status.js';
import { field, messageSid, twilioGuard } from './verify.js';
import { voiceRoutes } from './voice.js';

const MAX_MEDIA = 10;

export async function twilioRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  // Twilio posts forms; anything else is refused before it is parsed.
  app.addHook('onRequest', async (request, reply) => {
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') await reply.status(415).send({ error: 'Twilio webhooks take application/x-www-form-urlencoded' });
  });
  app.addHook('preHandler', twilioGuard(deps.config));
  await app.register(voiceRoutes, { deps });

  app.post('/twilio/sms', async (request, reply) => {
    const from = field(request.body, 'From')?.trim();
    const sid = messageSid(request.body);
    if (!from || !sid) return reply.status(400).send({ error: 'From and MessageSid (SM or MM and 32 hex digits, the same as SmsSid) are required' });
    const numMedia = Math.min(Number.parseInt(field(request.body, 'NumMedia') ?? '0', 10) || 0, MAX_MEDIA);
    const mediaUrls = Array.from({ length: numMedia }, (_, i) => field(request.body, `MediaUrl${i}`)).filter(
      (url): url is string => typeof url === 'string' && /^https?:\/\//.test(url),
    );

    const body = field(request.body, 'Body') ?? '';

    // A replay is answered as before, before any limit is counted again.
    const seen = deps.repos.inbound.get(sid);
    if (seen) return twiml(reply, seen.reply);
    const command = parseInbound(body);
    const { gate, known } = await admitSender(deps, from, command, mediaUrls.length > 0);
    if (!gate.admit) {
      const locale = known?.locale ?? command.languageHint ?? deps.config.defaultLocale;
      const refusal = gate.refusal ? fitSms(t(locale, gate.refusal)) : null;
      // Only the MessageSid is remembered, so that neither a replay nor the downtime backfill files it after all.
      deps.repos.inbound.record({ sid, contactId: known?.id ?? null, kind: 'refused', reply: refusal, receivedAt: deps.now() });
      return twiml(reply, refusal);
    }

    // Committed before the reply, sharing the fsync with webhooks that arrived at the same moment.
    const outcome = await deps.writes.run(() => handleInboundSms(deps, { sid, from, body, mediaUrls, flood: gate.flood }));
    if (outcome.reportId && !outcome.duplicate) {
      // Already committed: if Redis is away now, the reconciler queues the report when it is back.
      await deps.queues.processReport(outcome.reportId).catch((error: Error) => {
        request.log.warn({ err: error.message }, 'report not queued now; the reconciler will');
      });
    }
    if (outcome.incidentId) deps.events.incidentChanged(outcome.incidentId);
    return twiml(reply, outcome.reply);
  });

  app.post('/twilio/status', async (request, reply) => {
    const sid = messageSid(request.body);
    const status = field(request.body, 'MessageStatus');
    if (!sid || !status) return reply.status(400).send({ error: 'MessageSid (SM or MM and 32 hex digits) and MessageStatus are required' });
    const mapped = fromTwilioStatus(status);
    const errorCode = field(request.body, 'ErrorCode') || null;
    const now = deps.now();
    if (mapped) {
      const row = deps.repos.messages.applyDeliveryStatus(sid, mapped, errorCode, now);
      if (row && errorCode === '21610') deps.repos.contacts.markStopped(row.contactId, now);
      if (row?.incidentId) deps.events.incidentChanged(row.incidentId);
    }
    if (errorCode && classifyTwilioCode(Number(errorCode), 400) === 'account') pauseSending(deps, errorCode);
    return twiml(reply, null);
  });
}

function twiml(reply: FastifyReply, message: string | null) {
  const response = new twilio.twiml.MessagingResponse();
  if (message) response.message(message);
  return reply.type('text/xml; charset=utf-8').send(response.toString());
}
