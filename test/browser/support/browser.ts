import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, headless: playwright-core drives it without downloading a browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.KAIROS_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
}

export const RESULTS_DIR = 'test-results';

/** Saves `test-results/dashboard-<name>.png` (the whole page). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: join(RESULTS_DIR, `dashboard-${name}.png`), fullPage: true });
}

/**
 * Collects what would go wrong silently in a browser: uncaught exceptions, console errors (a CSP violation is
 * one) and requests the page made to anywhere but the API under test.
 */
export function watchPage(page: Page, origin: string): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A 4xx the page asked for on purpose (an unknown id) is logged by Chromium as a failed resource: not a fault.
    if (message.type() === 'error' && !/the server responded with a status of 4\d\d/.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:')) problems.push(`request outside the API: ${url}`);
  });
  return problems;
}
