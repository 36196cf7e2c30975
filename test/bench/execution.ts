import { startBenchRuntime } from './runtime-client.js';
import type { BenchLine } from './types.js';
import { percentile } from './types.js';

const LATENESS_JOBS = 1000;
const THROUGHPUT_JOBS = 1000;

/**
 * Local runtime, `kairos local` in its own process: (1) pick-up lateness of 1,000 `at` jobs due in the same
 * second (RUNNING time − scheduledFor), (2) sustained throughput of immediate jobs with a local Lambda target
 * that returns at once, from the first submit to the last success.
 */
export default async function benchExecution(): Promise<BenchLine[]> {
  const lines: BenchLine[] = [];
  const runtime = await startBenchRuntime();
  try {
    const target = { type: 'lambda', functionArn: 'noop' };
    const dueAt = new Date(Math.ceil((Date.now() + 30_000) / 1000) * 1000).toISOString();
    const atJobs = Array.from({ length: LATENESS_JOBS }, (_, i) => ({
      name: `late-${i}`,
      schedule: { type: 'at', at: dueAt },
      target,
      concurrency: { max: 1, overlap: 'allow' },
    }));
    const atIds = await runtime.createJobs(atJobs);
    if (Date.now() > Date.parse(dueAt)) throw new Error('creating the jobs took past their due time');
    const runs = await runtime.waitForLatestRuns(atIds, 180_000);
    const lateness = [...runs.values()]
      .map((r) => Date.parse(r.attempts[0].startedAt) - Date.parse(r.scheduledFor))
      .sort((a, b) => a - b);
    lines.push({
      name: 'engine.pickupLateness.local',
      value: percentile(lateness, 50),
      unit: 'ms',
      jobs: LATENESS_JOBS,
      dueInSameSecond: true,
      p50: percentile(lateness, 50),
      p99: percentile(lateness, 99),
      max: lateness.at(-1),
      succeeded: [...runs.values()].filter((r) => r.status === 'SUCCEEDED').length,
    });

    const immediate = Array.from({ length: THROUGHPUT_JOBS }, (_, i) => ({
      name: `tp-${i}`,
      schedule: { type: 'immediate' },
      target,
    }));
    const start = performance.now();
    const ids = await runtime.createJobs(immediate);
    const done = await runtime.waitForLatestRuns(ids, 300_000);
    const seconds = (performance.now() - start) / 1000;
    lines.push({
      name: 'engine.throughput.local',
      value: Number((THROUGHPUT_JOBS / seconds).toFixed(1)),
      unit: 'jobs/s',
      jobs: THROUGHPUT_JOBS,
      seconds: Number(seconds.toFixed(2)),
      succeeded: [...done.values()].filter((r) => r.status === 'SUCCEEDED').length,
      target: 'local lambda returning at once',
    });
  } finally {
    await runtime.close();
  }
  return lines;
}
