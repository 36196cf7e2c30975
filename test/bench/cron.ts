import { nextFireTimes, type Schedule } from '../../lambdas/core/schedule/index.js';
import { type BenchLine, opsPerSecond } from './types.js';

/** Representative jobs: UTC, DST zones (north and south), a half-hour zone and a sparse leap-day rule. */
const SCHEDULES: readonly Schedule[] = [
  { type: 'cron', expression: '*/5 * * * *' },
  { type: 'cron', expression: '0 9 * * MON-FRI', timezone: 'America/New_York' },
  { type: 'cron', expression: '30 2 * * *', timezone: 'Europe/Berlin' },
  { type: 'cron', expression: '15 */6 1,15 * *', timezone: 'Asia/Kolkata' },
  { type: 'cron', expression: '0 0 29 2 *', timezone: 'Australia/Sydney' },
];

const BASE = Date.parse('2026-01-01T00:00:00Z');
// An odd stride (7 min 3.1 s) walks `after` through the years, DST transitions included, so the
// timezone offset cache sees realistic misses instead of one hot entry.
const STRIDE_MS = 423_100;

function nextCall(count: number): () => unknown {
  let i = 0;
  return () => {
    const schedule = SCHEDULES[i % SCHEDULES.length];
    const times = nextFireTimes(schedule, { after: new Date(BASE + i * STRIDE_MS), count });
    i++;
    return times;
  };
}

/** `nextFireTimes` throughput for single-next (count 1) and preview-sized (count 100) calls. */
export default async function benchCron(): Promise<BenchLine[]> {
  const single = opsPerSecond(nextCall(1));
  const preview = opsPerSecond(nextCall(100));
  return [
    {
      name: 'cron.nextFireTimes',
      value: single.opsPerSec,
      unit: 'ops/s',
      count: 1,
      expressions: SCHEDULES.length,
      calls: single.calls,
    },
    {
      name: 'cron.nextFireTimes.count100',
      value: preview.opsPerSec,
      unit: 'ops/s',
      count: 100,
      expressions: SCHEDULES.length,
      calls: preview.calls,
    },
  ];
}
