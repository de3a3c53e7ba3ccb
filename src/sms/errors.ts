// Twilio error codes and what each means for us. https://www.twilio.com/docs/api/errors
import { ProviderError, type ProviderErrorKind } from './provider.js';

/** Errors that stop every send, not just one: credentials, account state, an unusable sender. */
const ACCOUNT_WIDE = new Set([
  20003, // authentication failed
  20005, // account not active
  20008, // test credentials used for a live resource
  21212, // invalid From number
  21606, // From number can't send SMS
  21659, // From is not a Twilio number
  21660, // From number not in account
  21705, // invalid messaging service
  30032, // toll-free number not verified
  30034, // US A2P 10DLC: sender not registered
]);

/** The recipient can't receive: remembered on the contact, never retried. */
const RECIPIENT = new Set([
  21610, // recipient replied STOP
  21211, // invalid To number
  21614, // To is not a mobile number
  21612, // cannot route to this number
  21408, // region not enabled for this number
]);

const RETRYABLE = new Set([20429, 21611, 30001, 20500, 20503]);

export function classifyTwilioCode(code: number | undefined, httpStatus: number | undefined): ProviderErrorKind {
  if (code !== undefined && ACCOUNT_WIDE.has(code)) return 'account';
  if (code !== undefined && RECIPIENT.has(code)) return 'recipient';
  if (code !== undefined && RETRYABLE.has(code)) return 'retryable';
  if (httpStatus === 401 || httpStatus === 403) return 'account';
  if (httpStatus === undefined || httpStatus === 429 || httpStatus >= 500) return 'retryable';
  return 'permanent';
}

/** Turns whatever the Twilio SDK threw into a ProviderError. */
export function fromTwilioError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const e = error as { status?: unknown; code?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const code = typeof e.code === 'number' ? e.code : undefined;
  const kind = classifyTwilioCode(code, status);
  const label = code !== undefined ? String(code) : status !== undefined ? `http-${status}` : networkCode(e.code);
  // No HTTP status means the request may have reached Twilio before the connection broke.
  const maybeAccepted = status === undefined;
  return new ProviderError(kind, label, `twilio: ${label}`, maybeAccepted);
}

function networkCode(code: unknown): string {
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code.toLowerCase() : 'network';
}
