/// <reference lib="dom" />
// A number set aside after repeated delivery failures, in real headless Chromium: the committee's members list shows
// it as unreachable, and a coordinator marks it reachable again by the button's name.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import { MISSION_ZIPS } from '../support/scenario.js';
import type { TestSystem } from '../support/system.js';
import { checkAccessibility, launchBrowser, screenshots, serveConsole, signIn, watchedPage } from './browser.js';

const EMAIL = 'coordinator@example.org';
const PASSWORD = 'correct horse battery staple';
const FLAKY = '+14155550321';
const STEADY = '+14155550322';

describe('unreachable members', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  let base: string;
  let committeeId: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ({ system, base } = await serveConsole());
    system.deps.repos.users.create({ email: EMAIL, role: 'dispatcher', passwordHash: await hashPassword(PASSWORD) }, Date.now());
    const dispatcher = await system.login();
    const committee = (await dispatcher.post('/api/committees', { name: 'Mission Rapid Response', area: MISSION_ZIPS, autoApprove: true })).json() as { id: string; inviteCode: string };
    committeeId = committee.id;
    for (const phone of [FLAKY, STEADY]) await system.text(phone, `JOIN ${committee.inviteCode} 94110`);
    // What three 30003/30005/30006 reports in a row do (test/integration/delivery-followup.test.ts drives that path).
    system.deps.repos.contacts.markUnreachable(system.deps.repos.contacts.findByPhone(FLAKY)!.id, Date.now());
    browser = await launchBrowser();
    page = await watchedPage(await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' }), cspViolations);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('item 10: the members list shows an unreachable number, and "Mark reachable" sends to it again', async () => {
    await page.goto(`${base}/committees/${committeeId}`);
    await signIn(page, EMAIL, PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Mission Rapid Response' }).waitFor();
    const flaky = page.locator('.member', { hasText: '+1•••••••0321' });
    await flaky.getByText('Unreachable', { exact: true }).waitFor();
    await flaky.getByText(/Texts to this number keep failing/).waitFor();
    expect(await page.locator('.member', { hasText: '+1•••••••0322' }).getByText('Unreachable', { exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Mark reachable/ }).count()).toBe(1);
    await checkAccessibility(page, 'members-unreachable');
    await screenshots(page, 'members-unreachable');

    await page.getByRole('button', { name: 'Mark reachable +1•••••••0321' }).click();
    await page.getByText('Texts to +1•••••••0321 will be sent again.').waitFor();
    await expect.poll(() => flaky.getByText('Unreachable', { exact: true }).count()).toBe(0);
    expect(system.deps.repos.contacts.findByPhone(FLAKY)?.unreachableAt).toBeNull();
    await checkAccessibility(page, 'members-reachable');
    expect(cspViolations).toEqual([]);
  });
});
