/**
 * The dashboard through `kairos dashboard` (the built CLI), the way an IAM-authenticated stack is reached: the
 * page comes from the proxy, which adds credentials to every API call, so the page itself signs nothing. Against
 * the local runtime the proxy adds its token; against a deployed stack it signs with SigV4 (tested over HTTP in
 * test/e2e/cli-sigv4.test.ts).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../e2e/support/kairos-cli.js';
import { jobBody, startTestApi, type TestApi } from '../e2e/support/local-api.js';
import { launchChromium, screenshot, watchPage } from './support/browser.js';

let api: TestApi;
let browser: Browser;
let proxy: CliServer;

beforeAll(async () => {
  [api, browser] = await Promise.all([startTestApi(), launchChromium()]);
  proxy = await startCliServer(['dashboard', '--port', '0'], /(http:\/\/127\.0\.0\.1:\d+\/[\w-]+\/)/, {
    KAIROS_PORT: new URL(api.runtime.url).port,
    KAIROS_HOME: api.home,
  });
});
afterAll(async () => {
  await proxy?.stop();
  await browser?.close();
  await api?.close();
});

describe('the dashboard behind kairos dashboard', () => {
  it('shows the jobs and pauses one with no sign-in, every call passing through the proxy', async () => {
    const created = await api.request('POST', '/v1/jobs', { body: jobBody({ name: 'through-the-proxy' }) });
    expect(created.status, created.text).toBe(201);
    const jobId = created.body.jobId;
    const base = proxy.ready[1];
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems = watchPage(page, new URL(base).origin);
    await page.goto(base);
    const row = page.locator(`tr[data-job-id="${jobId}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('At 02:00 every day, Europe/Berlin');
    await expect(page.getByRole('heading', { name: 'Sign in' }).count()).resolves.toBe(0);
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByRole('button', { name: 'Resume' }).waitFor();
    expect((await api.request('GET', `/v1/jobs/${jobId}`)).body.status).toBe('PAUSED');
    await screenshot(page, 'proxy-jobs');
    expect(problems).toEqual([]);
    await page.close();
  });
});
