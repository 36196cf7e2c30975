import { startBenchRuntime } from './runtime-client.js';
import type { BenchLine } from './types.js';
import { percentile } from './types.js';

const JOBS = 200;
const MINUTES = 5;
/** The scheduler stand-in fires each occurrence up to this late, as EventBridge may within the minute. */
const SCHEDULER_MAX_LATE_SECONDS = 50;

/**
 * Cron pick-up lateness on the local runtime (`kairos local` in its own process): 200 `* * * * *` jobs for five
 * minutes, while the EventBridge Scheduler stand-in fires each occurrence up to 50 s late. Lateness is the
 * first attempt's start − the slot; the timer each fire plans for the next slot is what keeps it low. Also
 * checks every slot has exactly one run.
 */
export default async function benchCronPickup(): Promise<BenchLine[]> {
  const runtime = await startBenchRuntime({
    KAIROS_SCHEDULER_MAX_LATE_SECONDS: String(SCHEDULER_MAX_LATE_SECONDS),
  });
  try {
    const bodies = Array.from({ length: JOBS }, (_, i) => ({
      name: `cron-${i}`,
      schedule: { type: 'cron', expression: '* * * * *' },
      target: { type: 'lambda', functionArn: 'noop' },
    }));
    const ids = await runtime.createJobs(bodies);
    // The slots measured: the first MINUTES whole minutes after every job exists.
    const first = Math.ceil((Date.now() + 1000) / 60_000) * 60_000;
    const slots = Array.from({ length: MINUTES }, (_, i) => new Date(first + i * 60_000).toISOString());
    const last = Date.parse(slots.at(-1) as string);
    await new Promise((r) => setTimeout(r, last + 15_000 - Date.now()));

    const lateness: number[] = [];
    let missing = 0;
    let duplicates = 0;
    let notSucceeded = 0;
    for (const jobId of ids) {
      const page = await runtime.call('GET', `/v1/jobs/${jobId}/runs?limit=100`);
      const bySlot = new Map<string, any[]>();
      for (const run of page.items)
        bySlot.set(run.scheduledFor, [...(bySlot.get(run.scheduledFor) ?? []), run]);
      for (const slot of slots) {
        const runs = bySlot.get(slot) ?? [];
        if (runs.length === 0) missing++;
        if (runs.length > 1) duplicates += runs.length - 1;
        const run = runs[0];
        if (!run) continue;
        if (run.status !== 'SUCCEEDED') notSucceeded++;
        const started = run.attempts[0]?.startedAt;
        if (started) lateness.push(Date.parse(started) - Date.parse(slot));
      }
    }
    lateness.sort((a, b) => a - b);
    return [
      {
        name: 'engine.cronPickupLateness.local',
        value: percentile(lateness, 50),
        unit: 'ms',
        jobs: JOBS,
        minutes: MINUTES,
        schedulerMaxLateSeconds: SCHEDULER_MAX_LATE_SECONDS,
        p50: percentile(lateness, 50),
        p99: percentile(lateness, 99),
        max: lateness.at(-1),
        runs: lateness.length,
        missing,
        duplicates,
        notSucceeded,
      },
    ];
  } finally {
    await runtime.close();
  }
}
