/// <reference lib="dom" />
// In real headless Chromium: a dispatcher adds a phone number for paging on the Account page (issue 9 item 1) and
// the board and incident page show a corroborated incident (item 3).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import type { TestSystem } from '../support/system.js';
import { checkAccessibility, launchBrowser, screenshots, serveConsole, signIn, watchedPage } from './browser.js';

const PASSWORD = 'correct horse battery staple';
const ANA = 'ana@example.org';
const BAKERY = { name: 'Panaderia La Mision', lat: 37.7525, lng: -122.4183 };

describe('paging settings and corroboration in the console', () => {
  let system: TestSystem;
  let browser: Browser;
  let base: string;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ({ system, base } = await serveConsole());
    system.deps.repos.users.create({ email: ANA, role: 'dispatcher', passwordHash: await hashPassword(PASSWORD) }, Date.now());
    const admin = await system.login('admin');
    expect((await admin.post('/api/places', { name: BAKERY.name, lat: BAKERY.lat, lng: BAKERY.lng, kind: 'worksite' })).statusCode).toBe(201);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    page = await watchedPage(context, cspViolations);
    await page.goto(`${base}/`);
    await signIn(page, ANA, PASSWORD);
    await page.getByRole('heading', { name: 'Live incidents' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('item 1: a dispatcher adds a phone number for paging, goes off duty, and removes the number', async () => {
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Paging by SMS' }).waitFor();
    await page.getByText('No phone number yet: you are not paged.').waitFor();
    await page.getByLabel('Phone number for paging').fill('(415) 555-0871');
    await page.getByRole('button', { name: 'Save phone number' }).click();
    await page.getByText('Pages go to +1•••••••0871.').waitFor();
    const stored = system.deps.repos.users.findByEmail(ANA);
    expect(stored).toMatchObject({ phoneMask: '+1•••••••0871', onDuty: true });
    expect(stored?.phoneEnc).not.toContain('0871');
    expect(await page.getByLabel('On duty for paging').isChecked()).toBe(true);
    await checkAccessibility(page, 'account-paging');
    await screenshots(page, 'account-paging');

    await page.getByLabel('On duty for paging').uncheck();
    await expect.poll(() => system.deps.repos.users.findByEmail(ANA)?.onDuty).toBe(false);
    await expect.poll(() => page.getByLabel('On duty for paging').isChecked()).toBe(false);

    await page.getByLabel('Phone number for paging').fill('12');
    await page.getByRole('button', { name: 'Save phone number' }).click();
    await page.getByRole('alert').getByText('That is not a valid phone number.').waitFor();

    await page.getByRole('button', { name: 'Remove phone number' }).click();
    await page.getByText('No phone number yet: you are not paged.').waitFor();
    expect(system.deps.repos.users.findByEmail(ANA)).toMatchObject({ phoneEnc: null, phoneMask: null });
  }, 60_000);

  it('item 3: three people reporting the same place within minutes: "Corroborated by 3 people", first on the board', async () => {
    for (const [i, from] of ['+14155550881', '+14155550882', '+14155550883'].entries()) {
      await system.text(from, `ICE agents at ${BAKERY.name} right now ${i + 1}`);
      await system.idle();
    }
    // Four people naming only a ZIP: more reporters, newer, but nobody says the same spot; it would otherwise lead.
    for (const [i, from] of ['+14155550884', '+14155550885', '+14155550886', '+14155550887'].entries()) {
      await system.text(from, `la migra anda en el 94112 ahora mismo ${i + 1}`);
      await system.idle();
    }
    const zipOnly = system.deps.repos.incidents.list({}, { limit: 10 }).find((i) => i.zip === '94112');
    expect(system.deps.repos.reports.countsByIncident([zipOnly?.id ?? '']).get(zipOnly?.id ?? '')?.distinctReporters).toBe(4);
    expect(zipOnly?.priority).toBe(0);
    const corroborated = system.deps.repos.incidents.list({}, { limit: 10 }).find((i) => i.priority > 0);
    expect(corroborated?.priority).toBe(3);
    const code = corroborated?.code ?? '';

    await page.getByRole('link', { name: 'Incidents' }).first().click();
    await page.getByRole('heading', { name: 'Live incidents' }).waitFor();
    const firstRow = page.locator('table.incidents tbody tr').first();
    await expect.poll(() => firstRow.textContent()).toContain('Corroborated by 3 people');
    expect(await firstRow.getByRole('link').first().textContent()).toBe(code);
    await checkAccessibility(page, 'board-corroborated');
    await screenshots(page, 'board-corroborated');

    await page.getByRole('link', { name: code }).click();
    await page.getByRole('heading', { name: new RegExp(`Incident ${code}`) }).waitFor();
    await page.locator('.summary').getByText('Corroborated by 3 people').waitFor();
    // It never releases an alert by itself.
    expect(system.deps.repos.incidents.get(corroborated?.id ?? '')?.status).toBe('new');
    await checkAccessibility(page, 'incident-corroborated');
    await screenshots(page, 'incident-corroborated');
    expect(cspViolations).toEqual([]);
  }, 60_000);
});
