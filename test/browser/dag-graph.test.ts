/**
 * A DAG run's page in Chromium: the graph's boxes change state while the run runs (b goes RUNNING, then
 * SUCCEEDED) in the same page, without a reload; a box opens its task's log.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, waitForRuns } from '../e2e/support/local-api.js';
import { launchChromium, screenshot, watchPage } from './support/browser.js';

let api: TestApi;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  [api, browser] = await Promise.all([startTestApi(), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  problems = watchPage(page, api.runtime.url);
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const sh = (id: string, script: string, dependsOn: string[] = []) => ({
  id,
  target: { type: 'command', command: ['sh', '-c', script] },
  dependsOn,
});

const node = (id: string, status?: string) =>
  page.locator(`svg.dag g.node[data-task="${id}"]${status ? `[data-status="${status}"]` : ''}`);

describe('DAG run graph in Chromium', () => {
  it('shows task states changing live, without a reload', async () => {
    const created = await api.request('POST', '/v1/jobs', {
      body: {
        name: 'nightly-etl',
        schedule: { type: 'immediate' },
        timeoutSeconds: 60,
        retry: { maxAttempts: 1 },
        tasks: [
          sh('extract', 'sleep 1'),
          sh('transform', 'echo transforming; sleep 2', ['extract']),
          sh('validate', 'sleep 0.5', ['extract']),
          sh('load', 'sleep 0.5', ['transform', 'validate']),
          sh('report', 'true', ['load', 'extract']),
        ],
      },
    });
    expect(created.status, created.text).toBe(201);
    const [run] = await waitForRuns(api, created.body.jobId, 1, () => true);

    await page.goto(`${api.runtime.url}/#token=${api.tokens.admin}`);
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await page.goto(`${api.runtime.url}/#/runs/${run.runId}`);
    await node('report').waitFor();
    // Marks this document: a reload would lose both the flag and the graph element.
    // (Expressions as text: the tests are typechecked without the DOM library.)
    await page.evaluate('window.__sameDocument = true; window.__graph = document.querySelector("svg.dag")');
    expect(await node('report').getAttribute('data-status')).toBe('PENDING');

    await node('transform', 'RUNNING').waitFor({ timeout: 15_000 });
    expect(await node('extract').getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await node('transform').textContent()).toContain('Running');
    await screenshot(page, 'run-dag-live');

    await node('transform', 'SUCCEEDED').waitFor({ timeout: 15_000 });
    await node('report', 'SUCCEEDED').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="run-status"]').getByText('Succeeded').waitFor();
    expect(
      await page.evaluate(
        'window.__sameDocument === true && window.__graph === document.querySelector("svg.dag")',
      ),
    ).toBe(true);
    expect(await node('transform').textContent()).toMatch(/Succeeded · \d/);

    // A box opens its task's log.
    await node('transform').click();
    await page.locator('pre.log').getByText('transforming').waitFor();
    expect(await node('transform').getAttribute('class')).toContain('selected');
    await screenshot(page, 'run-detail');
    expect(problems).toEqual([]);
  });
});
