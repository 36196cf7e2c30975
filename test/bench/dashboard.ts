/**
 * The dashboard and the CLI as a user meets them: the page's size (what one `GET /` sends), its build time, how
 * soon Chromium shows a jobs table of 50 jobs after navigation (every job's last run is one more request), and how
 * long the built CLI takes to start and to list those jobs.
 */
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { buildDashboard } from '../../dashboard/build.js';
import { launchChromium } from '../browser/support/browser.js';
import { builtCli } from '../e2e/support/kairos-cli.js';
import { startBenchRuntime } from './runtime-client.js';
import type { BenchLine } from './types.js';
import { percentile } from './types.js';

const JOBS = 50;
const RUNS = 7;

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

function timeCli(cli: string, args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`kairos ${args.join(' ')} failed: ${result.stderr}`);
  return performance.now() - start;
}

export default async function benchDashboard(): Promise<BenchLine[]> {
  const lines: BenchLine[] = [];
  const builds: number[] = [];
  let page = { html: '', scriptHashes: [] as readonly string[] };
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    page = await buildDashboard();
    builds.push(performance.now() - start);
  }
  const bytes = Buffer.byteLength(page.html);
  lines.push({
    name: 'dashboard.pageSize',
    value: bytes,
    unit: 'bytes',
    gzipBytes: gzipSync(page.html).length,
  });
  lines.push({
    name: 'dashboard.buildMs',
    value: Math.round(median(builds)),
    unit: 'ms',
    runs: builds.length,
  });

  const cli = await builtCli();
  const runtime = await startBenchRuntime();
  try {
    await runtime.createJobs(
      Array.from({ length: JOBS }, (_, i) => ({
        name: `bench-${i}`,
        schedule: { type: 'cron', expression: `${i % 60} 2 * * *`, timezone: 'Europe/Berlin' },
        target: { type: 'command', command: ['true'] },
        tags: { team: `t${i % 5}` },
      })),
    );
    const token = runtime.token;
    const env = { KAIROS_TOKEN: token, KAIROS_PORT: new URL(runtime.url).port, KAIROS_HOME: runtime.home };
    const help = Array.from({ length: RUNS }, () => timeCli(cli, ['--help'], env));
    const list = Array.from({ length: RUNS }, () => timeCli(cli, ['jobs', 'list', '--limit', '50'], env));
    lines.push({
      name: 'cli.startMs',
      value: Math.round(median(help)),
      unit: 'ms',
      command: '--help',
      runs: RUNS,
    });
    lines.push({
      name: 'cli.jobsListMs',
      value: Math.round(median(list)),
      unit: 'ms',
      jobs: JOBS,
      runs: RUNS,
      note: 'process start to exit, table of 50 jobs from the local runtime',
    });

    const browser = await launchChromium();
    try {
      const loads: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const context = await browser.newContext();
        const tab = await context.newPage();
        const start = performance.now();
        await tab.goto(`${runtime.url}/#token=${token}`);
        await tab
          .locator('tr[data-job-id]')
          .nth(JOBS - 1)
          .waitFor();
        loads.push(performance.now() - start);
        await context.close();
      }
      lines.push({
        name: 'dashboard.jobsTableMs',
        value: Math.round(median(loads)),
        unit: 'ms',
        p90: Math.round(
          percentile(
            [...loads].sort((a, b) => a - b),
            90,
          ),
        ),
        jobs: JOBS,
        runs: RUNS,
        note: 'navigation to 50 rendered job rows in headless Chromium, fresh browser context each run',
      });
    } finally {
      await browser.close();
    }
  } finally {
    await runtime.close();
  }
  return lines;
}
