/// <reference lib="dom" />
// Real headless Chromium (Debian's package) driven by playwright-core, and the console built and served on a real port.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startSystem, type TestSystem } from '../support/system.js';

export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

let built = false;
/** Builds the console (once per test file) from the sources as they are. */
export function buildConsole(): void {
  if (!built) execFileSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'pipe' });
  built = true;
}

/** The whole system serving the console on a real port; map tiles off (this machine reaches no tile server). */
export async function serveConsole(env: Record<string, string> = {}): Promise<{ system: TestSystem; base: string }> {
  buildConsole();
  const system = await startSystem({ env: { MAP_TILES_URL: 'none', ...env } });
  await system.app.listen({ host: '127.0.0.1', port: 0 });
  return { system, base: `http://127.0.0.1:${(system.app.server.address() as AddressInfo).port}` };
}

/** A new page whose Content-Security-Policy violations are collected into `violations` (a test expects none). */
export async function watchedPage(context: BrowserContext, violations: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return page;
}

/** Signs in on the page shown, by its labels, as a dispatcher would. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A screenshot at 1280 and at 360 px wide, and no horizontal scrolling at 360. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const before = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 740 : 800 });
    await page.screenshot({ path: join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} scrolls sideways at ${width} px`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize(before);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG A/AA checks on the page as it is now: no violations. */
export async function checkAccessibility(page: Page, name: string): Promise<void> {
  // Evaluated over the DevTools protocol: the page's CSP (rightly) refuses an injected inline script tag.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
  });
  expect(violations, `${name}: accessibility violations`).toEqual([]);
}
