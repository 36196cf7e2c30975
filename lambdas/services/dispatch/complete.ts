import { IllegalStateError } from '../../core/errors.js';
import type { JobRecord } from '../../core/job.js';
import { hasAttemptsLeft, isNonRetryable, resolveRetryPolicy, retryDelayMs } from '../../core/retry.js';
import type { AttemptRecord, RunRecord } from '../../core/run.js';
import { isTerminal, type RunStatus } from '../../core/run-states.js';
import type { AttemptRef, ExecutionOutcome } from '../../ports.js';
import { backfillRunEnded } from './backfill-runs.js';
import { type EngineDeps, logOf } from './deps.js';
import { countRunEnded } from './metrics.js';
import { retireWorkflow } from './retire-workflow.js';
import { usesSlots } from './slots.js';
import { stopAsync } from './stop-async.js';

/** Replaces the record of `attempt` in the run's attempt list. */
export function withAttempt(run: RunRecord, attempt: number, patch: Partial<AttemptRecord>): AttemptRecord[] {
  return run.attempts.map((a) => (a.attempt === attempt ? { ...a, ...patch } : a));
}

/**
 * Records the outcome of attempt `attempt` of a run: saves its log/output, then one conditional write from
 * RUNNING at that attempt, so a report from an attempt that lost its claim (timed out, cancelled, taken over)
 * is rejected. A failure with attempts left becomes RETRYING with the next attempt planned after the backoff.
 */
export async function completeAttempt(
  deps: EngineDeps,
  runId: string,
  attempt: number,
  reported: ExecutionOutcome,
  known?: { readonly run: RunRecord; readonly job: JobRecord | undefined },
): Promise<RunRecord | undefined> {
  let outcome = reported;
  const log = logOf(deps);
  const aborted = outcome.status === 'failed' && outcome.error.type === 'Cancelled';
  // The dispatcher that claimed the run passes what it read; a cancel may have changed it since, so re-read then.
  const run = known && !aborted ? known.run : await deps.runs.get(runId);
  if (!run || run.attempt !== attempt) return undefined;
  const keys = await saveArtifacts(
    deps,
    { jobId: run.jobId, runId, attempt },
    outcome.log,
    outcome.status === 'started' ? undefined : outcome.output,
  );
  const now = deps.clock.now().toISOString();

  if (outcome.status === 'started') {
    const started = await guarded(deps, run, attempt, 'RUNNING', {
      handle: outcome.handle,
      attempts: withAttempt(run, attempt, { handle: outcome.handle, ...keys }),
    });
    return started ?? stopStartedAfterCancel(deps, runId, attempt, outcome.handle, keys);
  }
  if (outcome.status === 'failed' && outcome.error.type === 'Cancelled') {
    if (run.status === 'CANCELLED') {
      // The cancel already ended the run; keep this attempt's log and end time on it.
      const attempts = withAttempt(run, attempt, { status: 'CANCELLED', endedAt: now, ...keys });
      const cancelled = await guarded(deps, run, attempt, 'CANCELLED', { attempts }, ['CANCELLED']);
      if (run.tasks !== undefined || known?.job?.definition.tasks !== undefined)
        await retireWorkflow(deps, await deps.jobs.get(run.jobId));
      return cancelled;
    }
    // Aborted without a cancel (e.g. the runtime shutting down): an interrupted attempt, retried per policy.
    outcome = { ...outcome, error: { type: 'Interrupted', message: outcome.error.message, retryable: true } };
  }

  const job = known ? known.job : await deps.jobs.get(run.jobId);
  const policy = resolveRetryPolicy(job?.definition.retry);
  const timedOut = outcome.status === 'failed' && outcome.error.type === 'Timeout';
  const attemptStatus: RunStatus =
    outcome.status === 'succeeded' ? 'SUCCEEDED' : timedOut ? 'TIMED_OUT' : 'FAILED';
  const error = outcome.status === 'failed' ? outcome.error : undefined;
  const retry =
    error !== undefined &&
    error.retryable !== false &&
    !isNonRetryable(policy, error.type) &&
    hasAttemptsLeft({ ...policy, maxAttempts: run.maxAttempts }, attempt);
  const status: RunStatus = retry ? 'RETRYING' : attemptStatus;
  const attempts = withAttempt(run, attempt, {
    status: attemptStatus,
    endedAt: now,
    ...(error ? { error } : {}),
    ...keys,
  });
  const delay = retry ? retryDelayMs({ ...policy, maxAttempts: run.maxAttempts }, attempt, deps.random) : 0;
  const when = new Date(deps.clock.now().getTime() + delay);
  const done = await guarded(deps, run, attempt, status, {
    attempts,
    error,
    leaseUntil: undefined,
    handle: undefined,
    // Kept so the attempt's deadline check can plan the retry again if a crash lost it (see timeout.ts).
    retryAt: retry ? when.toISOString() : undefined,
    ...(isTerminal(status) ? { endedAt: now } : {}),
  });
  if (!done) return undefined;
  countRunEnded(deps, status);
  if (retry) {
    await deps.timers.fireAt(when, { kind: 'start', runId, attempt: attempt + 1 }, run.lane ?? 'normal');
    log({ level: 'INFO', message: 'attempt failed; retrying', runId, attempt, delayMs: delay, error });
    return done;
  }
  if (run.backfillId !== undefined) await backfillRunEnded(deps, run);
  else if (!job || usesSlots(job)) await deps.slots.release(run.jobId, runId);
  if (status !== 'SUCCEEDED') {
    await deps.deadLetters.record({
      reason: `run ${status} after ${attempt} attempt(s)`,
      runId,
      jobId: run.jobId,
      body: { error },
    });
  }
  // The last DAG run of a deleted job takes its state machine with it (read again: the job may have been deleted
  // while the run executed).
  if (job?.definition.tasks !== undefined) await retireWorkflow(deps, await deps.jobs.get(run.jobId));
  log({ level: 'INFO', message: `run ${status}`, runId, jobId: run.jobId, attempt });
  return done;
}

