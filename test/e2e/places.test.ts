/// <reference lib="dom" />
// The places screen in real headless Chromium, driven by labels and button names (issue 8, item 12): add a place by
// clicking the map, edit its aliases, import a file (and see a bad one's rows), search, delete after confirming.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/api/auth.js';
import { PLACES } from '../fixtures/geo/city.js';
import type { TestSystem } from '../support/system.js';
import { checkAccessibility, launchBrowser, screenshots, serveConsole, signIn, watchedPage } from './browser.js';

const EMAIL = 'places-dispatcher@example.org';
const PASSWORD = 'correct horse battery staple';

interface StoredPlace {
  name: string;
  aliases: string[];
  lat: number;
  lng: number;
  kind: string | null;
}

describe('the places screen', () => {
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
    page = await watchedPage(context, cspViolations);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  /** What the server holds, by name. */
  const stored = (): Map<string, StoredPlace> => new Map(system.deps.repos.places.list().map((p) => [p.name, p]));
  const rows = () => page.locator('.places-list tbody tr');

  it('item 12: a dispatcher adds a place by clicking the map, edits its aliases, imports a file, searches and deletes', async () => {
    await page.goto(base);
    await signIn(page, EMAIL, PASSWORD);
    await page.getByRole('link', { name: 'Places' }).click();
    await page.getByRole('heading', { level: 1, name: 'Places' }).waitFor();
    await page.getByText('No places yet.').waitFor();
    await checkAccessibility(page, 'places (empty)');

    // A click on the map fills in where the place is.
    const latitude = page.getByLabel('Latitude');
    const longitude = page.getByLabel('Longitude');
    expect(await latitude.inputValue()).toBe('');
    await page.getByRole('region', { name: 'Map: click where the place is' }).click({ position: { x: 180, y: 140 } });
    await expect.poll(() => latitude.inputValue()).not.toBe('');
    const lat = Number(await latitude.inputValue());
    const lng = Number(await longitude.inputValue());
    expect(lat).toBeGreaterThan(37);
    expect(lat).toBeLessThan(38.5);
    expect(lng).toBeGreaterThan(-123.5);
    expect(lng).toBeLessThan(-121);
    await page.getByLabel('Name').fill('Home Depot Cesar Chavez');
    await page.getByLabel('Aliases').fill('Home Depot,  la Home Depot ');
    await page.getByLabel('Kind').selectOption({ label: 'Worksite' });
    await page.getByRole('button', { name: 'Save place' }).click();
    await page.getByText('Home Depot Cesar Chavez was added.').waitFor();
    expect(stored().get('Home Depot Cesar Chavez')).toMatchObject({ aliases: ['Home Depot', 'la Home Depot'], kind: 'worksite', lat, lng });
    await expect.poll(() => rows().count()).toBe(1);
    // The form is ready for the next place.
    expect(await page.getByLabel('Name').inputValue()).toBe('');

    // The same name again is refused, said in words.
    await page.getByRole('region', { name: 'Map: click where the place is' }).click({ position: { x: 220, y: 160 } });
    await page.getByLabel('Name').fill('the home depot cesar chavez');
    await page.getByRole('button', { name: 'Save place' }).click();
    await page.getByText('A place called the home depot cesar chavez is here already').waitFor();
    expect(stored().size).toBe(1);
    await page.getByLabel('Name').fill('');

    // Edit its aliases.
    await page.getByRole('button', { name: 'Edit Home Depot Cesar Chavez' }).click();
    await page.getByRole('heading', { level: 2, name: 'Edit Home Depot Cesar Chavez' }).waitFor();
    const aliases = page.getByLabel('Aliases');
    expect(await aliases.inputValue()).toBe('Home Depot, la Home Depot');
    await aliases.fill('Home Depot, the Home Depot on Cesar Chavez, el Home Depot de la Cesar Chavez');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Home Depot Cesar Chavez was saved.').waitFor();
    expect(stored().get('Home Depot Cesar Chavez')).toMatchObject({ aliases: ['Home Depot', 'the Home Depot on Cesar Chavez', 'el Home Depot de la Cesar Chavez'], kind: 'worksite', lat, lng });
    await page.getByRole('heading', { level: 2, name: 'Add a place' }).waitFor();

    // Import a CSV of three more places.
    const three = PLACES.slice(1, 4);
    const csv = `name,aliases,lat,lng,kind\n${three.map((p) => `"${p.name}",${p.aliases.join(';')},${p.lat},${p.lng},${p.kind}`).join('\n')}\n`;
    await page.getByLabel('CSV or GeoJSON file').setInputFiles({ name: 'places.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Imported: 3 new, 0 updated, 0 unchanged.').waitFor();
    await expect.poll(() => rows().count()).toBe(4);
    expect([...stored().keys()].sort()).toEqual(['Cesar Chavez Elementary School', 'Home Depot Cesar Chavez', 'Mission High School', "St. Peter's Church"]);

    // A GeoJSON file with a bad feature: nothing goes in, and the page says which feature and why.
    const geojson = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-122.4185, 37.7524] }, properties: { name: '24th Street BART', kind: 'other' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-122.4196, 137.7651] }, properties: { name: '16th Street BART' } },
      ],
    };
    await page.getByLabel('CSV or GeoJSON file').setInputFiles({ name: 'stations.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(geojson)) });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Nothing was imported. Fix these rows and try again (1):').waitFor();
    await page.getByText('Feature 2: lat: must be a latitude between -90 and 90').waitFor();
    expect(stored().size).toBe(4);
    await checkAccessibility(page, 'places');
    await screenshots(page, 'places');

    // Search by an alias, in any case and without accents.
    const search = page.getByLabel('Search places');
    await search.fill('ESCUELA');
    await expect.poll(() => rows().allInnerTexts()).toEqual([expect.stringContaining('Cesar Chavez Elementary School')]);
    await search.fill('nowhere at all');
    await page.getByText('No place matches that search.').waitFor();
    await search.fill('');
    await expect.poll(() => rows().count()).toBe(4);

    // Delete asks first; Cancel keeps it, Yes deletes it.
    await page.getByRole('button', { name: 'Delete Mission High School' }).click();
    await page.getByText('Delete Mission High School? Reports that name it will no longer be placed there.').waitFor();
    await checkAccessibility(page, 'places (confirm delete)');
    await page.getByRole('group', { name: /Delete Mission High School\?/ }).getByRole('button', { name: 'Cancel' }).click();
    expect(stored().has('Mission High School')).toBe(true);
    await page.getByRole('button', { name: 'Delete Mission High School' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByText('Mission High School was deleted.').waitFor();
    await expect.poll(() => rows().count()).toBe(3);
    expect(stored().has('Mission High School')).toBe(false);

    // Editing on a phone: the form is reached and the change saved at 360 px.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByRole('button', { name: "Edit St. Peter's Church" }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('edit-place-name');
    await page.getByLabel('Kind').selectOption({ label: 'Other' });
    await page.getByLabel('Aliases').fill('St Peters, Iglesia San Pedro');
    await screenshots(page, 'places-editing');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText("St. Peter's Church was saved.").waitFor();
    expect(stored().get("St. Peter's Church")).toMatchObject({ aliases: ['St Peters', 'Iglesia San Pedro'], kind: 'other' });
    expect(cspViolations).toEqual([]);
  });
});
