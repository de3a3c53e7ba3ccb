/// <reference lib="dom" />
// People, audit log, set-password and account pages in real headless Chromium, driven by labels and button names:
// an admin adds a person and hands over the one-time link, the person sets a password and signs in; a dispatcher
// gets no admin screens; the audit log shows sign-ins and who opened which incident; a second factor is turned on.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import { PUBLIC_URL, type TestSystem } from '../support/system.js';
import { checkAccessibility, launchBrowser, screenshots, serveConsole, signIn, watchedPage } from './browser.js';

const ADMIN = 'admin@example.org';
const DISPATCHER = 'dispatcher@example.org';
const PASSWORD = 'correct horse battery staple';
const NEW_PERSON = 'ana@example.org';
const NEW_PASSWORD = 'purple tractor ocean lamp';
const NEW_PHONE = '+14155550177';
const REPORTER = '+14155550123';

describe('people, audit log and account pages', () => {
  let system: TestSystem;
  let browser: Browser;
  let admin: BrowserContext;
  let page: Page;
  let base: string;
  const cspViolations: string[] = [];

  async function newPage(context: BrowserContext): Promise<Page> {
    const opened = await watchedPage(context, cspViolations);
    opened.setDefaultTimeout(8000);
    return opened;
  }

  beforeAll(async () => {
    ({ system, base } = await serveConsole());
    for (const [email, role] of [[ADMIN, 'admin'], [DISPATCHER, 'dispatcher']] as const) {
      system.deps.repos.users.create({ email, role, passwordHash: await hashPassword(PASSWORD) }, Date.now());
    }
    browser = await launchBrowser();
    admin = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await admin.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    page = await newPage(admin);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('item 10: an admin adds a person and copies the one-time link (shown once); the person sets a password from it and signs in', async () => {
    await page.goto(`${base}/`);
    await signIn(page, ADMIN, PASSWORD);
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('heading', { name: 'People who use the console' }).waitFor();
    // The admin's own row offers no way to lock themselves out.
    const ownRow = page.getByRole('row').filter({ hasText: ADMIN });
    await ownRow.waitFor();
    expect(await ownRow.getByRole('button', { name: 'Disable' }).count()).toBe(0);

    await page.getByLabel('Email').fill(NEW_PERSON);
    await page.getByLabel('Role', { exact: true }).selectOption('dispatcher');
    await page.getByLabel('Phone', { exact: true }).fill(NEW_PHONE);
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByText('This link is shown only this once').waitFor();
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied.').waitFor();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(new RegExp(`^${PUBLIC_URL}/set-password#[\\w-]{16,}$`));
    const newRow = page.getByRole('row').filter({ hasText: NEW_PERSON });
    expect(await newRow.textContent()).toContain('•'); // the phone, masked
    expect(await page.content()).not.toContain(NEW_PHONE.slice(2));
    await checkAccessibility(page, 'people');
    await screenshots(page, 'people');

    // The new person, in a browser of their own, with no session.
    const theirs = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'en-US' });
    const newcomer = await newPage(theirs);
    const token = link.split('#')[1]!;
    const sentWithToken: string[] = [];
    newcomer.on('request', (request) => {
      if (request.url().includes(token)) sentWithToken.push(`URL ${request.url()}`);
      if (request.postData()?.includes(token)) sentWithToken.push(`${request.method()} ${new URL(request.url()).pathname}`);
    });
    await newcomer.goto(link.replace(PUBLIC_URL, base));
    await newcomer.getByRole('heading', { name: 'Set your password' }).waitFor();
    await newcomer.getByLabel('New password').fill(NEW_PASSWORD);
    await newcomer.getByLabel('Repeat password').fill('not the same password');
    await newcomer.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => newcomer.getByRole('alert').textContent()).toBe('The two passwords are not the same.');
    await checkAccessibility(newcomer, 'set-password');
    await screenshots(newcomer, 'set-password');
    await newcomer.getByLabel('Repeat password').fill(NEW_PASSWORD);
    await newcomer.getByRole('button', { name: 'Set password' }).click();
    await newcomer.getByText('Your password is set. Sign in with your email and the new password.').waitFor();
    // The token travelled only in the JSON body of the one request that uses it.
    expect(sentWithToken).toEqual(['POST /api/users/password']);
    await signIn(newcomer, NEW_PERSON, NEW_PASSWORD);
    await newcomer.getByRole('heading', { name: 'Live incidents' }).waitFor();
    await theirs.close();

    // The link worked once: opened again, it is refused.
    const again = await browser.newContext({ locale: 'en-US' });
    const second = await newPage(again);
    await second.goto(link.replace(PUBLIC_URL, base));
    await second.getByLabel('New password').fill('another long password');
    await second.getByLabel('Repeat password').fill('another long password');
    await second.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => second.getByRole('alert').textContent()).toMatch(/^This link is not valid/);
    await again.close();
  });

  it('item 10: an admin disables a person after confirming, which ends their access, and enables them again', async () => {
    await page.goto(`${base}/people`);
    const row = page.getByRole('row').filter({ hasText: NEW_PERSON });
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText(`Disable ${NEW_PERSON}?`).waitFor();
    await row.getByRole('button', { name: 'Yes, disable' }).click();
    await expect.poll(() => row.textContent()).toContain('Disabled');
    expect(system.deps.repos.users.findByEmail(NEW_PERSON)?.disabledAt).not.toBeNull();
    const refused = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: NEW_PERSON, password: NEW_PASSWORD }) });
    expect(refused.status).toBe(401);
    await refused.text();

    await row.getByRole('button', { name: 'Enable' }).click();
    await row.getByRole('button', { name: 'Yes, enable' }).click();
    await expect.poll(() => row.textContent()).toContain('Active');
    await row.getByLabel(`Role for ${NEW_PERSON}`).selectOption('admin');
    await page.getByText(`Saved: ${NEW_PERSON}.`).waitFor();
    expect(system.deps.repos.users.findByEmail(NEW_PERSON)?.role).toBe('admin');
  });

  it('item 10: a dispatcher is offered no People or Audit log, and those pages say they are for admins', async () => {
    const theirs = await browser.newContext({ locale: 'en-US' });
    const dispatcher = await newPage(theirs);
    await dispatcher.goto(`${base}/`);
    await signIn(dispatcher, DISPATCHER, PASSWORD);
    await dispatcher.getByRole('heading', { name: 'Live incidents' }).waitFor();
    await dispatcher.getByRole('link', { name: 'Account' }).waitFor();
    expect(await dispatcher.getByRole('link', { name: 'People' }).count()).toBe(0);
    expect(await dispatcher.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    for (const path of ['/people', '/audit']) {
      await dispatcher.goto(`${base}${path}`);
      await dispatcher.getByText('This page is for admins.').waitFor();
      expect(await dispatcher.getByRole('table').count()).toBe(0);
    }
    expect((await theirs.request.get(`${base}/api/users`)).status()).toBe(403);
    await theirs.close();
  });

  it('item 10: the audit log shows who signed in and who opened which incident, filters by action and person, and pages back with Older', async () => {
    await system.text(REPORTER, 'Agents are stopping cars at the corner by the school');
    await system.idle();
    const incident = system.deps.repos.incidents.list({}, { limit: 10 })[0]!;
    await page.goto(`${base}/incidents/${incident.code}`);
    await page.getByRole('heading', { name: new RegExp(`Incident ${incident.code}`) }).waitFor();

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const opened = page.getByRole('row').filter({ hasText: 'incident.view' }).first();
    await opened.waitFor();
    expect(await opened.textContent()).toContain(ADMIN);
    await opened.getByRole('link', { name: `Incident ${incident.code}` }).waitFor();
    const signedIn = page.getByRole('row').filter({ hasText: 'session.created' }).filter({ hasText: NEW_PERSON });
    await signedIn.waitFor();
    await checkAccessibility(page, 'audit');
    await screenshots(page, 'audit');

    await page.getByLabel('Action').selectOption('session.created');
    await page.getByLabel('Who').selectOption({ label: NEW_PERSON });
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'entries shown' }).textContent()).toBe('1 entries shown.');
    expect(await page.getByRole('row').filter({ hasText: 'incident.view' }).count()).toBe(0);

    // A long history: the first page holds 50 entries, Older brings the rest.
    const user = system.deps.repos.users.findByEmail(DISPATCHER)!;
    for (let i = 0; i < 60; i++) system.deps.repos.audit.record('incident.view', Date.now() - 3600_000 - i * 1000, { actorUserId: user.id, target: incident.id });
    await page.getByLabel('Action').selectOption('incident.view');
    await page.getByLabel('Who').selectOption({ label: DISPATCHER });
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'entries shown' }).textContent()).toBe('50 entries shown.');
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'entries shown' }).textContent()).toBe('60 entries shown.');
    expect(await page.getByRole('button', { name: 'Older' }).count()).toBe(0);

    // A time range that ends before the incident existed shows none of it.
    await page.getByLabel('To').fill('2020-01-01T00:00');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText('No entries match.').waitFor();
  });

  it('item 2: the account page turns on a second factor, and the next sign-in asks for the Code', async () => {
    const theirs = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await newPage(theirs);
    await page.goto(`${base}/`);
    await signIn(page, DISPATCHER, PASSWORD);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByText('The second factor is off.').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Turn on second factor' }).click();
    const secret = (await page.locator('.secret code').textContent())!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await page.getByRole('link', { name: /^otpauth:\/\/totp\// }).getAttribute('href')).toContain(`secret=${secret}`);
    await checkAccessibility(page, 'account');
    await screenshots(page, 'account');
    const right = await generate({ secret });
    await page.getByLabel('Code', { exact: true }).fill(right === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    // The page has two alert regions (second factor, paging): the one that speaks is the second factor's.
    await page.getByRole('alert').filter({ hasText: 'That code is not right. Try the newest code from your app.' }).waitFor();
    await page.getByLabel('Code', { exact: true }).fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('The second factor is on. Your next sign-in asks for a code.').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, DISPATCHER, PASSWORD);
    await page.getByLabel('Code', { exact: true }).fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in again where she signed out: her account, now with the factor on.
    await page.getByText('The second factor is on: signing in asks for a code').waitFor();
    await theirs.close();
    expect(cspViolations).toEqual([]);
  });
});
