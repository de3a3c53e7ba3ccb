// Phone reports become text (TRANSCRIBE=twilio): the menu asks Twilio to transcribe English recordings, and the
// signed transcription callback turns the report's text into the transcript, read like an SMS. Other callers'
// recordings wait for a dispatcher, and the console says no transcript exists.
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureStreetsEnv } from '../support/geography.js';
import { giveUpOverdueTranscripts, TRANSCRIPT_WAIT_MS } from '../../src/services/inbound-voice.js';
import { deleteFromProvider } from '../../src/services/provider-cleanup.js';
import { FROM_NUMBER, PUBLIC_URL, sign, startSystem, TestClock, type TestSystem } from '../support/system.js';
import { type Call, hex32, phoneReport, post, reports, timeline, transcriptionParams } from '../support/voice-calls.js';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

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

  it('item 10: unsigned, wrongly signed, malformed or mismatched callbacks get a 4xx and change nothing', async () => {
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
    // A recording that is not this call's.
    const unknown = await post(s, '/twilio/transcription', { ...params, RecordingSid: `RE${hex32()}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: expect.any(String) });
    // A call with no report yet is kept for its report (the webhooks race): this report is left alone.
    expect((await post(s, '/twilio/transcription', { ...params, TranscriptionSid: `TR${hex32()}`, CallSid: `CA${hex32()}` })).statusCode).toBe(202);
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
    // The incident's timeline says so: a dispatcher listens to the recording instead.
    expect(await timeline(dispatcher, report?.incidentId ?? '')).toContainEqual(expect.objectContaining({ type: 'transcript_none', detail: { reportId: report?.id, reason: 'failed' } }));
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

/** Transcripts kept for calls without a report yet, as stored. */
const waiting = (s: TestSystem) => s.deps.db.$client.prepare('select * from waiting_transcripts').all() as Array<Record<string, unknown>>;

describe('voice: transcripts that come before their report, or never', () => {
  it('item 1: a transcript that comes before its report is kept sealed, and becomes the report\'s text when the report is filed', async () => {
    system = await startSystem({ env: { TRANSCRIBE: 'twilio' } });
    const s = system;
    const dispatcher = await s.login();
    const spoken = 'ICE agents at the elementary school in 94110 call me at 415 555 0188';
    await phoneReport(s, '+14155552411', 'en', {
      // Twilio posts the transcript before the recording's webhook: kept (202), for Twilio does not retry an error.
      async beforeRecordingWebhook(call) {
        const params = transcriptionParams(s, call, 'completed', spoken);
        expect((await post(s, '/twilio/transcription', params)).statusCode).toBe(202);
        const kept = waiting(s);
        expect(kept).toEqual([expect.objectContaining({ call_sid: call.CallSid, recording_sid: call.RecordingSid })]);
        // Sealed: neither the words nor the number said in them are readable in the database.
        expect(JSON.stringify(kept)).not.toMatch(/elementary|0188/);
        // Twilio replaying it changes nothing.
        expect((await post(s, '/twilio/transcription', params)).statusCode).toBe(204);
      },
    });

    const [report] = await reports(dispatcher);
    expect(report).toMatchObject({ channel: 'voice', transcript: 'done', machineText: true, kind: 'school' });
    expect(report?.text).toContain('ICE agents at the elementary school in 94110');
    expect(report?.text).not.toMatch(/555\s?0188/);
    expect(report?.location).toMatchObject({ precision: 'zip', label: expect.stringContaining('94110') });
    expect((await dispatcher.get(`/api/incidents/${report?.incidentId}`)).json()).toMatchObject({ kind: 'school', location: { precision: 'zip' } });
    // Taken: nothing is left waiting, and the words never reached a log line.
    expect(waiting(s)).toEqual([]);
    expect(s.logLines.filter((line) => line.includes('elementary school') || /555\D?0188/.test(line))).toEqual([]);
  });

  it('item 1: an early transcript of another recording or of a refused call is not taken; one whose call never became a report is dropped after the wait', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, env: { TRANSCRIBE: 'twilio', LIMIT_REPORTS_PER_NUMBER_PER_HOUR: '1' } });
    const s = system;
    const dispatcher = await s.login();
    const caller = '+14155552412';
    // Another recording of the same call: the report goes on awaiting its own.
    await phoneReport(s, caller, 'en', {
      async beforeRecordingWebhook(call) {
        const other = { ...transcriptionParams(s, call, 'completed', 'ICE at the bus stop in 94110'), RecordingSid: `RE${hex32()}` };
        expect((await post(s, '/twilio/transcription', other)).statusCode).toBe(202);
      },
    });
    expect(await reports(dispatcher)).toEqual([expect.objectContaining({ transcript: 'pending', text: 'Voice report' })]);
    expect(waiting(s)).toEqual([]);

    // Over its limit, the caller's next call is refused: it never becomes a report, so its transcript is not kept.
    const { call: refused } = await phoneReport(s, caller, 'en');
    expect((await post(s, '/twilio/transcription', transcriptionParams(s, refused, 'completed', 'ICE at the bus stop in 94110'))).statusCode).toBe(204);
    expect(waiting(s)).toEqual([]);
    expect(await reports(dispatcher)).toHaveLength(1);

    // A call this line never heard of (its webhook lost): kept for the wait, then dropped.
    const lost: Call = { CallSid: `CA${hex32()}`, From: '+14155552413', To: FROM_NUMBER, RecordingSid: `RE${hex32()}` };
    expect((await post(s, '/twilio/transcription', transcriptionParams(s, lost, 'completed', 'ICE checkpoint at 94124'))).statusCode).toBe(202);
    clock.advance(TRANSCRIPT_WAIT_MS - 60_000);
    await giveUpOverdueTranscripts(s.deps);
    expect(waiting(s)).toHaveLength(1);
    clock.advance(2 * 60_000);
    await giveUpOverdueTranscripts(s.deps);
    expect(waiting(s)).toEqual([]);
  });

  it('item 1: a transcript that never comes is given up after the wait: transcript none, on the incident\'s timeline; a late one changes nothing', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, env: { TRANSCRIBE: 'twilio' } });
    const s = system;
    const dispatcher = await s.login();
    const { call } = await phoneReport(s, '+14155552414', 'en', { zip: '94110' });
    const [before] = await reports(dispatcher);
    expect(before).toMatchObject({ transcript: 'pending' });

    clock.advance(TRANSCRIPT_WAIT_MS - 60_000);
    expect(await giveUpOverdueTranscripts(s.deps)).toBe(0);
    clock.advance(2 * 60_000);
    // The maintenance run's provider duty gives it up, with deletion at Twilio off as here.
    await deleteFromProvider(s.deps);
    const [after] = await reports(dispatcher);
    expect(after).toMatchObject({ id: before?.id, transcript: 'none', machineText: false, text: 'Voice report (ZIP 94110)' });
    expect(after?.media).toEqual([expect.objectContaining({ kind: 'recording' })]);
    const events = await timeline(dispatcher, after?.incidentId ?? '');
    expect(events.filter((event) => event.type === 'transcript_none')).toEqual([expect.objectContaining({ detail: { reportId: after?.id, reason: 'overdue' } })]);
    // Given up once.
    expect(await giveUpOverdueTranscripts(s.deps)).toBe(0);

    // Twilio's transcript after all, too late: answered, not taken.
    expect((await post(s, '/twilio/transcription', transcriptionParams(s, call, 'completed', 'ICE at the school in 94110'))).statusCode).toBe(204);
    await s.idle();
    expect((await reports(dispatcher))[0]).toEqual(after);
  });
});
