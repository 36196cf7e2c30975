/**
 * The dashboard's overview of a recent window (pure: the runs and the window are arguments): runs per minute,
 * totals by outcome, pick-up latency percentiles and the latest failures.
 */
import type { RunError, RunRecord } from './run.js';
import { ACTIVE_RUN_STATUSES } from './run-states.js';

const MINUTE_MS = 60_000;
/** How many failures the overview lists. */
export const OVERVIEW_FAILURES = 20;

export interface MinuteCounts {
  readonly minute: string;
  /** First attempts that started in the minute. */
  started: number;
  /** Runs that ended SUCCEEDED in the minute. */
  succeeded: number;
  /** Runs that ended FAILED or TIMED_OUT in the minute. */
  failed: number;
}

export interface Overview {
  readonly since: string;
  readonly until: string;
  readonly runsPerMinute: MinuteCounts[];
  readonly totals: {
    runs: number;
    succeeded: number;
    failed: number;
    timedOut: number;
    cancelled: number;
    active: number;
  };
  readonly pickupLatencyMs: { p50: number | null; p99: number | null; samples: number };
  readonly failures: { runId: string; jobId: string; status: string; error?: RunError; endedAt?: string }[];
  /** True when the window held more runs than the overview reads; the figures cover the newest ones. */
  readonly truncated: boolean;
}

/**
 * How late a run's first attempt started after its slot; undefined where lateness is by design (a backfill's or
 * catch-up's past slot, a run buffered behind the concurrency limit) — the same rule as the `PickupLatencyMs`
 * metric, so the dashboard and the alarm agree.
 */
export function pickupLatencyOf(run: RunRecord): number | undefined {
  if (run.backfillId !== undefined || run.catchUp || run.reason === 'buffered') return undefined;
  const startedAt = run.attempts[0]?.startedAt;
  if (startedAt === undefined) return undefined;
  return Math.max(0, Date.parse(startedAt) - Date.parse(run.scheduledFor));
}

/** The nearest-rank percentile `p` (0 < p ≤ 100) of `values`; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The overview of `runs` (those whose slot lies in the window) for the window `[since, until]`. */
export function summarizeRuns(
  runs: readonly RunRecord[],
  since: Date,
  until: Date,
  truncated = false,
): Overview {
  const first = Math.floor(since.getTime() / MINUTE_MS) * MINUTE_MS;
  const minutes: MinuteCounts[] = [];
  for (let at = first; at <= until.getTime(); at += MINUTE_MS) {
    minutes.push({ minute: new Date(at).toISOString(), started: 0, succeeded: 0, failed: 0 });
  }
  const bucketOf = (iso: string | undefined): MinuteCounts | undefined => {
    if (iso === undefined) return undefined;
    const index = Math.floor((Date.parse(iso) - first) / MINUTE_MS);
    return index >= 0 && index < minutes.length ? minutes[index] : undefined;
  };
  const totals = { runs: 0, succeeded: 0, failed: 0, timedOut: 0, cancelled: 0, active: 0 };
  const latencies: number[] = [];
  const failures: Overview['failures'] = [];
  for (const run of runs) {
    if (run.status === 'SKIPPED') continue;
    totals.runs++;
    const started = bucketOf(run.attempts[0]?.startedAt);
    if (started) started.started++;
    const ended = bucketOf(run.endedAt);
    if (run.status === 'SUCCEEDED') {
      totals.succeeded++;
      if (ended) ended.succeeded++;
    } else if (run.status === 'FAILED' || run.status === 'TIMED_OUT') {
      if (run.status === 'FAILED') totals.failed++;
      else totals.timedOut++;
      if (ended) ended.failed++;
      failures.push({
        runId: run.runId,
        jobId: run.jobId,
        status: run.status,
        ...(run.error ? { error: run.error } : {}),
        ...(run.endedAt ? { endedAt: run.endedAt } : {}),
      });
    } else if (run.status === 'CANCELLED') totals.cancelled++;
    else if (ACTIVE_RUN_STATUSES.includes(run.status)) totals.active++;
    const latency = pickupLatencyOf(run);
    if (latency !== undefined) latencies.push(latency);
  }
  failures.sort((a, b) => (b.endedAt ?? '').localeCompare(a.endedAt ?? ''));
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    runsPerMinute: minutes,
    totals,
    pickupLatencyMs: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      samples: latencies.length,
    },
    failures: failures.slice(0, OVERVIEW_FAILURES),
    truncated,
  };
}
