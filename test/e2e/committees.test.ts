/// <reference lib="dom" />
// The committees screen in real headless Chromium, driven by labels and button names: create a committee by ZIP
// list, see and copy its invite code, rotate it, import members from a CSV, approve a member who joined by text.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import type { TestSystem } from '../support/system.js';
import { checkAccessibility, launchBrowser, screenshots, serveConsole, signIn, watchedPage } from './browser.js';

const EMAIL = 'coordinator@example.org';
const PASSWORD = 'correct horse battery staple';
const IMPORTED = ['+14155550301', '+14155550302'];
const JOINER = '+14155550311';

describe('the committees screen', () => {
  let system: TestSystem;
  let browser: Browser;
  let page: Page;
  let base: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ({ system, base } = await serveConsole());
    system.deps.repos.users.create({ email: EMAIL, role: 'dispatcher', passwordHash: await hashPassword(PASSWORD) }, Date.now());
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    page = await watchedPage(context, cspViolations);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('item 9: a committee made from a ZIP list shows its code, rotates it, imports two members from a CSV and approves one who texted JOIN', async () => {
    await page.goto(`${base}/committees`);
    await signIn(page, EMAIL, PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Committees' }).waitFor();
    await checkAccessibility(page, 'committees');
    await screenshots(page, 'committees');

    // Create by ZIP list; the map draws the ZIPs' cells before saving.
    await page.getByLabel('Name').fill('Excelsior Rapid Response');
    await page.getByLabel('By ZIP list').check();
    await page.getByLabel('ZIP codes').fill('94112, 94134');
    await page.locator('.area-map path.leaflet-interactive').first().waitFor();
    await page.getByRole('button', { name: 'Create committee' }).click();

    await page.getByRole('heading', { level: 1, name: 'Excelsior Rapid Response' }).waitFor();
    await expect.poll(() => page.getByText('ZIP codes 94112, 94134').count()).toBe(1);
    const codeField = page.getByLabel('Invite code');
    const firstCode = await codeField.inputValue();
    expect(firstCode).toMatch(/^[A-Z0-9]{4,}$/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(firstCode);

    // Rotating asks first; the old code stops working.
    await page.getByRole('button', { name: 'Rotate invite code' }).click();
    await page.getByText(`The code ${firstCode} stops working at once`).waitFor();
    await page.getByRole('button', { name: 'Yes, make a new code' }).click();
    await page.getByText(/New invite code: \w+\. The old one no longer works\./).waitFor();
    const secondCode = await codeField.inputValue();
    expect(secondCode).not.toBe(firstCode);
    expect(await system.text(JOINER, `JOIN ${firstCode}`)).toMatch(/not valid/);

    // Someone texts JOIN with the new code: waiting for approval.
    expect(await system.text(JOINER, `JOIN ${secondCode} 94112`)).toMatch(/coordinator will approve/);
    await page.reload();
    await page.getByText('Waiting for approval', { exact: true }).waitFor();

    // Import two members from a CSV file.
    const csv = `phone,zip,role,note,language\n${IMPORTED[0]},94112,verifier,,es\n${IMPORTED[1]},,,,\n`;
    await page.getByLabel('CSV file').setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('2 imported, 0 already members.').waitFor();
    await expect.poll(() => page.locator('.member').count()).toBe(3);
    await system.idle();
    expect(system.twilio.sent.filter((m) => IMPORTED.includes(m.to)).map((m) => [m.to, m.body.slice(0, 27)])).toEqual([
      [IMPORTED[0], 'Centinela: Le agregaron a E'],
      [IMPORTED[1], 'Centinela: You were added t'],
    ]);

    // Approve the pending member; make one of the imported off duty.
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Member +1•••••••0311 updated.').waitFor();
    await expect.poll(() => page.getByText('Waiting for approval', { exact: true }).count()).toBe(0);
    await page.getByLabel('On duty +1•••••••0302').uncheck();
    await page.getByText('Member +1•••••••0302 updated.').waitFor();
    const members = (await (await fetch(`${base}/api/committees/${await committeeId()}/members`, { headers: { cookie: await cookie() } })).json()) as Array<{
      phone: string;
      status: string;
      onDuty: boolean;
    }>;
    expect(members.map((m) => [m.phone, m.status, m.onDuty]).sort()).toEqual([
      ['+1•••••••0301', 'active', true],
      ['+1•••••••0302', 'active', false],
      ['+1•••••••0311', 'active', true],
    ]);

    // No full number on the page.
    const html = await page.content();
    for (const phone of [...IMPORTED, JOINER]) expect(html).not.toContain(phone.slice(2));
    await checkAccessibility(page, 'committee');
    await screenshots(page, 'committee');
    expect(cspViolations).toEqual([]);
  });

  const committeeId = async () => new URL(page.url()).pathname.split('/').pop() ?? '';
  const cookie = async () => (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
});
