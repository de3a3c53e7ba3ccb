import type { FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import type { Config } from '../../config.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Only Twilio may speak to the webhooks. With an auth token the signature is checked against PUBLIC_URL + path +
 * query (what Twilio signed, whatever proxies sit in between); without one (development) only loopback is heard.
 * A preValidation hook: it sees the form exactly as posted, and a bad signature is a 403 before the route's schema
 * answers 400 about any field.
 */
export function twilioGuard(config: Config) {
  return async function verifyTwilio(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = config.twilio.authToken;
    if (!token) {
      if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) await reply.status(403).send({ error: 'webhooks answer loopback only without TWILIO_AUTH_TOKEN' });
      return;
    }
    const signature = request.headers['x-twilio-signature'];
    const params = isRecord(request.body) ? request.body : {};
    const url = config.publicUrl + request.url;
    if (typeof signature !== 'string' || !isFormValues(params) || !twilio.validateRequest(token, signature, url, params)) {
      await reply.status(403).send({ error: 'invalid signature' });
    }
  };
}

/** A parsed form holds strings, or lists of strings for repeated fields; nothing else can have been signed. */
function isFormValues(params: Record<string, unknown>): boolean {
  return Object.values(params).every((v) => typeof v === 'string' || (Array.isArray(v) && v.every((item) => typeof item === 'string')));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A single form field as a string; a repeated or missing one is undefined. */
export function field(body: unknown, name: string): string | undefined {
  if (!isRecord(body)) return undefined;
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}
