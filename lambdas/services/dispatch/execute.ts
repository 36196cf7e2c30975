import type { JobRecord } from '../../core/job.js';
import type { RunRecord } from '../../core/run.js';
import type { ExecutionOutcome, Executor } from '../../ports.js';
import { TimeoutAbort } from '../execution-control.js';
import { attemptTimeoutMs, type EngineDeps } from './deps.js';
import { executeDagAttempt } from './execute-dag.js';

/** How long a claim lasts without renewal; the running dispatcher renews it every third of that. */
export const LEASE_MS = 30_000;

/**
 * Runs the attempt's target here, with its timeout and an abort handle for cancellation, renewing the run's
 * lease while it runs, and turns a thrown error into a failed outcome (executors report target failures
 * themselves; a throw is a bug or an infrastructure error, worth a retry).
 */
export async function executeAttempt(
  deps: EngineDeps,
  job: JobRecord,
  run: RunRecord,
): Promise<ExecutionOutcome> {
  const target = job.definition.target;
  const executor = target ? (deps.executors[target.type] as Executor | undefined) : undefined;
  const dag = target === undefined && job.definition.tasks !== undefined;
  if (!dag && (!target || !executor)) {
    const what = target ? `'${target.type}' targets` : 'jobs without a target';
    return {
      status: 'failed',
      error: { type: 'UnsupportedTarget', message: `${what} cannot run in this runtime`, retryable: false },
      log: `Kairos: ${what} cannot run in this runtime.\n`,
    };
  }
  const timeoutMs = attemptTimeoutMs(job);
  const controller = new AbortController();
  deps.control.register(run.runId, controller);
  const timer = setTimeout(
    () => controller.abort(new TimeoutAbort(`no result within ${timeoutMs / 1000} s`)),
    timeoutMs,
  );
  const heartbeat = setInterval(() => {
    renewLease(deps, run).catch(() => controller.abort(new Error('lease lost')));
  }, LEASE_MS / 3);
  try {
    if (dag || !target || !executor) return await executeDagAttempt(deps, job, run, controller.signal);
    return await executor.execute(target, {
      jobId: job.jobId,
      runId: run.runId,
      attempt: run.attempt,
      payload: run.payload !== undefined ? run.payload : job.definition.payload,
      timeoutMs,
      signal: controller.signal,
    });
  } catch (error) {
    const e = error as Error;
    return {
      status: 'failed',
      error: { type: 'ExecutorError', message: e.message, retryable: true },
      log: `Kairos: the executor failed: ${e.stack ?? e.message}\n`,
    };
  } finally {
    clearTimeout(timer);
    clearInterval(heartbeat);
    deps.control.unregister(run.runId, controller);
  }
}

async function renewLease(deps: EngineDeps, run: RunRecord): Promise<void> {
  await deps.runs.transition({
    runId: run.runId,
    from: ['RUNNING'],
    to: 'RUNNING',
    expectedAttempt: run.attempt,
    set: { leaseUntil: deps.clock.now().getTime() + LEASE_MS },
  });
}
