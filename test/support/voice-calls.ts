// The phone menu's last steps and Twilio's transcription callback, signed as Twilio sends them: for the tests of
// voice reports, their transcripts and the deletion of their recordings at Twilio.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { FROM_NUMBER, sign, type ApiClient, type TestSystem } from './system.js';

export const hex32 = () => randomBytes(16).toString('hex');

export const post = (s: TestSystem, path: string, params: Record<string, string>, signature: string | null = sign(path, params)) =>
  s.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
    payload: new URLSearchParams(params).toString(),
  });

export interface Call {
  CallSid: string;
  From: string;
  To: string;
  RecordingSid: string;
}

export interface PhoneReportOptions {
  zip?: string;
  seconds?: number;
  /** Runs once the recording exists at Twilio, before its webhook: e.g. a transcription callback that races it. */
  beforeRecordingWebhook?: (call: Call) => Promise<void>;
}

/** The menu's last two steps, as Twilio drives them: the <Record> TwiML, then the finished recording. */
export async function phoneReport(s: TestSystem, from: string, lang: 'en' | 'es' | 'tl', options: PhoneReportOptions = {}): Promise<{ call: Call; recordTwiml: string }> {
  const call: Call = { CallSid: `CA${hex32()}`, From: from, To: FROM_NUMBER, RecordingSid: '' };
  const zipStep = await post(s, `/twilio/voice/zip?lang=${lang}`, { CallSid: call.CallSid, From: from, To: FROM_NUMBER, Digits: options.zip ?? '' });
  expect(zipStep.statusCode).toBe(200);
  const recordTwiml = /<Record[^>]*>/.exec(zipStep.body)?.[0] ?? '';
  expect(recordTwiml).not.toBe('');
  const action = (/action="([^"]+)"/.exec(recordTwiml)?.[1] ?? '').replace(/&amp;/g, '&');

  call.RecordingSid = s.twilio.addRecording(`RE${hex32()}`, { contentType: 'audio/x-wav', body: Buffer.concat([Buffer.from('RIFF'), randomBytes(128)]) });
  await options.beforeRecordingWebhook?.(call);
  const recording = {
    CallSid: call.CallSid,
    From: from,
    To: FROM_NUMBER,
    RecordingUrl: recordingUrl(s, call),
    RecordingSid: call.RecordingSid,
    RecordingDuration: String(options.seconds ?? 40),
  };
  const done = await post(s, action, recording);
  expect(done.statusCode).toBe(200);
  expect(done.body).toMatch(/<Hangup/);
  await s.idle();
  return { call, recordTwiml };
}

const recordingUrl = (s: TestSystem, call: Call) => `${s.twilio.url}/2010-04-01/Accounts/${s.twilio.accountSid}/Recordings/${call.RecordingSid}`;

/** Twilio's transcription callback for that call's recording. */
export function transcriptionParams(s: TestSystem, call: Call, status: 'completed' | 'failed', text: string, transcriptionSid = `TR${hex32()}`): Record<string, string> {
  return {
    TranscriptionSid: transcriptionSid,
    TranscriptionText: text,
    TranscriptionStatus: status,
    TranscriptionUrl: `${recordingUrl(s, call)}/Transcriptions/${transcriptionSid}`,
    RecordingSid: call.RecordingSid,
    RecordingUrl: recordingUrl(s, call),
    CallSid: call.CallSid,
    AccountSid: s.twilio.accountSid,
    From: call.From,
    To: call.To,
  };
}

export interface ReportJson {
  id: string;
  incidentId: string;
  channel: string;
  text: string;
  kind: string;
  language: string | null;
  transcript: 'pending' | 'done' | 'none' | null;
  machineText: boolean;
  location: { lat: number; lng: number; label: string; precision: string; source: string | null } | null;
  media: Array<{ kind: string }>;
}

export const reports = async (dispatcher: ApiClient) => (await dispatcher.get('/api/reports')).json() as ReportJson[];

/** The kinds of event on an incident's timeline, in order. */
export const timeline = async (dispatcher: ApiClient, incidentId: string) =>
  ((await dispatcher.get(`/api/incidents/${incidentId}`)).json().timeline as Array<{ type: string; detail: Record<string, unknown> | null }>);
