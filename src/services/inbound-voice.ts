// A report left on the phone menu: a ZIP from the keypad and a recorded description, filed like a texted one.
import type { Config } from '../config.js';
import { createSecretBox } from '../crypto/secrets.js';
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

/**
 * How long a recording's transcript is awaited after its call (Twilio's usually comes within minutes). Past it the
 * report says none will come, and TWILIO_DELETE_AFTER_MINUTES may delete the recording, which it never does before.
 */
export const TRANSCRIPT_WAIT_MS = 30 * 60_000;

/** Whether the menu asks Twilio to transcribe this caller's recording: only in a language Twilio transcribes. */
export function transcriptionWanted(config: Pick<Config, 'transcribe'>, locale: Locale): boolean {
  return config.transcribe === 'twilio' && VOICE_LANGUAGES[locale].transcribed;
}

/** What a finished recording's report awaits: a transcript only if one was asked for and Twilio can make it. */
export function transcriptAwaited(config: Pick<Config, 'transcribe'>, locale: Locale, recording: { url: string | null; seconds: number | null }): 'pending' | 'none' {
  const short = recording.seconds === null || recording.seconds <= TRANSCRIBE_MAX_SECONDS;
  return recording.url && short && transcriptionWanted(config, locale) ? 'pending' : 'none';
}

/**
 * Returns the report to process, or null when this call was filed already (Twilio retried the webhook). A transcript
 * that came before the report (kept by takeTranscription) becomes its text now, in the same transaction.
 */
export async function fileVoiceReport(deps: Deps, call: VoiceReport): Promise<string | null> {
  const filed = fileVoiceCall(deps, call);
  if (filed?.transcript === 'transcribed') await rereadReport(deps, filed.reportId).catch((error: Error) => deps.log.warn({ err: error.message }, 'transcript kept but not read'));
  return filed?.reportId ?? null;
}

function fileVoiceCall(deps: Deps, call: VoiceReport): { reportId: string; transcript: TranscriptTaken | null } | null {
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
    return { reportId: report.id, transcript: takeWaitingTranscript(deps, report, call.callSid) };
  });
}

/** The transcript kept for this call, if it came first: taken now if it is this report's recording's. */
function takeWaitingTranscript(deps: Pick<Deps, 'repos' | 'config'>, report: Report, callSid: string): TranscriptTaken | null {
  const waiting = deps.repos.reports.takeWaitingTranscript(callSid);
  if (!waiting || report.transcript !== 'pending' || !isRecordingOf(report, waiting.recordingSid)) return null;
  return applyTranscript(deps.repos, report, waiting.sealedText === null ? '' : openTranscript(deps.config, waiting.sealedText), report.receivedAt);
}

export interface Transcription {
  transcriptionSid: string;
  callSid: string;
  recordingSid: string | null;
  status: 'completed' | 'failed';
  text: string | null;
}

/**
 * `transcribed`: the report's text is now the transcript; `none`: no text will come; `kept`: its call has no report
 * yet (the two webhooks raced), so it waits for it; `duplicate`: this TranscriptionSid was taken already; `ignored`:
 * the report awaited no transcript, or the call was refused (nothing changed); `unknown`: the call's report is of
 * another recording.
 */
export type TranscriptionOutcome = 'transcribed' | 'none' | 'kept' | 'duplicate' | 'ignored' | 'unknown';
type TranscriptTaken = 'transcribed' | 'none';

/**
 * Twilio's transcription callback: the transcript (numbers in it masked) becomes the report's text and is read
 * like an SMS. Idempotent by TranscriptionSid; a report's transcript is taken once. One that comes before its
 * report is kept for it: Twilio does not retry a callback answered with an error.
 */
