import { IllegalStateError } from '../../core/errors.js';
import type { JobRecord } from '../../core/job.js';
import type { RunRecord } from '../../core/run.js';
import type { RunStatus } from '../../core/run-states.js';
import { CancelAbort } from '../execution-control.js';
import { backfillAdmits, backfillRunEnded } from './backfill-runs.js';
import { completeAttempt } from './complete.js';
import { attemptTimeoutMs, type EngineDeps, logOf } from './deps.js';
import { executeAttempt, LEASE_MS } from './execute.js';
import { pendingTasks, stopOpenTasks } from './execute-dag.js';
import { countRunStarted, countSkippedSlot } from './metrics.js';
import { claimSlot, concurrencyOf, usesSlots } from './slots.js';
import { stopAsync } from './stop-async.js';
import { armDeadlineCheck } from './timeout.js';

const STARTABLE: RunStatus[] = ['SCHEDULED', 'QUEUED', 'RETRYING'];
/** Grace after the deadline before the timeout timer acts, so the dispatcher's own timeout wins normally. */
const TIMEOUT_GRACE_MS = 5_000;
/** How long a `buffer_one` run waits before asking for a slot again. */
const BUFFER_RECHECK_MS = 2_000;

/**
 * Starts attempt `attempt` of a run: one conditional write claims it (so a duplicate message starts nothing),
 * after the job's overlap policy and concurrency slots allow it; then executes and records the outcome.
 */
export async function handleStart(
  deps: EngineDeps,
  runId: string,
  attempt: number,
  known?: { readonly run?: RunRecord; readonly job?: JobRecord },
): Promise<void> {
  const log = logOf(deps);
  const run = known?.run ?? (await deps.runs.get(runId));
  if (!run) return log({ level: 'WARN', message: 'start for an unknown run', runId });
  const leaseExpired = !run.handle && (run.leaseUntil ?? 0) < deps.clock.now().getTime();
  if (run.status === 'RUNNING' && run.attempt === attempt && leaseExpired) {
    // The dispatcher running this attempt died (its lease ran out): fail the attempt so the policy retries it.
    await completeAttempt(deps, runId, attempt, {
      status: 'failed',
      error: {
        type: 'LeaseExpired',
        message: 'the dispatcher running this attempt stopped',
        retryable: true,
      },
      log: 'Kairos: the dispatcher running this attempt stopped before it reported a result.\n',
    });
    return;
  }
  if (!STARTABLE.includes(run.status) || run.attempt !== attempt - 1) {
    return log({
      level: 'INFO',
      message: 'duplicate or stale start ignored',
      runId,
      attempt,
      status: run.status,
    });
  }
  const job = known?.job ?? (await deps.jobs.get(run.jobId));
  if (!job || job.status === 'DELETED') return end(deps, run, 'CANCELLED', 'job deleted');
  // A backfill's runs are bounded by its maxConcurrency, not by the job's overlap policy and slots (overlap
  // `skip` would skip them all), and run although the job is paused: a backfill is an explicit operator action.
  if (isBackfillRun(run)) {
    const admitted = await backfillAdmits(deps, run);
    if (admitted === 'cancelled') return end(deps, run, 'CANCELLED', `backfill ${run.backfillId} cancelled`);
    if (admitted === 'wait')
      return log({ level: 'INFO', message: 'backfill run waits for a free slot', runId, attempt });
  } else if (!(await admitByJobPolicy(deps, job, run, attempt))) return;

  const now = deps.clock.now();
  await armAttemptDeadline(deps, job, run, attempt, now);
  let claimed: RunRecord;
  try {
    claimed = await deps.runs.transition({
      runId,
      from: STARTABLE,
      to: 'RUNNING',
      expectedAttempt: attempt - 1,
      set: {
        attempt,
        startedAt: run.startedAt ?? now.toISOString(),
        leaseUntil: now.getTime() + LEASE_MS,
        reason: undefined,
        attempts: [...run.attempts, { attempt, status: 'RUNNING', startedAt: now.toISOString() }],
        // A DAG run's next attempt (a retry) shows none of the last one's task ends once it is RUNNING.
        ...(run.tasks === undefined ? {} : { tasks: pendingTasks(Object.keys(run.tasks)) }),
      },
    });
  } catch (error) {
    if (!(error instanceof IllegalStateError)) throw error;
    const current = await deps.runs.get(runId);
    // A backfill run's slot stays with it: it was claimed at launch and is freed when the run ends.
    if (!isBackfillRun(run) && usesSlots(job) && current?.status !== 'RUNNING')
      await deps.slots.release(job.jobId, runId);
    return log({ level: 'INFO', message: 'run claimed elsewhere', runId, attempt });
  }
  countRunStarted(deps, run, claimed);
  await runClaimedAttempt(deps, job, claimed);
}

function isBackfillRun(run: RunRecord): run is RunRecord & { readonly backfillId: string } {
  return run.backfillId !== undefined;
}

/**
 * The job's pause and overlap rules for a run about to start: true when it may start now (holding one of the
 * job's concurrency slots where the job uses them); false when it was skipped, or buffered for a recheck.
 */
