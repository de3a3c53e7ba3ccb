/// <reference lib="dom" />
// Two people release an alert (RELEASE_APPROVALS=2), in real headless Chromium: the first one's button is `Approve`
// and sends nothing; the page says who approved and how many more are needed; the second one's is `Send alert`.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import type { TestSystem } from '../support/system.js';
import { checkAccessibility, launchBrowser, screenshots, serveConsole, signIn, watchedPage } from './browser.js';

const PASSWORD = 'correct horse battery staple';
const ANA = 'ana@example.org';
const BEN = 'ben@example.org';
const MEMBERS = ['+14155550301', '+14155550302'];

describe('release approvals in the console', () => {
  let system: TestSystem;
  let browser: Browser;
  let base: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ({ system, base } = await serveConsole({ RELEASE_APPROVALS: '2' }));
    const admin = await system.login('admin');
    const committee = (await admin.post('/api/committees', { name: 'Mission Rapid Response', area: { type: 'zips', zips: ['94110'] }, autoApprove: true })).json() as { inviteCode: string };
    for (const member of MEMBERS) await system.text(member, `JOIN ${committee.inviteCode}`);
    for (const email of [ANA, BEN]) system.deps.repos.users.create({ email, role: 'dispatcher', passwordHash: await hashPassword(PASSWORD) }, Date.now());
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  /** A dispatcher in their own browser context, signed in, on the incident's page. */
  const openAs = async (email: string, code: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await watchedPage(context, cspViolations);
    await page.goto(`${base}/`);
    await signIn(page, email, PASSWORD);
    await page.getByRole('heading', { name: 'Live incidents' }).waitFor();
    await page.getByRole('link', { name: code }).click();
    await page.getByRole('heading', { name: new RegExp(`Incident ${code}`) }).waitFor();
    return page;
  };
  const alerted = () => system.twilio.sent.filter((m) => MEMBERS.includes(m.to)).map((m) => m.to).sort();

  it('item 5: the first dispatcher approves (nothing sent; the page says who and how many more), the second sends the alert once', async () => {
    await system.text('+14155550311', 'Agents are taking people from the bus stop on 24th, 94110');
    await system.idle();
    const incident = system.deps.repos.incidents.list({}, { limit: 10 })[0]!;
    expect(incident.lat).not.toBeNull();

    const ana = await openAs(ANA, incident.code);
    await ana.getByRole('button', { name: 'Confirm' }).click();
    await ana.getByRole('heading', { name: 'Before sending the alert' }).waitFor();
    expect(await ana.locator('.preview').textContent()).toContain('0 of 2 approvals so far.');
    expect(await ana.getByRole('button', { name: 'Send alert' }).count()).toBe(0);
    await ana.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => ana.getByRole('status').first().textContent()).toBe('Your approval is recorded. Nothing was sent yet.');
    await ana.getByText(`Approved by ${ANA}.`).waitFor();
    await ana.getByText('Approvals still needed before the alert goes out: 1.').waitFor();
    expect(await ana.getByRole('button', { name: 'Confirm' }).count()).toBe(0); // their approval is in; a second counts for nothing
    await system.idle();
    expect(alerted()).toEqual([]);
    expect(await ana.locator('h1 .badge').textContent()).toBe('New');
    await checkAccessibility(ana, 'incident-approved-once');
    await screenshots(ana, 'incident-approved-once');

    const ben = await openAs(BEN, incident.code);
    await ben.getByText(`Approved by ${ANA}.`).waitFor();
    await ben.getByRole('button', { name: 'Confirm' }).click();
    await ben.getByRole('heading', { name: 'Before sending the alert' }).waitFor();
    expect(await ben.locator('.preview').textContent()).toContain('1 of 2 approvals so far.');
    await checkAccessibility(ben, 'incident-preview-last-approval');
    await screenshots(ben, 'incident-preview-last-approval');
    await ben.getByRole('button', { name: 'Send alert' }).click();
    await expect.poll(() => ben.getByRole('status').first().textContent()).toBe('Alert released.');
    await ben.getByRole('button', { name: 'Resolve' }).waitFor();

    // The first dispatcher's page follows over the event stream, without a reload.
    await expect.poll(() => ana.locator('h1 .badge').textContent(), { timeout: 8000 }).toBe('Confirmed');
    await system.idle();
    expect(alerted()).toEqual([...MEMBERS].sort());
    await screenshots(ana, 'incident-released-by-two');
    expect(cspViolations).toEqual([]);
  }, 60_000);
});
