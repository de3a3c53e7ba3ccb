// Phone reports become text (TRANSCRIBE=twilio): the menu asks Twilio to transcribe English recordings, and the
// signed transcription callback turns the report's text into the transcript, read like an SMS. Other callers'
// recordings wait for a dispatcher, and the console says no transcript exists.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureStreetsEnv } from '../support/geography.js';
import { FROM_NUMBER, PUBLIC_URL, sign, startSystem, type ApiClient, type TestSystem } from '../support/system.js';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

const hex32 = () => randomBytes(16).toString('hex');

const post = (s: TestSystem, path: string, params: Record<string, string>, signature: string | null = sign(path, params)) =>
  s.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
    payload: new URLSearchParams(params).toString(),
  });

interface Call {
  CallSid: string;
  From: string;
  To: string;
  RecordingSid: string;
}

/** The menu's last two steps, as Twilio drives them: the <Record> TwiML, then the finished recording. */
async function phoneReport(s: TestSystem, from: string, lang: 'en' | 'es' | 'tl', options: { zip?: string; seconds?: number } = {}): Promise<{ call: Call; recordTwiml: string }> {
  const call: Call = { CallSid: `CA${hex32()}`, From: from, To: FROM_NUMBER, RecordingSid: '' };
  const zipStep = await post(s, `/twilio/voice/zip?lang=${lang}`, { CallSid: call.CallSid, From: from, To: FROM_NUMBER, Digits: options.zip ?? '' });
  expect(zipStep.statusCode).toBe(200);
  const recordTwiml = /<Record[^>]*>/.exec(zipStep.body)?.[0] ?? '';
  expect(recordTwiml).not.toBe('');
  const action = (/action="([^"]+)"/.exec(recordTwiml)?.[1] ?? '').replace(/&amp;/g, '&');

  call.RecordingSid = s.twilio.addRecording(`RE${hex32()}`, { contentType: 'audio/x-wav', body: Buffer.concat([Buffer.from('RIFF'), randomBytes(128)]) });
  const recording = {
    CallSid: call.CallSid,
    From: from,
    To: FROM_NUMBER,
    RecordingUrl: `${s.twilio.url}/2010-04-01/Accounts/${s.twilio.accountSid}/Recordings/${call.RecordingSid}`,
    RecordingSid: call.RecordingSid,
    RecordingDuration: String(options.seconds ?? 40),
  };
  const done = await post(s, action, recording);
  expect(done.statusCode).toBe(200);
  expect(done.body).toMatch(/<Hangup/);
  await s.idle();
  return { call, recordTwiml };
}

/** Twilio's transcription callback for that call's recording. */
function transcriptionParams(s: TestSystem, call: Call, status: 'completed' | 'failed', text: string, transcriptionSid = `TR${hex32()}`): Record<string, string> {
  return {
    TranscriptionSid: transcriptionSid,
    TranscriptionText: text,
    TranscriptionStatus: status,
    TranscriptionUrl: `${s.twilio.url}/2010-04-01/Accounts/${s.twilio.accountSid}/Recordings/${call.RecordingSid}/Transcriptions/${transcriptionSid}`,
    RecordingSid: call.RecordingSid,
    RecordingUrl: `${s.twilio.url}/2010-04-01/Accounts/${s.twilio.accountSid}/Recordings/${call.RecordingSid}`,
    CallSid: call.CallSid,
    AccountSid: s.twilio.accountSid,
    From: call.From,
    To: call.To,
  };
}