/**
 * An execution that started while a cancel ended its run (the cancel, in another process, found no handle to
 * stop): it is stopped now, and its handle kept on the CANCELLED run so its end event still completes the attempt
 * (and closes a DAG run's open tasks).
 */
async function stopStartedAfterCancel(
  deps: EngineDeps,
  runId: string,
  attempt: number,
  handle: string,
  keys: Partial<AttemptRecord>,
): Promise<undefined> {
  const run = await deps.runs.get(runId);
  if (run?.status !== 'CANCELLED' || run.attempt !== attempt || run.handle !== undefined) return undefined;
  const attempts = withAttempt(run, attempt, { handle, ...keys });
  await guarded(deps, run, attempt, 'CANCELLED', { handle, attempts }, ['CANCELLED']);
  await stopAsync(deps, await deps.jobs.get(run.jobId), handle, run.reason ?? 'Kairos: cancelled');
  logOf(deps)({ level: 'INFO', message: 'execution started after its run was cancelled; stopped', runId });
  return undefined;
}

/** The conditional write; a lost race (stale report) is logged and answered with undefined. */
async function guarded(
  deps: EngineDeps,
  run: RunRecord,
  attempt: number,
  to: RunStatus,
  set: Partial<RunRecord>,
  from: RunStatus[] = ['RUNNING'],
): Promise<RunRecord | undefined> {
  try {
    return await deps.runs.transition({ runId: run.runId, from, to, expectedAttempt: attempt, set });
  } catch (error) {
    if (!(error instanceof IllegalStateError)) throw error;
    logOf(deps)({ level: 'WARN', message: 'stale attempt report rejected', runId: run.runId, attempt, to });
    return undefined;
  }
}

/** Log and output up to this many bytes stay in the run item; larger ones go to the artifacts store. */
export const INLINE_ARTIFACT_BYTES = 400;

/**
 * Keeps a small log and output on the attempt record itself (one S3 PUT costs $5 per million, eight times a
 * DynamoDB write unit, and the run item stays under 1 KB), and puts larger ones in the artifacts store.
 */
async function saveArtifacts(
  deps: EngineDeps,
  ref: AttemptRef,
  log: string,
  output: unknown,
): Promise<Pick<AttemptRecord, 'log' | 'output' | 'logKey' | 'outputKey'>> {
  const outputBytes = output === undefined ? 0 : Buffer.byteLength(JSON.stringify(output) ?? '');
  if (Buffer.byteLength(log) + outputBytes <= INLINE_ARTIFACT_BYTES) {
    return { log, ...(output === undefined ? {} : { output }) };
  }
  return deps.artifacts.putAttempt(ref, { log, output });
}
