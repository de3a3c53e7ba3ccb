import pLimit from 'p-limit';
import twilio from 'twilio';
import { fromTwilioError } from './errors.js';
import type { OutgoingSms, SmsProvider } from './provider.js';
import { parseTwilioStatusCallback } from './status.js';

export interface TwilioProviderOptions {
  accountSid: string;
  authToken: string;
  fromNumber?: string;
  messagingServiceSid?: string;
  /** Points the SDK's `api` domain elsewhere (tests, staging). */
  apiBaseUrl?: string;
  statusCallbackUrl: string;
  timeoutMs: number;
  /**
   * Requests to Twilio in flight at once from this process at most (TWILIO_MAX_IN_FLIGHT): Twilio answers 429
   * (error 20429) to an account with too many concurrent API requests, and a fan-out would otherwise start one a row.
   */
  maxInFlight: number;
}

// How far the provider's clock may be from ours when matching a message after a crash.
const CLOCK_SKEW_MS = 5 * 60_000;

export function createTwilioProvider(options: TwilioProviderOptions): SmsProvider {
  // `env: {}` keeps the SDK from reading the environment on its own; retries are ours (BullMQ), not the SDK's.
  const client = twilio(options.accountSid, options.authToken, { env: {}, timeout: options.timeoutMs, autoRetry: false, keepAlive: true });
  if (options.apiBaseUrl) client.api.baseUrl = options.apiBaseUrl;
  const apiBase = (options.apiBaseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const inFlight = pLimit(options.maxInFlight);
  const sender = options.messagingServiceSid
    ? { messagingServiceSid: options.messagingServiceSid }
    : { from: options.fromNumber ?? '' };

  return {
    name: 'twilio',

    async send(message: OutgoingSms) {
      try {
        const created = await inFlight(() =>
          client.messages.create({
            ...sender,
            to: message.to,
            body: message.body,
            statusCallback: options.statusCallbackUrl,
            ...(message.validitySeconds !== undefined ? { validityPeriod: Math.max(1, Math.min(36_000, Math.ceil(message.validitySeconds))) } : {}),
          }),
        );
        if (typeof created.sid !== 'string' || !created.sid.startsWith('SM') && !created.sid.startsWith('MM')) {
          throw Object.assign(new Error('twilio: answer without a message sid'), { code: 'MALFORMED' });
        }
        return { sid: created.sid };
      } catch (error) {
        throw fromTwilioError(error);
      }
    },

    async findSent(to, since, body) {
      try {
        const recent = await inFlight(() => client.messages.list({ to, limit: 50 }));
        const match = recent.find(
          (m) => m.body === body && (m.dateCreated ? m.dateCreated.getTime() >= since - CLOCK_SKEW_MS : true),
        );
        return match?.sid ?? null;
      } catch (error) {
        throw fromTwilioError(error);
      }
    },

    async listInbound(since) {
      // Only the line's own number can be asked for: with a Messaging Service alone, the account's other
      // numbers' messages would be mistaken for the hotline's.
      if (!options.fromNumber) return [];
      try {
        const page = await client.messages.list({ to: options.fromNumber, dateSentAfter: new Date(since), limit: 1000 });
        const inbound = page.filter((m) => m.direction === 'inbound');
        const messages = [];
        for (const m of inbound) {
          const media = Number(m.numMedia) > 0 ? await client.messages(m.sid).media.list({ limit: 10 }) : [];
          messages.push({
            sid: m.sid,
            from: m.from,
            body: m.body ?? '',
            mediaUrls: media.map((item) => `${apiBase}/2010-04-01/Accounts/${options.accountSid}/Messages/${m.sid}/Media/${item.sid}`),
            receivedAt: (m.dateSent ?? m.dateCreated).getTime(),
          });
        }
        return messages.sort((a, b) => a.receivedAt - b.receivedAt);
      } catch (error) {
        throw fromTwilioError(error);
      }
    },

    deleteMessage: (sid) => ignoreNotFound(() => inFlight(() => client.messages(sid).remove())),
    deleteMedia: (messageSid, mediaSid) => ignoreNotFound(() => inFlight(() => client.messages(messageSid).media(mediaSid).remove())),
    deleteRecording: (sid) => ignoreNotFound(() => inFlight(() => client.recordings(sid).remove())),
    parseStatusCallback: parseTwilioStatusCallback,
  };
}

async function ignoreNotFound(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    const e = fromTwilioError(error);
    if (e.code !== '20404' && e.code !== 'http-404') throw e;
  }
}
