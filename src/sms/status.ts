import type { MessageStatus } from '../db/schema.js';

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
