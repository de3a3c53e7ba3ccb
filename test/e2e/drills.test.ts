/// <reference lib="dom" />
// A dispatcher starts a drill from the board in real headless Chromium: the drill is labelled DRILL on its page and
// on the board (apart from real incidents), its preview leaves out members who texted DRILLS OFF, and the roll call
// shows going / can't / no reply / on scene and the response time as members answer by SMS.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import type { TestSystem } from '../support/system.js';
import { checkAccessibility, launchBrowser, screenshots, serveConsole, signIn, watchedPage } from './browser.js';

const PASSWORD = 'correct horse battery staple';
const EMAIL = 'dina@example.org';
const MEMBERS = ['+14155550411', '+14155550412', '+14155550413'];
const [GOES, CANNOT, SILENT] = MEMBERS as [string, string, string];
const OPTED_OUT = '+14155550414';

/** The roll call's counts as a screen reader reads them: each term with its value. */
async function counts(region: Locator): Promise<Record<string, string>> {
  const terms = await region.getByRole('term').allTextContents();
  const values = await region.getByRole('definition').allTextContents();
  return Object.fromEntries(terms.map((term, i) => [term, values[i] ?? '']));
}

describe('drills in the console', () => {
  let system: TestSystem;
  let browser: Browser;
  let base: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ({ system, base } = await serveConsole());
    const admin = await system.login('admin');
    const committee = (await admin.post('/api/committees', { name: 'Mission Rapid Response', area: { type: 'zips', zips: ['94110'] }, autoApprove: true })).json() as { inviteCode: string };
    for (const member of [...MEMBERS, OPTED_OUT]) await system.text(member, `JOIN ${committee.inviteCode} 94110`);
    await system.text(OPTED_OUT, 'DRILLS OFF');
    system.deps.repos.users.create({ email: EMAIL, role: 'dispatcher', passwordHash: await hashPassword(PASSWORD) }, Date.now());
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  const signedIn = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await watchedPage(context, cspViolations);
    await page.goto(`${base}/`);
    await signIn(page, EMAIL, PASSWORD);
    await page.getByRole('heading', { name: 'Live incidents' }).waitFor();
    return page;
  };

  it('item 8: start a drill from the board; it is labelled DRILL, its preview leaves out who opted out; item 7: the roll call counts the answers', async () => {
    const page = await signedIn();
    await page.getByRole('button', { name: 'Start a drill' }).click();
    await page.getByLabel('Place of the drill').fill('94110');
    await page.getByLabel('Kind of raid to rehearse').selectOption({ label: 'Worksite raid' });
    await checkAccessibility(page, 'board-drill-form');
    await screenshots(page, 'board-drill-form');
    await page.getByRole('button', { name: 'Create drill' }).click();

    await page.getByRole('heading', { name: /^Incident \w+/ }).waitFor();
    const drill = system.deps.repos.incidents.list({}, { limit: 10 }).find((i) => i.drill);
    if (!drill) throw new Error('no drill was created');
    expect(drill.kind).toBe('worksite');
    // Typed as a ZIP: an area, as for a report placed by one.
    expect(drill).toMatchObject({ precision: 'zip', zip: '94110' });
    expect(await page.locator('h1').textContent()).toContain(drill.code);
    expect(await page.locator('h1 .badge.drill').textContent()).toBe('DRILL');

    const before = system.twilio.sent.length;
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Before sending the alert' }).waitFor();
    const preview = (await page.locator('.preview').textContent()) ?? '';
    expect(preview).toContain('DRILL: ');
    expect(preview).toContain(`${MEMBERS.length} `);
    expect(preview).toContain('Left out because they turned off drill messages (DRILLS OFF): 1.');
    await screenshots(page, 'drill-preview');
    expect(system.twilio.sent.length).toBe(before);
    await page.getByRole('button', { name: 'Send alert' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Alert released.');
    await system.twilio.waitForSent(before + MEMBERS.length);
    await system.idle();
    expect(system.twilio.sent.slice(before).map((m) => m.to).sort()).toEqual([...MEMBERS].sort());

    const rollCall = page.getByRole('region', { name: 'Roll call' });
    // The page follows the sends over the event stream.
    await expect.poll(() => counts(rollCall), { timeout: 8000 }).toMatchObject({ Going: '0', "Can't go": '0', 'No reply': '3', 'On scene': '0', 'Response time (alert to first on scene)': 'Nobody on scene yet' });

    await system.text(GOES, '1');
    await system.text(GOES, 'ON SCENE');
    await system.text(CANNOT, '2');
    await expect
      .poll(() => counts(rollCall), { timeout: 8000 })
      .toMatchObject({ Going: '1', "Can't go": '1', 'No reply': '1', 'On scene': '1', 'Response time (alert to first on scene)': expect.stringMatching(/^\d+ min \d+ s$/) });
    expect(SILENT).toBeDefined();
    await checkAccessibility(page, 'drill-roll-call');
    await screenshots(page, 'drill-roll-call');

    // On the board, the drill is listed apart from real incidents, labelled.
    await page.getByRole('link', { name: /Back to/ }).click();
    const drills = page.getByRole('region', { name: 'Drills' });
    await drills.waitFor();
    expect(await drills.getByRole('link', { name: drill.code }).count()).toBe(1);
    expect(await drills.getByText('DRILL', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('table').getByRole('link', { name: drill.code }).count()).toBe(0);
    await checkAccessibility(page, 'board-with-drill');
    await screenshots(page, 'board-with-drill');
    expect(cspViolations).toEqual([]);
  }, 90_000);
});
