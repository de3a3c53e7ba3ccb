// Twilio's webhooks. They do the least: check who is speaking, persist, enqueue, reply.
// Replies are TwiML (text/xml, sent as written); only the error answers have a JSON schema.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import twilio from 'twilio';
import type { Deps } from '../../deps.js';
import { recordDeliveryStatus } from '../../services/delivery.js';
import { receiveSms } from '../../services/receive-sms.js';
import { errorResponses } from '../schemas.js';
import { smsForm, statusForm } from './forms.js';
import { field, twilioGuard } from './verify.js';
import { transcriptionRoutes } from './transcription.js';
import { voiceRoutes } from './voice.js';

const MAX_MEDIA = 10;

export async function twilioRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  // Twilio posts forms; anything else is refused before it is parsed.
  app.addHook('onRequest', async (request, reply) => {
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') await reply.status(415).send({ error: 'Twilio webhooks take application/x-www-form-urlencoded' });
  });
  app.addHook('preValidation', twilioGuard(deps.config));
  await app.register(voiceRoutes, { deps });
  await app.register(transcriptionRoutes, { deps });
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/twilio/sms', { schema: { body: smsForm, response: errorResponses } }, async (request, reply) => {
    const { From: from, MessageSid: sid, Body: body = '', NumMedia: numMediaField } = request.body;
    const numMedia = Math.min(Number.parseInt(numMediaField ?? '0', 10) || 0, MAX_MEDIA);
    const mediaUrls = Array.from({ length: numMedia }, (_, i) => field(request.body, `MediaUrl${i}`)).filter(
      (url): url is string => typeof url === 'string' && /^https?:\/\//.test(url),
    );

    const answer = await receiveSms(deps, { sid, from, body, mediaUrls }, (message, err) => request.log.warn({ err }, message));
    return twiml(reply, answer);
  });

  api.post('/twilio/status', { schema: { body: statusForm, response: errorResponses } }, async (request, reply) => {
    const update = deps.sms.parseStatusCallback(request.body);
    if (update) recordDeliveryStatus(deps, update);
    return twiml(reply, null);
  });
}

function twiml(reply: FastifyReply, message: string | null) {
  const response = new twilio.twiml.MessagingResponse();
  if (message) response.message(message);
  return reply.type('text/xml; charset=utf-8').send(response.toString());
}
