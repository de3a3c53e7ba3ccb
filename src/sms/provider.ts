// What the rest of the system needs from an SMS provider. Twilio in production, the outbox in development.
import type { MessageStatus } from '../db/schema.js';

export interface OutgoingSms {
  to: string;
  body: string;
  /** Seconds after which the provider must drop the message rather than deliver it late. */
  validitySeconds?: number;
}

/** An inbound message as the provider's own log has it. */
export interface ProviderInbound {
  sid: string;
  from: string;
  body: string;
  mediaUrls: string[];
  receivedAt: number;
}

/** A delivery report, in our terms. */
export interface DeliveryUpdate {
  /** The provider's id of the message, as `send` returned it. */
  sid: string;
  /** The ledger status it means; null for a provider status the ledger does not track. */
  status: MessageStatus | null;
  errorCode: string | null;
  /** What the error means for us (an account-wide one pauses sending); null without an error. */
  errorKind: ProviderErrorKind | null;
}

export interface SmsProvider {
  readonly name: 'twilio' | 'outbox';
  /** Hands one message to the provider; resolves with the provider's id for it. Throws ProviderError. */
  send(message: OutgoingSms): Promise<{ sid: string }>;
  /** After a crash mid-send: the id of a message with this body sent to `to` since `since`, if the provider has one. */
  findSent(to: string, since: number, body: string): Promise<string | null>;
  /** Inbound messages the provider received since `since`, oldest first: for webhooks lost while the line was down. */
  listInbound(since: number): Promise<ProviderInbound[]>;
  /** Deletes a processed message (and its media) from the provider's storage; an unknown sid is no error. */
  deleteMessage(sid: string): Promise<void>;
  /** Deletes one media file of a message (deleting a message leaves its media behind at Twilio). */
  deleteMedia(messageSid: string, mediaSid: string): Promise<void>;
  /** Deletes a call recording; an unknown sid is no error. */
  deleteRecording(sid: string): Promise<void>;
  /** Reads the provider's delivery status callback (its webhook's fields); null when it is not one. */
  parseStatusCallback(fields: Readonly<Record<string, unknown>>): DeliveryUpdate | null;
}

/**
 * - `retryable`: try again later (429, 5xx, timeouts, garbled answers).
 * - `recipient`: this number can't get messages (stopped, invalid); never retried.
 * - `account`: nothing can be sent until an operator fixes the account or sender; sending pauses.
 * - `permanent`: this message can never be sent; not retried.
 */
export type ProviderErrorKind = 'retryable' | 'recipient' | 'account' | 'permanent';

export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly kind: ProviderErrorKind,
    readonly code: string,
    message: string,
    /** Whether the provider may have accepted the message anyway (a timeout): check before sending again. */
    readonly maybeAccepted = false,
  ) {
    super(message);
  }
}
