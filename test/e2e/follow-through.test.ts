/// <reference lib="dom" />
// Following an alert through in real headless Chromium (issue 9 items 5 and 6): an update with the room left shown
// as the dispatcher types, a reminder, a dismissal that says why, and the merge a placed report suggested.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import { placeReport } from '../../src/services/placement.js';
import type { ApiClient, TestSystem } from '../support/system.js';
import { checkAccessibility, launchBrowser, screenshots, serveConsole, signIn, watchedPage } from './browser.js';

const PASSWORD = 'correct horse battery staple';
const ANA = 'ana@example.org';
const MEMBERS = ['+14155550401', '+14155550402'];
// A point on 24th St in the Mission (ZIP 94110).
const SPOT = { lat: 37.75245, lng: -122.41848 };

describe('follow-through in the console', () => {
  let system: TestSystem;
  let browser: Browser;
  let base: string;
  let dispatcher: ApiClient;
  let reporter = 0;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ({ system, base } = await serveConsole({ REPORTER_THANKS: 'true' }));
    dispatcher = await system.login('dispatcher');
    const committee = (await dispatcher.post('/api/committees', { name: 'Mission Rapid Response', area: { type: 'zips', zips: ['94110', '94103'] }, autoApprove: true })).json() as { inviteCode: string };
    for (const member of MEMBERS) await system.text(member, `JOIN ${committee.inviteCode} 94110`);
    system.deps.repos.users.create({ email: ANA, role: 'dispatcher', passwordHash: await hashPassword(PASSWORD) }, Date.now());
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  /** A report (its own incident: a different ZIP each time, or placed by hand after), released to both members. */
  const releasedIncident = async (zip: string): Promise<{ id: string; code: string; reportId: string }> => {
    const before = system.twilio.sent.length;
    await system.text(`+1415555${4100 + reporter++}`, `Agents taking people from the bakery ${zip}`);
    await system.idle();
    const [reportRow] = (await dispatcher.get('/api/reports?limit=1')).json() as Array<{ id: string; incidentId: string }>;
    const id = reportRow?.incidentId ?? '';
    expect((await dispatcher.post(`/api/incidents/${id}/confirm`, {})).statusCode).toBe(202);
    await system.twilio.waitForSent(before + MEMBERS.length);
    await system.idle();
    return { id, code: system.deps.repos.incidents.get(id)?.code ?? '', reportId: reportRow?.id ?? '' };
  };

  const openIncident = async (code: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await watchedPage(context, cspViolations);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${base}/`);
    await signIn(page, ANA, PASSWORD);
    await page.getByRole('heading', { name: 'Live incidents' }).waitFor();
    await page.goto(`${base}/incidents/${code}`);
    await page.getByRole('heading', { name: new RegExp(`Incident ${code}`) }).waitFor();
    return page;
  };
  const sentTo = (since: number, phone: string) => system.twilio.sent.slice(since).filter((m) => m.to === phone).map((m) => m.body);
  const status = (page: Page) => page.getByRole('status').first().textContent();

  it('item 5: Send update shows the room left as the dispatcher types; Remind reaches those who did not reply', async () => {
    const { code } = await releasedIncident('94110');
    const page = await openIncident(code);
    const box = page.getByLabel('Update for everyone alerted');
    await page.getByText('286 characters left').waitFor();
    await box.fill('Agents left at 3:40pm. Stay alert.');
    await page.getByText('252 characters left').waitFor();
    await box.fill('x'.repeat(300));
    await page.getByText('14 characters too many').waitFor();
    expect(await page.getByRole('button', { name: 'Send update' }).isDisabled()).toBe(true);
    await checkAccessibility(page, 'incident-update-too-long');
    await screenshots(page, 'incident-update-too-long');

    await box.fill('Agents left at 3:40pm. Stay alert.');
    const before = system.twilio.sent.length;
    await page.getByRole('button', { name: 'Send update' }).click();
    await expect.poll(() => status(page)).toBe('Update sent. Recipients: 2.');
    await system.twilio.waitForSent(before + 2);
    for (const phone of MEMBERS) expect(sentTo(before, phone)).toEqual([`UPDATE ${code}: Agents left at 3:40pm. Stay alert.`]);
    expect(await box.inputValue()).toBe('');

    expect(await system.text(MEMBERS[0] ?? '', `1 ${code}`)).toMatch(/going/);
    const beforeRemind = system.twilio.sent.length;
    await page.getByRole('button', { name: 'Remind' }).click();
    await expect.poll(() => status(page)).toBe('Reminder sent. Recipients: 1.');
    await system.twilio.waitForSent(beforeRemind + 1);
    expect(sentTo(beforeRemind, MEMBERS[1] ?? '')).toEqual([expect.stringMatching(new RegExp(`^REMINDER ${code}: `))]);
    await checkAccessibility(page, 'incident-follow-through');
    await screenshots(page, 'incident-follow-through');
    await page.context().close();
    // Closed, so that the next tests' reports open incidents of their own.
    expect((await dispatcher.post(`/api/incidents/${code}/resolve`, {})).statusCode).toBe(200);
    await system.idle();
  }, 60_000);

  it('item 5: Dismiss asks what it was; a duplicate names the incident it repeats in the correction', async () => {
    const original = await releasedIncident('94103');
    const duplicate = await releasedIncident('94110');
    const page = await openIncident(duplicate.code);
    await page.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await page.getByRole('group', { name: 'What was it?' }).waitFor();
    await page.getByLabel('A duplicate of another incident').check();
    await page.getByLabel('Code of the incident it repeats').fill(original.code);
    await page.getByText('Everyone alerted gets a correction that says what it was.').waitFor();
    await checkAccessibility(page, 'incident-dismiss-reason');
    await screenshots(page, 'incident-dismiss-reason');
    const before = system.twilio.sent.length;
    await page.getByRole('button', { name: 'Dismiss incident' }).click();
    await expect.poll(() => page.locator('h1 .badge').first().textContent()).toBe('Dismissed');
    await system.twilio.waitForSent(before + MEMBERS.length);
    for (const phone of MEMBERS) {
      expect(sentTo(before, phone)).toEqual([`CORRECTION ${duplicate.code}: duplicate of ${original.code}, the same raid. Follow ${original.code} for news.`]);
    }
    await page.context().close();
    expect((await dispatcher.post(`/api/incidents/${original.id}/resolve`, {})).statusCode).toBe(200);
    await system.idle();
  }, 60_000);

  it('item 6: a placed report suggests a merge; "Merge into <code>" merges and opens the incident it went into', async () => {
    const kept = await releasedIncident('94110');
    expect((await dispatcher.post(`/api/incidents/${kept.id}/location`, { ...SPOT, label: '24th St & Mission St' })).statusCode).toBe(200);
    const other = await releasedIncident('94103');
    // A photo's GPS places the other report 30 m away: both have alerts out, so a merge is suggested, not made.
    await placeReport(system.deps, other.reportId, { lat: SPOT.lat + 0.0003, lng: SPOT.lng, label: '24th St', precision: 'point', source: 'photo', words: null });
    expect(system.deps.repos.incidents.get(other.id)?.mergeSuggestionId).toBe(kept.id);

    const page = await openIncident(other.code);
    const merge = page.getByRole('button', { name: `Merge into ${kept.code}` });
    await merge.waitFor();
    await checkAccessibility(page, 'incident-merge-suggested');
    await screenshots(page, 'incident-merge-suggested');
    await merge.click();
    await page.getByRole('heading', { name: new RegExp(`Incident ${kept.code}`) }).waitFor();
    // The timeline of the incident it went into says so.
    await page.locator('.timeline li', { hasText: 'merged in' }).waitFor();
    expect(system.deps.repos.incidents.get(other.id)?.mergedIntoId).toBe(kept.id);
    expect(await page.getByRole('button', { name: /Move to a new incident/ }).count()).toBe(2);
    await screenshots(page, 'incident-merged');
    expect(cspViolations).toEqual([]);
    await page.context().close();
  }, 60_000);
});
