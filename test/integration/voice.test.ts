// The phone menu, step by step as Twilio would drive it, ending in a filed report.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { voicePrompt } from '../../src/i18n/voice.js';
import { type ApiClient, sign, startSystem, type TestSystem } from '../support/system.js';

const newCallSid = () => `CA${randomBytes(16).toString('hex')}`;
const signedStep = (system: TestSystem, path: string, params: Record<string, string>) =>
  system.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(path, params) },
    payload: new URLSearchParams(params).toString(),
  });

describe('reporting by phone', () => {
  let system: TestSystem;
  let dispatcher: ApiClient;

  beforeAll(async () => {
    system = await startSystem();
    dispatcher = await system.login();
  });
  afterAll(() => system?.close());

  const step = (path: string, params: Record<string, string>) =>
    system.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(path, params) },
      payload: new URLSearchParams(params).toString(),
    });
  const nextAction = (xml: string) => /action="([^"]+)"/.exec(xml)?.[1]?.replace(/&amp;/g, '&') ?? '';

  it('takes a language, a ZIP and a recording, and files a placed report once', async () => {
    const call = { CallSid: 'CA0123456789abcdef0123456789abcdef', From: '+14155550501', To: '+15005550006' };
    const menu = await step('/twilio/voice', call);
    expect(menu.statusCode).toBe(200);
    expect(menu.body).toMatch(/<Gather[^>]*numDigits="1"/);
    expect(menu.body).toMatch(/language="es-MX"/);

    const language = await step(nextAction(menu.body), { ...call, Digits: '2' });
    expect(language.body).toMatch(/código postal/);
    const zip = await step(nextAction(language.body), { ...call, Digits: '94110' });
    expect(zip.body).toMatch(/<Record/);
    const recordingAction = nextAction(zip.body);
    expect(recordingAction).toBe('/twilio/voice/recording?lang=es&zip=94110');

    const recording = { ...call, RecordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1', RecordingSid: 'RE1' };
    const done = await step(recordingAction, recording);
    expect(done.body).toMatch(/Gracias/);
    expect(done.body).toMatch(/<Hangup/);
    // Twilio retrying the last step files nothing twice.
    await step(recordingAction, recording);
    await system.idle();

    const reports = (await dispatcher.get('/api/reports')).json();
    expect(reports).toHaveLength(1);
    // The recording is on another host than the configured Twilio API: never fetched, never shown.
    expect(reports[0]).toMatchObject({ channel: 'voice', language: 'es', location: { label: 'ZIP 94110', precision: 'zip' }, media: [] });
    expect((await dispatcher.get('/api/incidents')).json()[0]).toMatchObject({ reportCount: 1 });
  });

  it('files an unplaced report when no ZIP was keyed in, for a dispatcher to place', async () => {
    const call = { CallSid: 'CAffffffffffffffffffffffffffffffff', From: '+14155550502' };
    const zip = await step('/twilio/voice/zip?lang=en', { ...call, Digits: '' });
    const done = await step(nextAction(zip.body), { ...call, RecordingUrl: 'https://api.twilio.com/rec/RE2' });
    expect(done.statusCode).toBe(200);
    await system.idle();
    expect((await dispatcher.get('/api/reports?unplaced=true')).json()).toHaveLength(1);
  });

  it('refuses unsigned calls and calls without a CallSid', async () => {
    const unsigned = await system.app.inject({ method: 'POST', url: '/twilio/voice', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'CallSid=CA1&From=%2B1' });
    expect(unsigned.statusCode).toBe(403);
    expect((await step('/twilio/voice', { From: '+14155550503' })).statusCode).toBe(400);
  });
});

describe('limits on the phone line', () => {
  let system: TestSystem | undefined;
  afterEach(async () => {
    await system?.close();
    system = undefined;
  });
  const count = (table: string) => (system!.deps.db.$client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  /** The last step of a call: the recording is in, the report is filed (or refused). */
  const finishCall = (from: string, callSid = newCallSid()) =>
    signedStep(system!, '/twilio/voice/recording?lang=en&zip=94110', { CallSid: callSid, From: from, RecordingUrl: `https://api.twilio.com/rec/RE${callSid.slice(2)}` });

  it('item 8: withheld caller IDs share a line-wide budget, not one number, and a refused caller hears a refusal, never "received"', async () => {
    system = await startSystem({ env: { LIMIT_REPORTS_PER_NUMBER_PER_HOUR: '2', LIMIT_HIDDEN_NUMBER_REPORTS_PER_HOUR: '3' } });
    const thanks = voicePrompt('en', 'thanks');
    const refused = voicePrompt('en', 'refused');
    // Three anonymous callers: more than one number may report, and they are not one contact.
    for (const from of ['Anonymous', 'Anonymous', '+266696687']) expect((await finishCall(from)).body).toContain(thanks);
    const fourth = newCallSid();
    const over = await finishCall('Anonymous', fourth);
    expect(over.body).toContain(refused);
    expect(over.body).not.toContain(thanks);
    // Twilio retrying the refused step gets the same refusal.
    expect((await finishCall('Anonymous', fourth)).body).toContain(refused);
    expect(count('reports')).toBe(3);
    expect(count('contacts')).toBe(0);

    // A caller with a number has its own limit, untouched by the hidden callers; over it, it is refused too.
    expect((await finishCall('+14155550511')).body).toContain(thanks);
    expect((await finishCall('+14155550511')).body).toContain(thanks);
    const third = await finishCall('+14155550511');
    expect(third.body).toContain(refused);
    expect(count('reports')).toBe(5);
    await system.idle();
  });
});
