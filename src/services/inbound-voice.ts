// A report left on the phone menu: a ZIP from the keypad and a recorded description, filed like a texted one.
import type { Config } from '../config.js';
import { inTransaction } from '../db/client.js';
import type { Report } from '../db/repositories/reports.js';
import type { Deps, Repositories } from '../deps.js';
import { maskPhoneNumbers } from '../domain/mask-numbers.js';
import { isPhoneNumber } from '../domain/senders.js';
import type { Locale } from '../domain/types.js';
import { zipCentroid } from '../geo/zips.js';
import { VOICE_LANGUAGES } from '../i18n/voice.js';
import { rereadReport } from './placement.js';

export interface VoiceReport {
  callSid: string;
  from: string;
  locale: Locale;
  zip: string | null;
  recordingUrl: string | null;
  flood?: boolean;
  /** `pending` when Twilio was asked to transcribe the recording; `none` (the default) when no text will come. */
  transcript?: 'pending' | 'none';
}

/** Twilio's legacy transcription takes recordings of at most two minutes (the menu records no longer). */
export const TRANSCRIBE_MAX_SECONDS = 120;

/** Whether the menu asks Twilio to transcribe this caller's recording: only in a language Twilio transcribes. */
export function transcriptionWanted(config: Pick<Config, 'transcribe'>, locale: Locale): boolean {
  return config.transcribe === 'twilio' && VOICE_LANGUAGES[locale].transcribed;
}

/** What a finished recording's report awaits: a transcript only if one was asked for and Twilio can make it. */
export function transcriptAwaited(config: Pick<Config, 'transcribe'>, locale: Locale, recording: { url: string | null; seconds: number | null }): 'pending' | 'none' {
  const short = recording.seconds === null || recording.seconds <= TRANSCRIBE_MAX_SECONDS;
  return recording.url && short && transcriptionWanted(config, locale) ? 'pending' : 'none';
}

/** Returns the report to process, or null when this call was filed already (Twilio retried the webhook). */
export function fileVoiceReport(deps: Pick<Deps, 'db' | 'repos' | 'now'>, call: VoiceReport): string | null {
  const now = deps.now();
  return inTransaction(deps.db, () => {
    if (deps.repos.inbound.get(call.callSid)) return null;
    // A withheld caller ID is many callers: their reports get no shared contact.
    const contact = isPhoneNumber(call.from) ? deps.repos.contacts.findOrCreate(call.from, now, true).contact : null;
    if (contact && !contact.localeExplicit && !contact.locale) deps.repos.contacts.setLocale(contact.id, call.locale, false);
    const centroid = call.zip ? zipCentroid(call.zip) : null;
    const report = deps.repos.reports.insert({
      contactId: contact?.id ?? null,
      channel: 'voice',
      // The words are in the recording; dispatchers listen to it from the console.
      text: call.zip ? `Voice report (ZIP ${call.zip})` : 'Voice report',
      language: call.locale,
      kind: 'other',
      lat: centroid?.lat ?? null,
      lng: centroid?.lng ?? null,
      label: centroid ? `ZIP ${call.zip}` : null,
      precision: centroid ? 'zip' : null,
      zip: centroid ? call.zip : null,
      locationSource: centroid ? 'keypad' : null,
      transcript: call.transcript ?? 'none',
      // A caller can't be asked by text where it is: the dispatcher places an unplaced voice report.
      askedLocation: true,
      media: call.recordingUrl ? [call.recordingUrl] : [],
      flood: call.flood ?? false,
      receivedAt: now,
    });
    // Known to the flood rule from tomorrow on; a flood report vouches for nothing.
    if (contact && !call.flood) deps.repos.seen.record(call.from, now);
    deps.repos.inbound.record({ sid: call.callSid, contactId: contact?.id ?? null, kind: 'voice', reply: null, receivedAt: now });
    return report.id;
  });
}

export interface Transcription {
  transcriptionSid: string;
  callSid: string;
  recordingSid: string | null;
  status: 'completed' | 'failed';
  text: string | null;
}

/**
 * `transcribed`: the report's text is now the transcript; `none`: no text will come; `duplicate`: this
 * TranscriptionSid was taken already; `ignored`: the report awaited no transcript (nothing changed);
 * `unknown`: no voice report of that call.
 */
export type TranscriptionOutcome = 'transcribed' | 'none' | 'duplicate' | 'ignored' | 'unknown';

/**
 * Twilio's transcription callback: the transcript (numbers in it masked) becomes the report's text and is read
 * like an SMS. Idempotent by TranscriptionSid; a report's transcript is taken once.
 */
export async function takeTranscription(deps: Deps, transcription: Transcription, readFailed: (error: Error) => void): Promise<TranscriptionOutcome> {
  const taken = await deps.writes.run((): { outcome: TranscriptionOutcome; report?: Report } => {
    if (deps.repos.inbound.get(transcription.transcriptionSid)) return { outcome: 'duplicate' };
    const report = voiceReportOfCall(deps.repos, transcription.callSid, transcription.recordingSid);
    if (!report) return { outcome: 'unknown' };
    deps.repos.inbound.record({ sid: transcription.transcriptionSid, contactId: null, kind: 'transcription', reply: null, receivedAt: deps.now() });
    if (report.transcript !== 'pending') return { outcome: 'ignored' };
    const text = transcription.status === 'completed' ? maskPhoneNumbers(transcription.text ?? '').trim() : '';
    if (!text) {
      deps.repos.reports.update(report.id, { transcript: 'none' });
      return { outcome: 'none', report };
    }
    deps.repos.reports.update(report.id, { text, transcript: 'done' });
    return { outcome: 'transcribed', report };
  });
  // Read like a text: place, kind, details, language; the incident is re-clustered and the console told.
  if (taken.outcome === 'transcribed' && taken.report) await rereadReport(deps, taken.report.id).catch(readFailed);
  else if (taken.outcome === 'none' && taken.report?.incidentId) deps.events.incidentChanged(taken.report.incidentId);
  return taken.outcome;
}

/**
 * A call's report is filed in the same transaction as the call's inbound row, at the same instant and for the same
 * contact (none for a withheld number); when its recording URL is still known, it names the RecordingSid too.
 */
function voiceReportOfCall(repos: Repositories, callSid: string, recordingSid: string | null): Report | undefined {
  const call = repos.inbound.get(callSid);
  if (call?.kind !== 'voice') return undefined;
  const at = call.receivedAt;
  const filedThen = repos.reports.list({ since: at - 1 }, { limit: 100, before: new Date(at + 1).toISOString() });
  const matches = filedThen.filter(
    (report) =>
      report.channel === 'voice' &&
      report.receivedAt === at &&
      report.contactId === call.contactId &&
      (recordingSid === null || report.media.length === 0 || report.media.some((url) => url.includes(`/Recordings/${recordingSid}`))),
  );
  return matches.length === 1 ? matches[0] : undefined;
}
