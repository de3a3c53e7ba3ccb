import type { MessageStatus } from '../db/schema.js';
import { classifyTwilioCode } from './errors.js';
import type { DeliveryUpdate } from './provider.js';

/** Twilio's message statuses mapped onto the ledger's. */
export function fromTwilioStatus(status: string): MessageStatus | null {
  switch (status) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'cancelled';
    default:
      return null;
  }
}

/** Twilio's message ids: SM (text) or MM (with media) and 32 hex digits. */
export const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/;

/** Twilio's status callback (`MessageSid`, `MessageStatus`, `ErrorCode`) in our terms; null when it is not one. */
export function parseTwilioStatusCallback(fields: Readonly<Record<string, unknown>>): DeliveryUpdate | null {
  const { MessageSid: sid, MessageStatus: status, ErrorCode: code } = fields;
  if (typeof sid !== 'string' || !MESSAGE_SID.test(sid) || typeof status !== 'string') return null;
  const errorCode = typeof code === 'string' && code !== '' ? code : null;
  // A callback has no HTTP status of its own: as a 4xx, an unknown code is this one message's permanent failure.
  const errorKind = errorCode === null ? null : classifyTwilioCode(Number(errorCode), 400);
  return { sid, status: fromTwilioStatus(status), errorCode, errorKind };
}
