// TWILIO_DELETE_AFTER_MINUTES: the provider's copies of messages, photos and recordings are deleted through its
// REST API once processed.
import { afterEach, describe, expect, it } from 'vitest';
import { TRANSCRIPT_WAIT_MS } from '../../src/services/inbound-voice.js';
import { deleteFromProvider } from '../../src/services/provider-cleanup.js';
import { committeeWithMembers, MISSION_ZIPS, reportIncident } from '../support/scenario.js';
import { FROM_NUMBER, startSystem, TestClock, type TestSystem } from '../support/system.js';
import { phoneReport, post, reports, timeline, transcriptionParams } from '../support/voice-calls.js';

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.close();
  system = undefined;
});

describe('deleting from Twilio after processing', () => {
  it('deletes inbound messages, their photos and recordings, and delivered alerts, once the delay has passed', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, env: { TWILIO_DELETE_AFTER_MINUTES: '5' } });
    const s = system;
    const dispatcher = await s.login();
    await committeeWithMembers(s, dispatcher, { name: 'Mission', area: MISSION_ZIPS }, ['+14155551101']);

    const reporter = '+14155551102';
    const inbound = s.twilio.addInbound({ from: reporter, to: FROM_NUMBER, body: 'ICE at the school 94110', numMedia: 1 });
    const mediaUrl = `${s.twilio.url}/2010-04-01/Accounts/${s.twilio.accountSid}/Messages/${inbound.sid}/Media/${inbound.mediaSids[0]}`;
    const response = await s.sms(reporter, 'ICE at the school 94110', { MessageSid: inbound.sid, NumMedia: '1', MediaUrl0: mediaUrl });
    expect(response.statusCode).toBe(200);
    await s.idle();
    const incidentId = (await dispatcher.get('/api/reports')).json()[0].incidentId as string;
    await dispatcher.post(`/api/incidents/${incidentId}/confirm`, {});
    const [alert] = await s.twilio.waitForSent(1);
    await s.idle();
    s.deps.repos.messages.applyDeliveryStatus(alert!.sid, 'delivered', null, clock.now());

    // Too early: nothing is deleted.
    expect(await deleteFromProvider(s.deps)).toEqual({ inbound: 0, outbound: 0, media: 0 });
    clock.advance(6 * 60_000);
    const counts = await deleteFromProvider(s.deps);
    expect(counts.media).toBe(1);
    expect(counts.outbound).toBe(1);
    expect(counts.inbound).toBeGreaterThanOrEqual(1);
    expect(s.twilio.deleted).toEqual(expect.arrayContaining([inbound.sid, inbound.mediaSids[0], alert!.sid]));
    // The report keeps its text and the photo fetched before the deletion (served from here); nothing is deleted twice.
    expect((await dispatcher.get('/api/reports')).json()[0].media).toEqual([expect.objectContaining({ kind: 'photo', url: expect.stringMatching(/^\/api\/media\//) })]);
    expect(await deleteFromProvider(s.deps)).toEqual({ inbound: 0, outbound: 0, media: 0 });
  });

  it('deletes nothing when TWILIO_DELETE_AFTER_MINUTES is not set', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock });
    await reportIncident(system, await system.login(), '+14155551103', 'raid 94110');
    clock.advance(24 * 3_600_000);
    expect(await deleteFromProvider(system.deps)).toEqual({ inbound: 0, outbound: 0, media: 0 });
    expect(system.twilio.deleted).toEqual([]);
  });
});

describe('item 1: a recording waits at Twilio for its transcript', () => {
  const MINUTE = 60_000;

  it('item 1: a recording whose transcript is pending is not deleted until the transcript came', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, env: { TWILIO_DELETE_AFTER_MINUTES: '5', TRANSCRIBE: 'twilio' } });
    const s = system;
    const dispatcher = await s.login();
    const { call } = await phoneReport(s, '+14155551104', 'en');

    // Past the delay, but Twilio has not transcribed it yet: the recording stays at Twilio.
    clock.advance(6 * MINUTE);
    expect((await deleteFromProvider(s.deps)).media).toBe(0);
    expect(s.twilio.deleted).not.toContain(call.RecordingSid);

    expect((await post(s, '/twilio/transcription', transcriptionParams(s, call, 'completed', 'ICE at the school in 94110'))).statusCode).toBe(204);
    await s.idle();
    expect((await deleteFromProvider(s.deps)).media).toBe(1);
    expect(s.twilio.deleted).toContain(call.RecordingSid);
    // The report keeps its transcript and the recording fetched before the deletion.
    expect((await reports(dispatcher))[0]).toMatchObject({ transcript: 'done', media: [expect.objectContaining({ kind: 'recording', url: expect.stringMatching(/^\/api\/media\//) })] });
  });

  it('item 1: a transcript that never comes holds the recording back for the transcript wait only, then the report says so', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, env: { TWILIO_DELETE_AFTER_MINUTES: '5', TRANSCRIBE: 'twilio' } });
    const s = system;
    const dispatcher = await s.login();
    const { call } = await phoneReport(s, '+14155551105', 'en');

    clock.advance(TRANSCRIPT_WAIT_MS - MINUTE);
    expect((await deleteFromProvider(s.deps)).media).toBe(0);
    expect(s.twilio.deleted).not.toContain(call.RecordingSid);
    clock.advance(2 * MINUTE);
    expect((await deleteFromProvider(s.deps)).media).toBe(1);
    expect(s.twilio.deleted).toContain(call.RecordingSid);
    const [report] = await reports(dispatcher);
    expect(report).toMatchObject({ transcript: 'none', media: [expect.objectContaining({ kind: 'recording' })] });
    expect(await timeline(dispatcher, report?.incidentId ?? '')).toContainEqual(expect.objectContaining({ type: 'transcript_none' }));
  });

  it('item 1: with a delay longer than the transcript wait, the delay decides', async () => {
    const clock = new TestClock();
    system = await startSystem({ clock, env: { TWILIO_DELETE_AFTER_MINUTES: '45', TRANSCRIBE: 'twilio' } });
    const s = system;
    const dispatcher = await s.login();
    const { call } = await phoneReport(s, '+14155551106', 'en');

    clock.advance(TRANSCRIPT_WAIT_MS + MINUTE);
    expect((await deleteFromProvider(s.deps)).media).toBe(0);
    expect((await reports(dispatcher))[0]).toMatchObject({ transcript: 'none' });
    expect(s.twilio.deleted).not.toContain(call.RecordingSid);
    clock.advance(45 * MINUTE - TRANSCRIPT_WAIT_MS);
    expect((await deleteFromProvider(s.deps)).media).toBe(1);
    expect(s.twilio.deleted).toContain(call.RecordingSid);
  });
});
