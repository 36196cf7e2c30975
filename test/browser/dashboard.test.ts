/**
 * The dashboard in Debian's Chromium against a real local runtime: sign-in, the jobs list, pausing and resuming
 * from the list (checked through the API), a viewer's disabled buttons, job detail with DST-flagged fire times,
 * a plain API error, SLA and overview pages. Each page's screenshot goes to test-results/dashboard-*.png.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobBody, startTestApi, type TestApi, waitForRuns } from '../e2e/support/local-api.js';
import { launchChromium, screenshot, watchPage } from './support/browser.js';

let api: TestApi;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];

beforeAll(async () => {
  [api, browser] = await Promise.all([startTestApi(), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  problems = watchPage(page, api.runtime.url);
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const command = (script: string) => ({ type: 'command', command: ['sh', '-c', script] });

async function createJob(body: Record<string, unknown>): Promise<string> {
  const res = await api.request('POST', '/v1/jobs', { body });
  expect(res.status, res.text).toBe(201);
  return res.body.jobId;
}

const row = (jobId: string) => page.locator(`tr[data-job-id="${jobId}"]`);

describe('dashboard in Chromium', () => {
  it('asks for a token, refuses a wrong one, and signs in with the link npm start prints', async () => {
    await page.goto(`${api.runtime.url}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'sign-in');

    await page.getByLabel('Token').fill('kairos_not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That sign-in was refused by the API (401).').waitFor();

    await page.goto(`${api.runtime.url}/#token=${api.tokens.admin}`);
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    expect(page.url()).not.toContain(api.tokens.admin); // taken out of the address bar
    await page.getByText('No jobs yet.').waitFor();
    await expect(page.locator('.who').textContent()).resolves.toContain('admin');
    await screenshot(page, 'empty');
    expect(problems).toEqual([]);
  });

  it('goes back to the sign-in, saying why, when the API refuses the stored token', async () => {
    const other = await browser.newPage();
    try {
      await other.goto(`${api.runtime.url}/#token=kairos_revoked`);
      await other.getByText('Your sign-in was refused or has expired (401). Sign in again.').waitFor();
      await other.getByLabel('Token').waitFor();
    } finally {
      await other.close();
    }
  });

  it('shows a created job within a refresh: schedule in words, status, last and next run, tags', async () => {
    const nightly = await createJob(jobBody());
    await createJob(
      jobBody({
        name: 'cleanup',
        schedule: { type: 'rate', every: '15 minutes' },
        target: command('true'),
        tags: { team: 'ops' },
      }),
    );
    // No reload: the list refreshes itself every 5 s.
    await row(nightly).waitFor({ timeout: 8000 });
    const text = await row(nightly).innerText();
    expect(text).toContain('nightly-report');
    expect(text).toContain('At 02:00 every day, Europe/Berlin');
    expect(text).toContain('Active');
    expect(text).toContain('No runs yet');
    expect(text).toContain('team:data');
    expect(text).toMatch(/\d{4}-\d\d-\d\d \d\d:00 UTC/); // next run

    await page.getByLabel('Search').fill('cleanup');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Search').fill('');
    await screenshot(page, 'jobs');
    expect(problems).toEqual([]);
  });

  it('pauses and resumes a job from the list, and the API sees each change', async () => {
    const jobId = await createJob(jobBody({ name: 'pause-me' }));
    await page.reload();
    await row(jobId).getByRole('button', { name: 'Pause' }).click();
    await row(jobId).getByText('Paused', { exact: true }).first().waitFor();
    expect((await api.request('GET', `/v1/jobs/${jobId}`)).body.status).toBe('PAUSED');
    await page.getByRole('status').getByText('Paused pause-me.').waitFor();

    await row(jobId).getByRole('button', { name: 'Resume' }).click();
    await row(jobId).getByRole('button', { name: 'Pause' }).waitFor();
    expect((await api.request('GET', `/v1/jobs/${jobId}`)).body.status).toBe('ACTIVE');
    expect(problems).toEqual([]);
  });

  it("keeps a viewer's operator buttons visible but disabled, with the reason as tooltip", async () => {
    const viewer = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await viewer.goto(`${api.runtime.url}/#token=${api.tokens.viewer}`);
      const button = viewer.locator('tr[data-job-id] [data-action="pause"]').first();
      await button.waitFor();
      expect(await button.getAttribute('aria-disabled')).toBe('true');
      expect(await button.getAttribute('title')).toMatch(/operator or admin role/);
      const jobId = await viewer.locator('tr[data-job-id]').first().getAttribute('data-job-id');
      await button.click({ force: true }); // aria-disabled: Playwright would wait for it to be enabled
      await viewer
        .getByRole('status')
        .getByText(/you are signed in as a viewer/)
        .waitFor();
      expect((await api.request('GET', `/v1/jobs/${jobId}`)).body.status).toBe('ACTIVE');
    } finally {
      await viewer.close();
    }
  });

  it('shows a job: definition, the next 10 fire times with DST days flagged, run history and SLA', async () => {
    // Sundays of March and October at 03:30 in Berlin: any 10 of them include both DST switch days.
    const jobId = await createJob(
      jobBody({
        name: 'month-end-close',
        schedule: { type: 'cron', expression: '30 3 * 3,10 0', timezone: 'Europe/Berlin' },
        target: command('echo closing; sleep 0.2'),
        retry: { maxAttempts: 1 },
        tags: { team: 'finance' },
      }),
    );
    await page.goto(`${api.runtime.url}/#/jobs/${jobId}`);
    await page.getByRole('heading', { name: 'month-end-close' }).waitFor();
    const fireRows = page.locator('table.fire-times tbody tr');
    await expect.poll(() => fireRows.count()).toBe(10);
    expect(await page.locator('tr[data-dst="forward"]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('tr[data-dst="back"]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('tr[data-dst="forward"]').first().innerText()).toContain(
      'DST day: clocks go forward 1 h at 03:00',
    );
    await page
      .getByText('At 03:30 on Sunday in March and October, Europe/Berlin')
      .or(page.getByText(/^At 03:30/))
      .first()
      .waitFor();

    await page.getByRole('button', { name: 'Run now' }).click();
    const historyRow = page.locator('tr[data-run-id]').first();
    await historyRow.getByText('Succeeded').waitFor({ timeout: 15_000 });
    await page.getByText('No misses in the last 24 hours.').waitFor();
    await screenshot(page, 'job-detail');
    expect(problems).toEqual([]);
  });

  it("shows the API's error plainly, with what to do next", async () => {
    await page.goto(`${api.runtime.url}/#/jobs/job_does_not_exist`);
    const alert = page.getByRole('alert').filter({ hasText: 'Could not load job job_does_not_exist.' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain("Not Found (404): No job with id 'job_does_not_exist'.");
    expect(await alert.innerText()).toContain('It may have been deleted, or the link is wrong.');
    await screenshot(page, 'error');
    expect(problems).toEqual([]);
  });

  it('shows SLA misses and per-job compliance', async () => {
    // Finishes 2 s after its 1 s deadline: one finish miss.
    const late = await createJob({
      name: 'slow-report',
      schedule: { type: 'immediate' },
      target: command('sleep 2'),
      sla: { finishWithinSeconds: 1 },
      retry: { maxAttempts: 1 },
    });
    await waitForRuns(api, late, 1, (run) => run.slaMissed === true, 15_000);
    await page.goto(`${api.runtime.url}/#/sla`);
    await page.getByRole('heading', { name: 'SLA' }).waitFor();
    const miss = page.locator('tr', { hasText: 'slow-report' }).filter({ hasText: 'Finish' });
    await miss.waitFor();
    const compliance = page.locator('tr', { hasText: 'slow-report' }).filter({ hasText: '%' });
    expect(await compliance.innerText()).toContain('0%');
    await screenshot(page, 'sla');
    expect(problems).toEqual([]);
  });

  it('shows the overview: runs per minute, failures and pick-up latency', async () => {
    const failing = await createJob({
      name: 'flaky-import',
      schedule: { type: 'immediate' },
      target: command('echo "upstream returned 503" >&2; exit 3'),
      retry: { maxAttempts: 1 },
    });
    await waitForRuns(api, failing, 1, (run) => run.status === 'FAILED', 15_000);
    await page.goto(`${api.runtime.url}/#/overview`);
    await page.getByRole('heading', { name: 'Runs per minute' }).waitFor();
    await page.locator('tr', { hasText: 'flaky-import' }).getByText('Failed').waitFor();
    expect(await page.locator('.tile', { hasText: 'p99 pick-up latency' }).innerText()).toMatch(
      /\d+(\.\d)? (ms|s)/,
    );
    expect(await page.locator('svg.chart').count()).toBe(1);
    await screenshot(page, 'overview');
    expect(problems).toEqual([]);
  });
});