interface ReportJson {
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

const reports = async (dispatcher: ApiClient) => (await dispatcher.get('/api/reports')).json() as ReportJson[];

describe('item 10: voice reports become text', () => {
  it('item 10: an English caller gets a <Record> that asks for a transcript and its callback, and the report awaits it', async () => {
    system = await startSystem({ env: { TRANSCRIBE: 'twilio' } });
    const s = system;
    const dispatcher = await s.login();
    const { recordTwiml } = await phoneReport(s, '+14155552401', 'en');
    expect(recordTwiml).toMatch(/transcribe="true"/);
    expect(recordTwiml).toContain(`transcribeCallback="${PUBLIC_URL}/twilio/transcription"`);
    // Twilio transcribes at most two minutes: the menu never records longer.
    expect(recordTwiml).toMatch(/maxLength="120"/);

    const [report] = await reports(dispatcher);
    expect(report).toMatchObject({ channel: 'voice', transcript: 'pending', machineText: false, location: null });
    expect(report?.media).toEqual([expect.objectContaining({ kind: 'recording' })]);
  });

  it('item 10: the signed callback makes the transcript the report\'s text, read like an SMS; a replay changes nothing', async () => {
    system = await startSystem({ env: { TRANSCRIBE: 'twilio' } });
    const s = system;
    const dispatcher = await s.login();
    const { call } = await phoneReport(s, '+14155552402', 'en');
    const [before] = await reports(dispatcher);
    expect(before?.location).toBeNull();

    const spoken = 'There are ICE agents at the elementary school in 94110 taking parents call me back at 415 555 0199';
    const params = transcriptionParams(s, call, 'completed', spoken);
    const answer = await post(s, '/twilio/transcription', params);
    expect(answer.statusCode).toBe(204);
    await s.idle();

    const [report] = await reports(dispatcher);
    expect(report).toMatchObject({ id: before?.id, channel: 'voice', transcript: 'done', machineText: true, kind: 'school' });
    // The transcript is the text, with the number said in it masked.
    expect(report?.text).toContain('ICE agents at the elementary school in 94110');
    expect(report?.text).not.toMatch(/555\s?0199/);
    // Read like a text: the ZIP in it places the report and its incident.
    expect(report?.location).toMatchObject({ precision: 'zip', label: expect.stringContaining('94110') });
    const incident = (await dispatcher.get(`/api/incidents/${report?.incidentId}`)).json();
    expect(incident.location).toMatchObject({ precision: 'zip' });
    expect(incident.kind).toBe('school');
    expect(incident.reports[0]).toMatchObject({ transcript: 'done', machineText: true });
    // The words never reach a log line.
    // (The number as spoken, not its last digits alone: "0199" also turns up inside a logged response time.)
    expect(s.logLines.filter((line) => line.includes('elementary school') || /555\D?0199/.test(line))).toEqual([]);

    // Twilio replaying the callback (even with other words under the same TranscriptionSid) changes nothing.
    const replay = await post(s, '/twilio/transcription', { ...params, TranscriptionText: 'ICE checkpoint at 94124' });
    expect(replay.statusCode).toBe(204);
    await s.idle();
    const [again] = await reports(dispatcher);
    expect(again).toEqual(report);
    const incidentAgain = (await dispatcher.get(`/api/incidents/${report?.incidentId}`)).json();
    expect(incidentAgain.updatedAt).toBe(incident.updatedAt);

    // A second transcription of the same call is not taken either: the report's transcript is taken once.
    const second = await post(s, '/twilio/transcription', transcriptionParams(s, call, 'completed', 'ICE checkpoint at 94124'));
    expect(second.statusCode).toBe(204);
    expect((await reports(dispatcher))[0]).toEqual(report);
  });

  it('item 10: a transcript keeps the caller\'s keypad ZIP unless its words are more precise', async () => {
    system = await startSystem({ env: { TRANSCRIBE: 'twilio' } });
    const s = system;
    const dispatcher = await s.login();
    const { call } = await phoneReport(s, '+14155552403', 'en', { zip: '94110' });
    expect((await reports(dispatcher))[0]?.location).toMatchObject({ precision: 'zip', source: 'keypad' });
    expect((await post(s, '/twilio/transcription', transcriptionParams(s, call, 'completed', 'immigration agents at the bus stop right now'))).statusCode).toBe(204);
    await s.idle();
    const [report] = await reports(dispatcher);
    expect(report).toMatchObject({ transcript: 'done', text: 'immigration agents at the bus stop right now' });
    expect(report?.location).toMatchObject({ precision: 'zip', label: expect.stringContaining('94110'), source: 'keypad' });
  });

  it('item 10: an intersection said in the recording places the report more precisely than the keypad ZIP', async () => {
    system = await startSystem({ env: { TRANSCRIBE: 'twilio', ...(await fixtureStreetsEnv()) } });
    const s = system;
    const dispatcher = await s.login();
    const { call } = await phoneReport(s, '+14155552410', 'en', { zip: '94110' });
    const spoken = 'ICE raid at the car wash on 24th and Folsom they have three vans';
    expect((await post(s, '/twilio/transcription', transcriptionParams(s, call, 'completed', spoken))).statusCode).toBe(204);
    await s.idle();
    const [report] = await reports(dispatcher);
    expect(report).toMatchObject({ transcript: 'done', machineText: true, text: spoken, kind: 'worksite' });
    // 24th St & Folsom St in the tests' geography.
    expect(report?.location).toMatchObject({ precision: 'intersection', lat: expect.closeTo(37.7526, 3), lng: expect.closeTo(-122.4139, 3) });
    const incident = (await dispatcher.get(`/api/incidents/${report?.incidentId}`)).json();
    expect(incident.location).toMatchObject({ precision: 'intersection' });
  });

  it('item 10: unsigned, wrongly signed, malformed or unknown callbacks get a 4xx and change nothing', async () => {
    system = await startSystem({ env: { TRANSCRIBE: 'twilio' } });
    const s = system;
    const dispatcher = await s.login();
    const { call } = await phoneReport(s, '+14155552404', 'en');
    const [before] = await reports(dispatcher);
    const params = transcriptionParams(s, call, 'completed', 'ICE at the school in 94110');

    expect((await post(s, '/twilio/transcription', params, null)).statusCode).toBe(403);
    expect((await post(s, '/twilio/transcription', params, sign('/twilio/transcription', { ...params, TranscriptionText: 'something else' }))).statusCode).toBe(403);
    expect((await post(s, '/twilio/transcription', { ...params, TranscriptionSid: 'TR1' })).statusCode).toBe(400);
    const { TranscriptionSid: _sid, ...withoutSid } = params;
    expect((await post(s, '/twilio/transcription', withoutSid)).statusCode).toBe(400);
    expect((await post(s, '/twilio/transcription', { ...params, TranscriptionStatus: 'in-progress' })).statusCode).toBe(400);
    expect((await post(s, '/twilio/transcription', { ...params, CallSid: 'CA-not-a-sid' })).statusCode).toBe(400);
    // A call that filed no report (or another account's) is unknown here.
    const unknown = await post(s, '/twilio/transcription', { ...params, CallSid: `CA${hex32()}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: expect.any(String) });
    // A recording that is not this call's.
    expect((await post(s, '/twilio/transcription', { ...params, RecordingSid: `RE${hex32()}` })).statusCode).toBe(404);
    await s.idle();

    expect((await reports(dispatcher))[0]).toEqual(before);
    expect(before).toMatchObject({ transcript: 'pending', text: 'Voice report' });
    // Nothing was taken: the genuine callback still works afterwards.
    expect((await post(s, '/twilio/transcription', params)).statusCode).toBe(204);
    await s.idle();
    expect((await reports(dispatcher))[0]).toMatchObject({ transcript: 'done', text: 'ICE at the school in 94110' });
  });

  it('item 10: a failed transcription leaves the recording for a dispatcher: transcript none, text unchanged', async () => {
    system = await startSystem({ env: { TRANSCRIBE: 'twilio' } });
    const s = system;
    const dispatcher = await s.login();
    const { call } = await phoneReport(s, '+14155552405', 'en');
    expect((await post(s, '/twilio/transcription', transcriptionParams(s, call, 'failed', ''))).statusCode).toBe(204);
    await s.idle();
    const [report] = await reports(dispatcher);
    expect(report).toMatchObject({ transcript: 'none', machineText: false, text: 'Voice report', location: null });
    expect(report?.media).toEqual([expect.objectContaining({ kind: 'recording' })]);
  });

  it('item 10: Spanish and Tagalog callers get no transcription request, and their reports say no transcript will come', async () => {
    system = await startSystem({ env: { TRANSCRIBE: 'twilio' } });
    const s = system;
    const dispatcher = await s.login();
    for (const [from, lang] of [['+14155552406', 'es'], ['+14155552407', 'tl']] as const) {
      const { recordTwiml } = await phoneReport(s, from, lang, { zip: '94110' });
      expect(recordTwiml).not.toMatch(/transcribe/i);
    }
    const all = await reports(dispatcher);
    expect(all.map((r) => [r.language, r.transcript, r.machineText])).toEqual(
      expect.arrayContaining([
        ['es', 'none', false],
        ['tl', 'none', false],
      ]),
    );
    // Their recordings are kept for a dispatcher to listen to.
    expect(all.every((r) => r.media.length === 1)).toBe(true);
  });

  it('item 10: a recording longer than two minutes is not awaited as a transcript', async () => {
    system = await startSystem({ env: { TRANSCRIBE: 'twilio' } });
    const s = system;
    const dispatcher = await s.login();
    await phoneReport(s, '+14155552408', 'en', { seconds: 121 });
    expect((await reports(dispatcher))[0]).toMatchObject({ transcript: 'none' });
  });

  it('item 10: without TRANSCRIBE nothing is transcribed: no transcribe attribute, transcript none', async () => {
    system = await startSystem();
    const s = system;
    const dispatcher = await s.login();
    const { recordTwiml } = await phoneReport(s, '+14155552409', 'en');
    expect(recordTwiml).not.toMatch(/transcribe/i);
    expect((await reports(dispatcher))[0]).toMatchObject({ transcript: 'none', machineText: false });
  });
});
