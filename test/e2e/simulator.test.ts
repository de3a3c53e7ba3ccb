/// <reference lib="dom" />
// Training mode end to end in real Chromium: phones texted from the simulator join, report, get the alert and
// answer it; and the incident page shows a report's photo, recording, failed processing and the roll call.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import { FROM_NUMBER, sign, type TestSystem } from '../support/system.js';
import { checkAccessibility, launchBrowser, screenshots, serveConsole, signIn, watchedPage } from './browser.js';

const EMAIL = 'trainer@example.org';
const PASSWORD = 'correct horse battery staple';
const PHONE_A = '+14155550301';
const PHONE_B = '+14155550302';

async function serve(env: Record<string, string> = {}): Promise<{ system: TestSystem; base: string }> {
  const served = await serveConsole(env);
  served.system.deps.repos.users.create({ email: EMAIL, role: 'dispatcher', passwordHash: await hashPassword(PASSWORD) }, Date.now());
  return served;
}

describe('the phone simulator and the incident page', () => {
  let training: TestSystem;
  let production: TestSystem;
  let browser: Browser;
  let trainingBase: string;
  let productionBase: string;
  const contexts: BrowserContext[] = [];
  const cspViolations: string[] = [];

  async function newPage(): Promise<Page> {
    // One context per server: both answer on 127.0.0.1, and cookies do not tell ports apart.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    contexts.push(context);
    return watchedPage(context, cspViolations);
  }

  beforeAll(async () => {
    ({ system: training, base: trainingBase } = await serve({ SMS_PROVIDER: 'outbox', RELEASE_APPROVALS: '1' }));
    ({ system: production, base: productionBase } = await serve());
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await training?.close();
    await production?.close();
  });

  it('item 11: a trainer texts as phone A to join and phone B to report, confirms, and A gets the alert and answers it', async () => {
    const base = trainingBase;
    const admin = await training.login('admin');
    const committee = (await admin.post('/api/committees', { name: 'Mission Rapid Response', area: { type: 'zips', zips: ['94110'] }, autoApprove: true })).json() as { inviteCode: string };
    const page = await newPage();
    await page.goto(`${base}/simulator`);
    await signIn(page, EMAIL, PASSWORD);
    await page.getByRole('heading', { name: 'Phone simulator' }).waitFor();
    expect(await page.getByRole('note').textContent()).toBe('Training mode: nothing is really sent');

    const text = async (phone: string, body: string) => {
      await page.getByLabel('Phone number').fill(phone);
      await page.getByLabel('Message').fill(body);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
    };
    const pane = (phone: string) => page.getByRole('region', { name: `Phone ${phone}` });

    await text(PHONE_A, `JOIN ${committee.inviteCode}`);
    await expect.poll(() => pane(PHONE_A).textContent()).toContain('You are now part of Mission Rapid Response');
    await text(PHONE_B, 'ICE agents are raiding the warehouse on Folsom, zip 94110');
    await expect.poll(() => pane(PHONE_B).textContent()).toContain('Report received');
    await training.idle();
    const incident = training.deps.repos.incidents.list({}, { limit: 10 })[0]!;
    expect(incident.zip).toBe('94110');

    // The dispatcher's side, in the same tab: the simulator keeps its phones while the console moves on.
    await page.getByRole('link', { name: 'Incidents' }).click();
    await page.getByRole('link', { name: incident.code }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'Send alert' }).click();
    await page.getByRole('button', { name: 'Resolve' }).waitFor();
    await training.idle();

    await page.getByRole('link', { name: 'Simulator' }).click();
    await expect.poll(() => pane(PHONE_A).locator('.from-line').allTextContents(), { timeout: 8000 }).toEqual([expect.stringMatching(/94110/)]);
    expect(await pane(PHONE_B).locator('.from-line').count()).toBe(0); // a reporter who is no member gets no alert
    await text(PHONE_A, '1');
    await expect.poll(() => pane(PHONE_A).textContent()).toContain(`going to alert ${incident.code}`);
    await checkAccessibility(page, 'simulator');
    await screenshots(page, 'simulator');

    await page.getByRole('link', { name: 'Incidents' }).click();
    await page.getByRole('link', { name: incident.code }).click();
    const rollCall = page.getByRole('region', { name: 'Roll call' });
    await expect.poll(() => rollCall.textContent()).toMatch(/Going\s*1\s*Can't go\s*0/);
    expect(await rollCall.textContent()).toContain('+1•••••••0301');
    expect(await page.content()).not.toContain(PHONE_A.slice(2));
    expect(training.twilio.requests).toBe(0);
    expect(cspViolations).toEqual([]);
  });

  it('item 11: the simulator routes answer 404 when Twilio really sends, and the page says training is off', async () => {
    const base = productionBase;
    const dispatcher = await production.login();
    const sent = await dispatcher.post('/api/dev/sms', { from: PHONE_A, body: 'hello' });
    expect([sent.statusCode, sent.json()]).toEqual([404, { error: 'not found' }]);
    expect((await dispatcher.post('/api/dev/inbox', { phone: PHONE_A })).statusCode).toBe(404);
    const page = await newPage();
    await page.goto(`${base}/simulator`);
    await signIn(page, EMAIL, PASSWORD);
    await page.getByText('Training mode is off: this server sends real texts.').waitFor();
    expect(await page.getByLabel('Phone number').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Simulator' }).count()).toBe(0);
  });

  it('item 5: the incident page shows a report\'s photo and recording from the console\'s media route, and says when processing failed', async () => {
    const base = productionBase;
    const s = production;
    // A photo by MMS, as Twilio posts it with the fake's media URL.
    const photo = await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 30, b: 30 } } }).jpeg().toBuffer();
    const mms = s.twilio.addInbound({ from: '+14155552201', to: FROM_NUMBER, body: 'ICE van at the school 94110', media: [{ contentType: 'image/jpeg', body: photo }] });
    const posted = await s.sms('+14155552201', 'ICE van at the school 94110', { MessageSid: mms.sid, NumMedia: '1', MediaUrl0: mms.mediaUrls[0] ?? '', MediaContentType0: 'image/jpeg' });
    expect(posted.statusCode).toBe(200);
    // A recording from the phone menu.
    const recordingSid = s.twilio.addRecording(undefined, { contentType: 'audio/x-wav', body: Buffer.concat([Buffer.from('RIFF'), randomBytes(256)]) });
    const params = { CallSid: `CA${randomBytes(16).toString('hex')}`, From: '+14155552202', To: FROM_NUMBER, RecordingUrl: `${s.twilio.url}/2010-04-01/Accounts/${s.twilio.accountSid}/Recordings/${recordingSid}`, RecordingSid: recordingSid };
    const path = '/twilio/voice/recording?lang=en&zip=94110';
    const call = await s.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(path, params) }, payload: new URLSearchParams(params).toString() });
    expect(call.statusCode).toBe(200);
    await s.idle();
    const incident = s.deps.repos.incidents.list({}, { limit: 10 })[0]!;
    const filed = s.deps.repos.reports.ofIncident(incident.id);
    expect(filed).toHaveLength(2);
    // The state a report is left in when its processing gave up after it had joined the incident.
    s.deps.repos.reports.update(filed[1]!.id, { status: 'failed' });

    const page = await newPage();
    await page.goto(`${base}/incidents/${incident.code}`);
    await signIn(page, EMAIL, PASSWORD);
    await page.getByRole('heading', { name: new RegExp(`Incident ${incident.code}`) }).waitFor();
    const image = page.getByRole('img', { name: 'Photo 1 from Reporter A' });
    await image.waitFor();
    await expect.poll(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(48);
    expect(await image.getAttribute('src')).toMatch(/^\/api\/media\//);
    const audio = page.locator('audio[controls]');
    expect(await audio.count()).toBe(1);
    expect(await audio.getAttribute('src')).toMatch(/^\/api\/media\//);
    await page.getByText('Recording 1 from Reporter B').waitFor();
    const audioStatus = await audio.evaluate(async (element) => (await fetch((element as HTMLAudioElement).src)).headers.get('content-type'));
    expect(audioStatus).toBe('audio/x-wav');
    expect(await page.getByText(/Processing this report failed/).count()).toBe(1);
    expect(await page.getByRole('region', { name: 'Roll call' }).textContent()).toContain('No replies yet.');
    const html = await page.content();
    expect(html).not.toContain(s.twilio.url);
    await checkAccessibility(page, 'incident-media');
    await screenshots(page, 'incident-media');
    expect(cspViolations).toEqual([]);
  });
});