async function admitByJobPolicy(
  deps: EngineDeps,
  job: JobRecord,
  run: RunRecord,
  attempt: number,
): Promise<boolean> {
  const { runId } = run;
  if (job.status === 'PAUSED' && run.trigger === 'schedule' && attempt === 1) {
    await end(deps, run, 'SKIPPED', 'paused');
    return false;
  }
  const policy = concurrencyOf(job);
  if (!usesSlots(job) || (await claimSlot(deps, job.jobId, runId, policy.max))) return true;
  if (await catchingUp(deps, job, run)) {
    await recheckLater(deps, run, attempt);
    return false;
  }
  if (policy.overlap === 'skip') {
    await end(deps, run, 'SKIPPED', 'overlap');
    return false;
  }
  if (policy.overlap === 'cancel_previous') {
    for (const holder of await deps.slots.holders(job.jobId))
      await cancelRun(deps, holder, `superseded by ${runId}`);
  } else if (await anotherRunBuffered(deps, run)) {
    await end(deps, run, 'SKIPPED', 'overlap');
    return false;
  } else if (run.reason !== 'buffered') {
    await deps.runs.transition({
      runId,
      from: [run.status],
      to: run.status,
      expectedAttempt: run.attempt,
      set: { reason: 'buffered' },
    });
  }
  await recheckLater(deps, run, attempt);
  return false;
}

/** Asks for the start again after a pause, when a slot may have come free. */
async function recheckLater(deps: EngineDeps, run: RunRecord, attempt: number): Promise<void> {
  const when = new Date(deps.clock.now().getTime() + BUFFER_RECHECK_MS);
  await deps.timers.fireAt(when, { kind: 'start', runId: run.runId, attempt }, run.lane ?? 'normal');
}

/**
 * Whether the run, or a run holding the job's slots, makes up a slot missed in downtime. The catch-up runs of one
 * downtime, and the current slot, come due together; the overlap policy is for a slot coming due while the
 * previous run is still busy, so instead of skipping each other they start one after another.
 */
async function catchingUp(deps: EngineDeps, job: JobRecord, run: RunRecord): Promise<boolean> {
  if (run.trigger !== 'schedule') return false;
  if (run.catchUp) return true;
  for (const holder of await deps.slots.holders(job.jobId)) {
    if ((await deps.runs.get(holder))?.catchUp) return true;
  }
  return false;
}

/** Executes the attempt a run was just claimed for, and records its outcome. */
export async function runClaimedAttempt(deps: EngineDeps, job: JobRecord, claimed: RunRecord): Promise<void> {
  const startedAt = claimed.attempts.at(-1)?.startedAt ?? deps.clock.now().toISOString();
  logOf(deps)({
    level: 'INFO',
    message: 'attempt started',
    runId: claimed.runId,
    jobId: job.jobId,
    attempt: claimed.attempt,
    lateMs: Date.parse(startedAt) - Date.parse(claimed.scheduledFor),
  });
  const outcome = await executeAttempt(deps, job, claimed);
  await completeAttempt(deps, claimed.runId, claimed.attempt, outcome, { run: claimed, job });
}

/**
 * The deadline check of attempt `attempt` starting now, planned before the attempt is claimed so no crash can
 * leave a RUNNING attempt without one (a check that finds the attempt not running does nothing).
 */
export async function armAttemptDeadline(
  deps: EngineDeps,
  job: JobRecord,
  run: RunRecord,
  attempt: number,
  now: Date,
) {
  const timeoutMs = attemptTimeoutMs(job);
  const deadline = new Date(now.getTime() + timeoutMs + TIMEOUT_GRACE_MS).toISOString();
  await armDeadlineCheck(
    deps,
    { kind: 'timeout', runId: run.runId, attempt, deadline },
    run.lane ?? 'normal',
  );
}

/** Moves a not-yet-started run to a final status with its reason. */
async function end(
  deps: EngineDeps,
  run: RunRecord,
  to: 'SKIPPED' | 'CANCELLED',
  reason: string,
): Promise<void> {
  try {
    await deps.runs.transition({
      runId: run.runId,
      from: STARTABLE,
      to,
      expectedAttempt: run.attempt,
      set: { reason, endedAt: deps.clock.now().toISOString() },
    });
    if (to === 'SKIPPED') countSkippedSlot(deps, reason);
  } catch (error) {
    if (!(error instanceof IllegalStateError)) throw error;
  }
  if (isBackfillRun(run)) await backfillRunEnded(deps, run);
  else await deps.slots.release(run.jobId, run.runId);
}

async function anotherRunBuffered(deps: EngineDeps, run: RunRecord): Promise<boolean> {
  const page = await deps.runs.listByJob({ jobId: run.jobId, statuses: ['QUEUED', 'RETRYING'], limit: 20 });
  return page.items.some((r) => r.runId !== run.runId && r.reason === 'buffered');
}

/**
 * Cancels a run that has not finished: one conditional write to CANCELLED, then stop whatever runs it
 * (the attempt in this process, or the async execution by its handle). Returns the cancelled run.
 */
export async function cancelRun(deps: EngineDeps, runId: string, reason: string): Promise<RunRecord> {
  const run = await deps.runs.get(runId);
  if (!run) throw new IllegalStateError(`Run '${runId}' does not exist.`);
  const cancelled = await deps.runs.transition({
    runId,
    from: ['SCHEDULED', 'QUEUED', 'RETRYING', 'RUNNING'],
    to: 'CANCELLED',
    set: { reason, endedAt: deps.clock.now().toISOString(), leaseUntil: undefined },
  });
  // Aborted whatever status was read: a start may have claimed the run between that read and the write.
  const stoppedHere = deps.control.abort(runId, new CancelAbort(reason));
  if (run.status === 'RUNNING' && !stoppedHere && run.handle) {
    await stopAsync(deps, await deps.jobs.get(run.jobId), run.handle, reason);
  }
  // A DAG run's execution stopped elsewhere (StopExecution): its open tasks are CANCELLED now, so the run shows it
  // at once (the execution's ABORTED event closes any a late task report reopened). One running here does it itself.
  const tasks =
    cancelled.tasks !== undefined && !stoppedHere
      ? await stopOpenTasks(deps, runId, cancelled.attempt)
      : undefined;
  await deps.slots.release(run.jobId, runId);
  await backfillRunEnded(deps, run);
  return tasks ? { ...cancelled, tasks } : cancelled;
}
