// What Twilio posts, as route schemas. The signature check (verify.ts) runs before them, over the form exactly
// as posted; fields not named here pass through unvalidated.
import { z } from 'zod';
import { LOCALES } from '../../domain/types.js';
import { MESSAGE_SID } from '../../sms/status.js';

/** A field Twilio sends once. A repeated one (parsed as a list) is refused rather than guessed at. */
const field = () => z.string({ error: (issue) => (issue.input === undefined ? 'required' : 'must be sent once') });

const CALL_SID = /^CA[0-9a-f]{32}$/;

/**
 * Twilio signs the fields run together, so a captured request could be replayed as a new one by moving characters
 * between neighbouring fields (`MessageSid=SM…NumMedia0`, NumMedia left out): a sid of exactly Twilio's shape,
 * repeated in SmsSid and SmsMessageSid when they are sent, leaves nothing to move.
 */
const messageFields = {
  MessageSid: field().regex(MESSAGE_SID, 'must be SM or MM and 32 hex digits'),
  SmsSid: field().optional(),
  SmsMessageSid: field().optional(),
};
const sameSids = (form: { MessageSid: string; SmsSid?: string | undefined; SmsMessageSid?: string | undefined }) =>
  [form.SmsSid, form.SmsMessageSid].every((alias) => alias === undefined || alias === form.MessageSid);
const sameSidsError = { error: 'SmsSid and SmsMessageSid must equal MessageSid', path: ['MessageSid'] };

/** An inbound SMS. `MediaUrl0`… are read (and checked) by the route. */
export const smsForm = z
  .looseObject({
    ...messageFields,
    From: field().trim().min(1, 'required'),
    Body: field().optional(),
    NumMedia: field().optional(),
  })
  .refine(sameSids, sameSidsError);

/** A delivery status callback; the SMS provider reads it (`sms.parseStatusCallback`). */
export const statusForm = z
  .looseObject({ ...messageFields, MessageStatus: field().min(1, 'required'), ErrorCode: field().optional() })
  .refine(sameSids, sameSidsError);

/** Every step of a call. */
export const callForm = z.looseObject({
  CallSid: field().regex(CALL_SID, 'must be CA and 32 hex digits'),
  From: field().min(1, 'required'),
  Digits: field().optional(),
  RecordingUrl: field().optional(),
  RecordingDuration: field().optional(),
});

/** Twilio's transcription callback (`<Record transcribeCallback>`); the report is found by its call. */
export const transcriptionForm = z.looseObject({
  TranscriptionSid: field().regex(/^TR[0-9a-f]{32}$/, 'must be TR and 32 hex digits'),
  TranscriptionStatus: z.enum(['completed', 'failed'], { error: 'must be completed or failed' }),
  TranscriptionText: field().optional(),
  CallSid: field().regex(CALL_SID, 'must be CA and 32 hex digits'),
  RecordingSid: field().regex(/^RE[0-9a-f]{32}$/, 'must be RE and 32 hex digits').optional(),
});

// The menu's own action URLs carry these; a caller mid-call is never refused over them: English, no ZIP.
export const callStepQuery = z.object({ lang: z.enum(LOCALES).catch('en') });
export const recordingQuery = callStepQuery.extend({ zip: z.string().regex(/^\d{5}$/).nullable().catch(null) });
