import { backfillSlots } from '../../lambdas/core/backfill/slots.js';
import type { JobRecord } from '../../lambdas/core/job.js';
import { slotRunId } from '../../lambdas/core/run-id.js';
import type { Schedule } from '../../lambdas/core/schedule/index.js';
import { type BenchLine, opsPerSecond } from './types.js';

const SLOTS = 10_000;
const HOUR = 3_600_000;

/** 10,000-slot windows: hourly across a year of DST in New York, every 5 minutes in Berlin, a 1-minute rate. */
const WINDOWS: ReadonlyArray<{ schedule: Schedule; from: string; stepMs: number }> = [
  {
    schedule: { type: 'cron', expression: '0 * * * *', timezone: 'America/New_York' },
    from: '2025-01-01T00:00:00Z',
    stepMs: HOUR,
  },
  {
    schedule: { type: 'cron', expression: '*/5 * * * *', timezone: 'Europe/Berlin' },
    from: '2025-03-01T00:00:00Z',
    stepMs: 5 * 60_000,
  },
  { schedule: { type: 'rate', every: '1 minute' }, from: '2025-10-01T00:00:00Z', stepMs: 60_000 },
];

const jobs = WINDOWS.map(({ schedule, from, stepMs }) => {
  const job = {
    jobId: 'job_bench',
    definition: { name: 'bench', schedule, target: { type: 'lambda', functionArn: 'fn' } },
    createdAt: '2026-01-01T00:00:00.000Z',
  } as unknown as JobRecord;
  // 10,000 steps: the limit (a fall-back hour fires once, so the New York window holds one slot less).
  const window = { from: new Date(from), to: new Date(Date.parse(from) + SLOTS * stepMs) };
  return { job, window };
});

function plan(withRunIds: boolean): () => unknown {
  let i = 0;
  return () => {
    const { job, window } = jobs[i++ % jobs.length];
    const result = backfillSlots(job, window, SLOTS + 1);
    if (result.kind !== 'slots' || result.times.length < SLOTS - 1) throw new Error('unexpected slot count');
    return withRunIds ? result.times.map((t) => slotRunId(job.jobId, t.toISOString())) : result;
  };
}

/** Backfill planning throughput: slots enumerated per second for 10,000-slot windows (and with their run ids). */
export default async function benchBackfill(): Promise<BenchLine[]> {
  const slots = opsPerSecond(plan(false));
  const withIds = opsPerSecond(plan(true));
  return [
    {
      name: 'backfill.plan.slots',
      value: slots.opsPerSec * SLOTS,
      unit: 'slots/s',
      windowSlots: SLOTS,
      windows: jobs.length,
      calls: slots.calls,
    },
    {
      name: 'backfill.plan.slotsWithRunIds',
      value: withIds.opsPerSec * SLOTS,
      unit: 'slots/s',
      windowSlots: SLOTS,
      windows: jobs.length,
      calls: withIds.calls,
    },
  ];
}
