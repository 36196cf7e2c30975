import { type EmfMetric, emfDocument } from '../../adapters/metrics/emf.js';
import { METRICS } from '../../adapters/metrics/metric-names.js';
import type { SkipReason } from '../../core/catchup.js';
import type { RunRecord } from '../../core/run.js';
import type { RunStatus } from '../../core/run-states.js';
import type { EngineDeps } from './deps.js';

/**
 * The engine's metrics, emitted where it decides each outcome: one EMF line per decision, dimension `Stage` only,
 * so each metric is one CloudWatch series per stage whatever the number of jobs (a job id dimension would make a
 * metric, and a cost, per job).
 */
function emit(deps: EngineDeps, metrics: readonly EmfMetric[], extra: Record<string, string> = {}): void {
  const dimensions = { Stage: deps.stage ?? 'local', ...extra };
  (deps.metrics ?? console.log)(emfDocument(metrics, dimensions, deps.clock.now()));
}

/**
 * Counts a slot that did not run (`SlotsSkipped`, by reason), so a dashboard or alarm sees skips that run
 * history alone would hide among thousands of runs.
 */
export function countSkippedSlot(deps: EngineDeps, reason: SkipReason | string): void {
  emit(deps, [{ name: METRICS.slotsSkipped, value: 1 }], { Reason: reason });
}

/** Counts a run whose SLA miss was just recorded (once per run: only the write that recorded it calls this). */
export function countSlaMiss(deps: EngineDeps): void {
  emit(deps, [{ name: METRICS.slaMisses, value: 1 }]);
}

/**
 * How late the first attempt of a run started after its slot, or undefined where lateness is by design: a
 * backfill's or a catch-up's slot is in the past, and a run buffered behind the job's concurrency limit waited for
 * the previous run. What remains measures the engine's own pick-up: timers, queues and the dispatcher.
 */
export function pickupLatencyMs(before: RunRecord, claimed: RunRecord): number | undefined {
  if (
    claimed.attempt !== 1 ||
    before.backfillId !== undefined ||
    before.catchUp ||
    before.reason === 'buffered'
  )
    return undefined;
  const startedAt = claimed.attempts.at(-1)?.startedAt;
  if (startedAt === undefined) return undefined;
  // A manual run's slot is the request time, which the dispatcher's clock may read as slightly later.
  return Math.max(0, Date.parse(startedAt) - Date.parse(claimed.scheduledFor));
}

/**
 * Counts a run that was just claimed for an attempt (`RunsStarted`, and `PickupLatencyMs` for a first attempt),
 * given the run as read before the claim. A retry after backoff (from RETRYING) is another attempt of a run already
 * counted; a manual retry or a backfill's reprocessing of an ended run counts again, as it will end again.
 */
export function countRunStarted(deps: EngineDeps, before: RunRecord, claimed: RunRecord): void {
  if (before.status === 'RETRYING') return;
  const latency = pickupLatencyMs(before, claimed);
  emit(deps, [
    { name: METRICS.runsStarted, value: 1 },
    ...(latency === undefined
      ? []
      : [{ name: METRICS.pickupLatency, value: latency, unit: 'Milliseconds' as const }]),
  ]);
}

const ENDED: Partial<Record<RunStatus, string>> = {
  SUCCEEDED: METRICS.runsSucceeded,
  FAILED: METRICS.runsFailed,
  TIMED_OUT: METRICS.runsTimedOut,
};

/** Counts a run that reached SUCCEEDED, FAILED or TIMED_OUT (`RunsSucceeded`, `RunsFailed`, `RunsTimedOut`). */
export function countRunEnded(deps: EngineDeps, status: RunStatus): void {
  const name = ENDED[status];
  if (name !== undefined) emit(deps, [{ name, value: 1 }]);
}
