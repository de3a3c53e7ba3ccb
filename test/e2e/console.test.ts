/// <reference lib="dom" />
// The dispatcher console in real headless Chromium, driven by labels and button names as a dispatcher (and a
// screen reader) finds them: sign in, a texted report appears live, place it, preview, Send alert, deliveries, resolve.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import type { TestSystem } from '../support/system.js';
import { checkAccessibility, launchBrowser, screenshots, serveConsole, signIn, watchedPage } from './browser.js';

const EMAIL = 'dispatcher@example.org';
const PASSWORD = 'correct horse battery staple';
const REPORTER = '+14155550123';
const MEMBERS = ['+14155550201', '+14155550202'];

describe('the dispatcher console', () => {
  let system: TestSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ({ system, base } = await serveConsole({ RELEASE_APPROVALS: '1' }));
    const admin = await system.login('admin');
    const committee = (await admin.post('/api/committees', { name: 'Mission Rapid Response', area: { type: 'zips', zips: ['94110'] }, autoApprove: true })).json() as { inviteCode: string };
    for (const member of MEMBERS) await system.text(member, `JOIN ${committee.inviteCode}`);
    system.deps.repos.users.create({ email: EMAIL, role: 'dispatcher', passwordHash: await hashPassword(PASSWORD) }, Date.now());
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    page = await watchedPage(context, cspViolations);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('item 1: the web role serves the console at / with hashed, long-cached assets, and /api and /twilio keep their JSON answers', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /src="(\/assets\/main-[A-Z0-9]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${base}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    await js.arrayBuffer();
    const incidentPage = await fetch(`${base}/incidents/6TWM`);
    expect(incidentPage.headers.get('content-type')).toMatch(/text\/html/);
    // Bodies are read to the end: an unread one keeps its connection busy, and the server's close waits for it.
    await incidentPage.text();
    // The console's fallback never swallows the API's or the webhooks' own answers.
    const api = await fetch(`${base}/api/nothing-here`);
    expect([api.status, await api.json()]).toEqual([401, { error: 'sign in first' }]);
    const twilio = await fetch(`${base}/twilio/nothing-here`);
    expect([twilio.status, await twilio.json()]).toEqual([404, { error: 'not found' }]);
  });

  it('item 13: strict CSP, no framing, and no phone number in the page or its bundles', async () => {
    const index = await fetch(`${base}/`);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).toMatch(/connect-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(index.headers.get('x-frame-options')).toBe('DENY');
    const html = await index.text();
    const bodies = [html];
    for (const [, asset] of html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)) bodies.push(await (await fetch(`${base}${asset}`)).text());
    for (const body of bodies) {
      expect(body).not.toMatch(/\+1\d{10}/);
      for (const number of [REPORTER, ...MEMBERS, system.config.twilio.fromNumber ?? '']) expect(body).not.toContain(number.slice(2));
      expect(body).not.toContain(system.config.twilio.authToken);
    }
  });

  it('item 2: a wrong password says so; the right one signs in; sign-out signs out', async () => {
    await page.goto(`${base}/`);
    await signIn(page, EMAIL, 'not the password');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong email or password.');
    await checkAccessibility(page, 'sign-in');
    await screenshots(page, 'sign-in');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Live incidents' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect((await context.request.get(`${base}/api/incidents`)).status()).toBe(401);
  });

  it('items 3, 4, 5: a texted report appears live; the dispatcher places it, previews, sends the alert, sees deliveries, resolves', async () => {
    await signIn(page, EMAIL, PASSWORD);
    await page.getByRole('heading', { name: 'Live incidents' }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();

    // No reload from here on: the row arrives over the event stream.
    await system.text(REPORTER, 'Agents are taking people from the bus stop right now');
    await system.idle();
    const incident = system.deps.repos.incidents.list({}, { limit: 10 })[0]!;
    const link = page.getByRole('link', { name: incident.code });
    await link.waitFor({ timeout: 5000 });
    await expect.poll(() => page.locator('#announcements').textContent()).toContain(incident.code);
    expect(await page.getByRole('row').filter({ hasText: incident.code }).textContent()).toContain('Not placed yet');
    await checkAccessibility(page, 'board');
    await screenshots(page, 'board');

    await link.click();
    await page.getByRole('heading', { name: new RegExp(`Incident ${incident.code}`) }).waitFor();
    expect(await page.getByRole('button', { name: 'Confirm' }).count()).toBe(0); // unplaced: nothing to confirm yet
    await page.getByLabel('Place').fill('94110');
    await page.getByRole('button', { name: 'Place', exact: true }).click();
    await page.getByRole('button', { name: 'Confirm' }).waitFor();

    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Before sending the alert' }).waitFor();
    expect(await page.locator('.preview').textContent()).toContain('This alert goes to 2 people.');
    expect(system.twilio.sent.filter((m) => MEMBERS.includes(m.to))).toHaveLength(0); // the preview sent nothing
    await checkAccessibility(page, 'incident-preview');
    await screenshots(page, 'incident-preview');

    await page.getByRole('button', { name: 'Send alert' }).click();
    await page.getByRole('button', { name: 'Resolve' }).waitFor();
    // Delivery counts follow the provider's callbacks without a reload.
    await system.idle();
    await expect.poll(() => page.locator('.delivery[data-kind="alert"]').textContent(), { timeout: 8000 }).toMatch(/2 sent|2 delivered/);
    await screenshots(page, 'incident-confirmed');

    await page.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.locator('h1 .badge').textContent()).toBe('Resolved');
    await system.idle();
    expect(system.twilio.sent.filter((m) => MEMBERS.includes(m.to)).length).toBe(4); // alert + all clear, each
    expect(cspViolations).toEqual([]);
  });

  it('item 12: the console follows the language switch, and the choice is kept', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('heading', { name: 'Incidentes en vivo' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Incidentes en vivo' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('es');
    await page.getByLabel('Idioma').selectOption('tl');
    await page.getByRole('button', { name: 'Mag-sign out' }).waitFor();
  });

  it('item 3: after a network drop the board reconnects and catches up, and the tab title counts what is new', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('Wika').selectOption('en');
    await page.getByRole('heading', { name: 'Live incidents' }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    // Every open connection cut, as a dropped network would; the server itself stays up.
    system.app.server.closeAllConnections();
    await page.getByText('Reconnecting… the list may be out of date.').waitFor();
    await system.text('+14155550177', 'ICE at the clinic on Mission 94110 right now');
    await system.idle();
    const newest = system.deps.repos.incidents.list({}, { limit: 1 })[0]!;
    await page.getByRole('link', { name: newest.code }).waitFor({ timeout: 15_000 });
    await page.getByText('Live', { exact: true }).waitFor();
    expect(await page.title()).toMatch(/^\(\d+\) Incidents · Centinela$/);
  });
});
