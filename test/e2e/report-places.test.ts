/// <reference lib="dom" />
// Item 12 in real headless Chromium: on each report the words its place was read from are highlighted, with the
// precision and where it came from; a merge suggestion shows on both incidents.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import { PLACES } from '../fixtures/geo/city.js';
import { fixtureStreetsEnv } from '../support/geography.js';
import type { ApiClient, TestSystem } from '../support/system.js';
import { checkAccessibility, launchBrowser, screenshots, serveConsole, signIn, watchedPage } from './browser.js';

const PASSWORD = 'correct horse battery staple';
const EMAIL = 'dispatcher-places@example.org';

describe('where a report was placed from, in the console', () => {
  let system: TestSystem;
  let browser: Browser;
  let base: string;
  let dispatcher: ApiClient;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ({ system, base } = await serveConsole(await fixtureStreetsEnv()));
    dispatcher = await system.login();
    for (const p of PLACES) await dispatcher.post('/api/places', { name: p.name, aliases: p.aliases, lat: p.lat, lng: p.lng, kind: p.kind });
    const committee = (await dispatcher.post('/api/committees', { name: 'Mission', area: { type: 'zips', zips: ['94110'] }, autoApprove: true })).json() as { inviteCode: string };
    await system.text('+14155550351', `JOIN ${committee.inviteCode}`);
    system.deps.repos.users.create({ email: EMAIL, role: 'dispatcher', passwordHash: await hashPassword(PASSWORD) }, Date.now());
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  const open = async (code: string, width: number): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-US' });
    const page = await watchedPage(context, cspViolations);
    await page.goto(`${base}/incidents/${code}`);
    await signIn(page, EMAIL, PASSWORD);
    await page.getByRole('heading', { name: new RegExp(`Incident ${code}`) }).waitFor();
    return page;
  };
  const incidentOf = async (text: string, from: string) => {
    await system.text(from, text);
    await system.idle();
    const reports = (await dispatcher.get('/api/reports?limit=1')).json() as Array<{ incidentId: string }>;
    return (await dispatcher.get(`/api/incidents/${reports[0]!.incidentId}`)).json() as { id: string; code: string };
  };

  it('item 12: the words a place was read from are highlighted, with its precision and its source', async () => {
    const incident = await incidentOf('la migra esta en el Home Depot de Cesar Chavez, 2 camionetas, se llevaron a 3', '+14155550352');
    const page = await open(incident.code, 1280);
    const report = page.locator('.reports li').first();
    expect(await report.locator('mark').textContent()).toMatch(/Home Depot/i);
    expect(await report.textContent()).toContain("(named place), from the network's places");
    expect(await report.textContent()).toMatch(/2 vehicles/);
    expect(await report.textContent()).toMatch(/arrests/);
    await screenshots(page, 'report-place');
    await checkAccessibility(page, 'report-place');
    await page.context().close();
  });

  it('item 12: an intersection read from the street index says so', async () => {
    const incident = await incidentOf('ICE knocking on doors on 24th st near Folsom', '+14155550353');
    const page = await open(incident.code, 360);
    const report = page.locator('.reports li').first();
    expect(await report.locator('mark').textContent()).toMatch(/24th st near Folsom/i);
    expect(await report.textContent()).toContain('(intersection), from the street index');
    await page.context().close();
  });

  it('item 12: a merge suggestion shows on both incidents, each linking the other', async () => {
    const first = await incidentOf('ICE at 22nd and Mission', '+14155550354');
    const confirmed = await dispatcher.post(`/api/incidents/${first.id}/confirm`);
    expect(confirmed.statusCode, confirmed.body + JSON.stringify(first)).toBe(202);
    const second = await incidentOf('ICE raid right now help', '+14155550355');
    expect((await dispatcher.post(`/api/incidents/${second.id}/location`, { lat: 37.7495, lng: -122.4237, label: '26th & Guerrero' })).statusCode).toBeLessThan(300);
    expect((await dispatcher.post(`/api/incidents/${second.id}/confirm`)).statusCode).toBe(202);
    await system.text('+14155550355', '22nd and Mission');
    await system.idle();
    for (const [here, there] of [[first, second], [second, first]] as const) {
      const page = await open(here.code, 1280);
      const note = page.locator('.merge-suggestion');
      await note.waitFor();
      expect(await note.textContent()).toContain(there.code);
      expect(await note.getByRole('link', { name: there.code }).count()).toBe(1);
      if (here === first) await screenshots(page, 'merge-suggestion');
      await page.context().close();
    }
    expect(cspViolations).toEqual([]);
  });
});