export async function takeTranscription(deps: Deps, transcription: Transcription, readFailed: (error: Error) => void): Promise<TranscriptionOutcome> {
  const text = transcription.status === 'completed' ? maskPhoneNumbers(transcription.text ?? '').trim() : '';
  const taken = await deps.writes.run((): { outcome: TranscriptionOutcome; report?: Report } => {
    if (deps.repos.inbound.get(transcription.transcriptionSid)) return { outcome: 'duplicate' };
    const call = deps.repos.inbound.get(transcription.callSid);
    const report = call ? voiceReportOfCall(deps.repos, transcription.callSid, transcription.recordingSid) : undefined;
    // A call whose report has another recording is not this transcript's (a refused call has none: ignored below).
    if (call && !report && call.kind === 'voice') return { outcome: 'unknown' };
    deps.repos.inbound.record({ sid: transcription.transcriptionSid, contactId: null, kind: 'transcription', reply: null, receivedAt: deps.now() });
    if (!call) {
      keepTranscript(deps, transcription, text);
      return { outcome: 'kept' };
    }
    if (report?.transcript !== 'pending') return { outcome: 'ignored' };
    return { outcome: applyTranscript(deps.repos, report, text, deps.now()), report };
  });
  // Read like a text: place, kind, details, language; the incident is re-clustered and the console told.
  if (taken.outcome === 'transcribed' && taken.report) await rereadReport(deps, taken.report.id).catch(readFailed);
  else if (taken.outcome === 'none' && taken.report?.incidentId) deps.events.incidentChanged(taken.report.incidentId);
  return taken.outcome;
}

/** The transcript (or its absence) becomes the pending report's; inside the caller's transaction. */
function applyTranscript(repos: Repositories, report: Report, text: string, at: number): TranscriptTaken {
  if (text) {
    repos.reports.update(report.id, { text, transcript: 'done' });
    return 'transcribed';
  }
  repos.reports.update(report.id, { transcript: 'none' });
  noTranscriptOnTimeline(repos, report, 'failed', at);
  return 'none';
}

/** The dispatcher reads on the incident's timeline that no words will come: the recording is to be listened to. */
function noTranscriptOnTimeline(repos: Repositories, report: Report, reason: 'failed' | 'overdue', at: number): void {
  if (report.incidentId) repos.incidents.addEvent(report.incidentId, 'transcript_none', at, { reportId: report.id, reason });
}

// The transcript is what the report would hold anyway, but it waits under DATA_KEY: it is not a report yet.
const transcriptBox = (config: Pick<Config, 'keys'>) => createSecretBox(config.keys, 't1');

function keepTranscript(deps: Pick<Deps, 'repos' | 'config' | 'now'>, transcription: Transcription, text: string): void {
  deps.repos.reports.keepWaitingTranscript({
    callSid: transcription.callSid,
    recordingSid: transcription.recordingSid,
    sealedText: text ? transcriptBox(deps.config).seal(text) : null,
    receivedAt: deps.now(),
  });
}

/** A kept transcript whose key is gone (rotated out) is no transcript: the recording is still there to listen to. */
function openTranscript(config: Pick<Config, 'keys'>, sealed: string): string {
  try {
    return transcriptBox(config).open(sealed);
  } catch {
    return '';
  }
}

/**
 * Transcripts Twilio never sent: past TRANSCRIPT_WAIT_MS a pending report says none will come, on its incident's
 * timeline too, and its recording may then be deleted at Twilio. Transcripts kept for calls that never became a
 * report are dropped. Returns how many reports gave up waiting.
 */
export async function giveUpOverdueTranscripts(deps: Pick<Deps, 'repos' | 'writes' | 'events' | 'now'>): Promise<number> {
  const now = deps.now();
  const before = now - TRANSCRIPT_WAIT_MS;
  let given = 0;
  const incidents = new Set<string>();
  for (;;) {
    const batch = await deps.writes.run(() => {
      deps.repos.reports.dropWaitingTranscripts(before);
      const overdue = deps.repos.reports.transcriptsOverdue(before, OVERDUE_BATCH);
      for (const report of overdue) {
        if (!deps.repos.reports.giveUpTranscript(report.id)) continue;
        noTranscriptOnTimeline(deps.repos, report, 'overdue', now);
        given++;
        if (report.incidentId) incidents.add(report.incidentId);
      }
      return overdue.length;
    });
    if (batch < OVERDUE_BATCH) break;
  }
  for (const id of incidents) deps.events.incidentChanged(id);
  return given;
}

const OVERDUE_BATCH = 100;

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
      isRecordingOf(report, recordingSid),
  );
  return matches.length === 1 ? matches[0] : undefined;
}

/** Whether a RecordingSid (when Twilio sent one) is this report's recording, while its URL is still known. */
function isRecordingOf(report: Report, recordingSid: string | null): boolean {
  return recordingSid === null || report.media.length === 0 || report.media.some((url) => url.includes(`/Recordings/${recordingSid}`));
}
