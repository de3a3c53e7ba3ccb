/// <reference lib="dom" />
// Verification in the console, in real headless Chromium: the incident page lists who was asked to verify (masked
// numbers) and what they answered by SMS as it happens, shows a disputed incident, and asks verifiers again.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import type { TestSystem } from '../support/system.js';
import { checkAccessibility, launchBrowser, screenshots, serveConsole, signIn, watchedPage } from './browser.js';

const PASSWORD = 'correct horse battery staple';
const ANA = 'ana@example.org';
const V1 = '+14155550611';
const V2 = '+14155550612';
const V3 = '+14155550613';

describe('verification in the console', () => {
  let system: TestSystem;
  let browser: Browser;
  let base: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ({ system, base } = await serveConsole({ RELEASE_APPROVALS: '2', VERIFY_FANOUT: '2' }));
    const admin = await system.login('admin');
    const committee = (await admin.post('/api/committees', { name: 'Mission Rapid Response', area: { type: 'zips', zips: ['94110'] }, autoApprove: true })).json() as { id: string; inviteCode: string };
    for (const [phone, zip] of [[V1, '94110'], [V2, '94103'], [V3, '94121']] as const) await system.text(phone, `JOIN ${committee.inviteCode} ${zip}`);
    const members = (await admin.get(`/api/committees/${committee.id}/members`)).json() as Array<{ id: string }>;
    for (const member of members) await admin.patch(`/api/members/${member.id}`, { role: 'verifier' });
    system.deps.repos.users.create({ email: ANA, role: 'dispatcher', passwordHash: await hashPassword(PASSWORD) }, Date.now());
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
    expect(cspViolations).toEqual([]);
  });

  const openIncident = async (code: string): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await watchedPage(context, cspViolations);
    await page.goto(`${base}/`);
    await signIn(page, ANA, PASSWORD);
    await page.getByRole('heading', { name: 'Live incidents' }).waitFor();
    await page.goto(`${base}/incidents/${code}`);
    await page.getByRole('heading', { name: new RegExp(`Incident ${code}`) }).waitFor();
    return page;
  };
  const checkOf = (phone: string, code: string) => /CONFIRM ([A-Z0-9]{5})/.exec(system.twilio.sent.find((m) => m.to === phone && m.body.startsWith(`VERIFY ${code}`))?.body ?? '')?.[1] ?? '';
  const rows = (page: Page) => page.getByRole('table', { name: 'Verification' }).getByRole('row');

  it('item 1: the incident page lists the verifiers asked and their answers as they text them; item 2: a disputed incident says so', async () => {
    await system.text('+14155550681', 'Agents are taking people from the bus stop on 24th, 94110');
    await system.idle();
    const incident = system.deps.repos.incidents.list({}, { limit: 10 })[0];
    if (!incident) throw new Error('no incident');
    const page = await openIncident(incident.code);

    const section = page.getByRole('region', { name: 'Verification' });
    await section.getByRole('heading', { name: 'Verification' }).waitFor();
    await expect.poll(() => rows(page).count()).toBe(3); // a header row and the two nearest verifiers
    const table = await page.getByRole('table', { name: 'Verification' }).textContent();
    expect(table).toContain(`•••${V1.slice(-4)}`);
    expect(table).toContain(`•••${V2.slice(-4)}`);
    expect(table).not.toContain(V1.slice(2));
    await section.getByText(/the next verifiers are asked at/).waitFor();

    await system.text(V1, `1 ${checkOf(V1, incident.code)}`);
    await expect.poll(() => rows(page).filter({ hasText: V1.slice(-4) }).textContent()).toContain('Going');

    // Ana approves; then a verifier says FALSE: disputed, and the page says so.
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Approvals still needed before the alert goes out: 1.').waitFor();
    await system.text(V2, `FALSE ${checkOf(V2, incident.code)}`);
    await page.getByRole('alert').filter({ hasText: 'Disputed' }).waitFor();
    expect(await rows(page).filter({ hasText: V2.slice(-4) }).textContent()).toContain('Said false');
    await checkAccessibility(page, 'incident-verification-disputed');
    await screenshots(page, 'incident-verification-disputed');
  });

  it('item 1: "Ask verifiers" asks the next nearest verifier now', async () => {
    // The first incident is dismissed, so that this report opens an incident of its own.
    const dispatcher = await system.login('dispatcher');
    const [first] = system.deps.repos.incidents.list({ status: 'verifying' }, { limit: 10 });
    expect((await dispatcher.post(`/api/incidents/${first?.id}/dismiss`, {})).statusCode).toBe(200);
    await system.text('+14155550682', 'ICE van at the laundromat on Mission, 94110');
    await system.idle();
    const incident = system.deps.repos.incidents.list({}, { limit: 10 }).find((i) => i.status === 'verifying' && i.disputedAt === null);
    if (!incident) throw new Error('no new incident');
    const page = await openIncident(incident.code);
    await expect.poll(() => rows(page).count()).toBe(3);
    await page.getByRole('button', { name: 'Ask verifiers' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Verification' }).getByRole('status').textContent()).toBe('Verifiers asked.');
    await expect.poll(() => rows(page).count()).toBe(4);
    await system.idle();
    expect(system.twilio.sent.filter((m) => m.to === V3 && m.body.startsWith(`VERIFY ${incident.code}`))).toHaveLength(1);
    await checkAccessibility(page, 'incident-verification-asked');
    await screenshots(page, 'incident-verification-asked');
  });
});
