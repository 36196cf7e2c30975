/**
 * The README's picture of the dashboard: starts a local runtime in a temporary home, fills it with a few jobs
 * (runs that succeeded, one that failed, a paused job, a DAG run in progress) and saves a screenshot taken in
 * Debian's Chromium. Not a test: run it when the page changes.
 *
 *   node --import tsx dashboard/screenshot.ts [--page jobs|run] [--out docs/dashboard.png]
 *
 * `--page run` shoots the DAG run's page (its graph mid-run) instead of the jobs list.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { type LocalRuntime, startLocalRuntime } from '../lambdas/local/runtime.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const pageName = option('--page', 'jobs');
if (pageName !== 'jobs' && pageName !== 'run') throw new Error('--page must be jobs or run');
const out = resolve(option('--out', pageName === 'jobs' ? 'docs/dashboard.png' : 'docs/dashboard-run.png'));

const command = (script: string) => ({ type: 'command', command: ['sh', '-c', script] });
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The fields of the API's answers this script reads. */
interface Answer {
  readonly jobId: string;
  readonly runId: string;
  readonly status: string;
  readonly tasks?: Record<string, { status: string }>;
}

async function call(runtime: LocalRuntime, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${runtime.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as Answer;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Jobs created oldest first, so the list (newest first) starts with the DAG. */
async function populate(runtime: LocalRuntime): Promise<string> {
  const job = (body: Record<string, unknown>) =>
    call(runtime, 'POST', '/v1/jobs', { retry: { maxAttempts: 1 }, ...body });
  const runNow = async (jobId: string) => (await call(runtime, 'POST', `/v1/jobs/${jobId}/runs`)).runId;
  const ended = (runId: string) =>
    waitFor(
      async () => ['SUCCEEDED', 'FAILED'].includes((await call(runtime, 'GET', `/v1/runs/${runId}`)).status),
      runId,
    );

  const cache = await job({
    name: 'cache-warmup',
    schedule: { type: 'rate', every: '15 minutes' },
    target: command('true'),
    tags: { team: 'web' },
  });
  await call(runtime, 'POST', `/v1/jobs/${cache.jobId}/pause`);
  const invoices = await job({
    name: 'invoice-export',
    schedule: { type: 'cron', expression: '0 6 * * MON-FRI', timezone: 'America/New_York' },
    target: command('echo "SFTP upload refused" >&2; exit 1'),
    sla: { finishWithinSeconds: 900 },
    tags: { team: 'finance' },
  });
  const sync = await job({
    name: 'hourly-sync',
    schedule: { type: 'cron', expression: '15 * * * *' },
    target: command('sleep 0.3'),
    tags: { team: 'platform' },
  });
  const report = await job({
    name: 'nightly-report',
    schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Berlin' },
    target: command('sleep 0.2'),
    sla: { startWithinSeconds: 60, finishWithinSeconds: 900 },
    tags: { team: 'data' },
  });
  await Promise.all([
    ended(await runNow(invoices.jobId)),
    ended(await runNow(sync.jobId)),
    ended(await runNow(report.jobId)),
  ]);

  const etl = await job({
    name: 'nightly-etl',
    schedule: { type: 'cron', expression: '30 1 * * *', timezone: 'Europe/London' },
    timeoutSeconds: 120,
    tags: { team: 'data' },
    tasks: [
      { id: 'extract-orders', target: command('sleep 1') },
      { id: 'extract-customers', target: command('sleep 1.5') },
      { id: 'transform', target: command('sleep 8'), dependsOn: ['extract-orders', 'extract-customers'] },
      { id: 'quality-checks', target: command('sleep 1'), dependsOn: ['extract-orders'] },
      { id: 'load-warehouse', target: command('sleep 2'), dependsOn: ['transform', 'quality-checks'] },
      { id: 'refresh-reports', target: command('sleep 1'), dependsOn: ['load-warehouse'] },
      { id: 'notify', target: command('true'), dependsOn: ['refresh-reports', 'quality-checks'] },
    ],
  });
  const dagRun = await runNow(etl.jobId);
  // Mid-run: the extracts and checks are done, the transform runs, the rest waits.
  await waitFor(
    async () =>
      (await call(runtime, 'GET', `/v1/runs/${dagRun}`)).tasks?.['quality-checks']?.status === 'SUCCEEDED',
    'the DAG to get going',
  );
  return dagRun;
}

async function main() {
  const home = mkdtempSync(join(tmpdir(), 'kairos-screenshot-'));
  const runtime = await startLocalRuntime({ home, port: 0 });
  const browser = await chromium.launch({
    executablePath: process.env.KAIROS_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const dagRun = await populate(runtime);
    const page = await browser.newPage({
      viewport: { width: 1280, height: 720 },
    });
    await page.goto(`${runtime.url}/#token=${runtime.adminToken}`);
    if (pageName === 'jobs') {
      await page.locator('tr[data-job-id]').nth(4).waitFor();
      // Every row's last run has arrived ('…' while it is read).
      const pending = page.locator('tbody td:nth-child(4)', { hasText: '…' });
      await waitFor(async () => (await pending.count()) === 0, 'the last runs');
    } else {
      await page.goto(`${runtime.url}/#/runs/${dagRun}`);
      await page.locator('svg.dag g.node[data-status="RUNNING"]').first().waitFor();
    }
    await sleep(300);
    mkdirSync(dirname(out), { recursive: true });
    await page.screenshot({ path: out, fullPage: true });
    console.log(`saved ${out}`);
  } finally {
    await browser.close();
    await runtime.close();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
