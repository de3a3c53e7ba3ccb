// Training mode (outbox mode only): a trainer texts the hotline as any test number, and reads what that number was
// "sent". Numbers travel in JSON bodies, never in URLs, so that no request log line holds one.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { maskPhone, normalizePhone } from '../../crypto/phones.js';
import type { Deps } from '../../deps.js';
import { receiveSms } from '../../services/receive-sms.js';
import { notFound } from '../errors.js';
import { errorResponses, simulatorInboxBody, simulatorInboxSchema, simulatorSmsBody, simulatorSmsSchema } from '../schemas.js';
import { iso } from './views.js';

export async function simulatorRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Answers as if the routes were not there when Twilio really sends: a trainer's text must never reach a real line.
  app.addHook('onRequest', async () => {
    if (deps.sms.name !== 'outbox') throw notFound();
  });

  /** The same inbound path as Twilio's webhook, without the signature, under a fresh MessageSid. */
  api.post('/api/dev/sms', { schema: { body: simulatorSmsBody, response: { 200: simulatorSmsSchema, ...errorResponses } } }, async (request) => {
    const from = normalizePhone(request.body.from);
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const at = deps.now();
    const reply = await receiveSms(deps, { sid, from, body: request.body.body, mediaUrls: [] }, (message, err) => request.log.warn({ err }, message));
    return { sid, from: maskPhone(from), reply, at: iso(at) };
  });

  /** What the outbox holds for one simulated number (found by its hash: the outbox keeps no number), oldest first. */
  api.post('/api/dev/inbox', { schema: { body: simulatorInboxBody, response: { 200: simulatorInboxSchema, ...errorResponses } } }, async (request) => {
    const phone = normalizePhone(request.body.phone);
    const rows = deps.repos.outbox.listTo(deps.vault.hash(phone), request.body.limit).reverse();
    return { to: maskPhone(phone), messages: rows.map((m) => ({ id: m.id, sid: m.sid, to: m.toMask, body: m.body, createdAt: iso(m.createdAt) })) };
  });
}
