import { type DispatchMessage, type Lane, MAX_QUEUE_DELAY_SECONDS } from '../../core/messages.js';
import { TimeoutAbort } from '../execution-control.js';
import { completeAttempt } from './complete.js';
import type { EngineDeps } from './deps.js';
import { stopOpenTasks } from './execute-dag.js';
import { stopAsync } from './stop-async.js';

/**
 * The deadline check of an attempt. If that attempt is still RUNNING at its deadline, it is stopped (aborted
 * here, or its async execution stopped by handle) and recorded as TIMED_OUT, retried per policy; an attempt
 * running in this process reports its own Timeout outcome once aborted. If it is RETRYING, the retry is planned
 * again. Otherwise it does nothing.
 */
export async function handleTimeout(deps: EngineDeps, message: TimeoutMessage): Promise<void> {
  const { runId, attempt } = message;
  const run = await deps.runs.get(runId);
  if (run?.status === 'RETRYING' && run.attempt === attempt) {
    // The attempt ended and its retry was planned right after that write; a crash in between would lose the
    // retry, so plan it again (a second start of the same attempt is a no-op).
    const now = deps.clock.now().getTime();
    const at = run.retryAt ? Math.max(Date.parse(run.retryAt), now) : now;
    return deps.timers.fireAt(
      new Date(at),
      { kind: 'start', runId, attempt: attempt + 1 },
      run.lane ?? 'normal',
    );
  }
  if (run?.status !== 'RUNNING' || run.attempt !== attempt) return;
  if (message.deadline && Date.parse(message.deadline) > deps.clock.now().getTime()) {
    return armDeadlineCheck(deps, message, run.lane ?? 'normal');
  }
  if (deps.control.abort(runId, new TimeoutAbort('the attempt passed its deadline'))) return;
  if (run.handle) {
    await stopAsync(deps, await deps.jobs.get(run.jobId), run.handle, 'Kairos: timeout');
    // A DAG run's stopped execution ends none of its open tasks: they are CANCELLED, as on the local runtime.
    if (run.tasks !== undefined) await stopOpenTasks(deps, runId, attempt);
  }
  await completeAttempt(deps, runId, attempt, {
    status: 'failed',
    error: { type: 'Timeout', message: 'no result by the deadline', retryable: true },
    log: 'Kairos: the attempt did not finish by its deadline and was stopped.\n',
  });
}

type TimeoutMessage = Extract<DispatchMessage, { kind: 'timeout' }>;

/**
 * Plans the next check of an attempt's deadline: at the deadline, or within SQS's longest delay when the deadline
 * is further out (the check then re-arms itself). Most attempts end long before; a check that finds the attempt
 * over is one read, where a timer in the Schedule table would have cost two writes.
 */
export async function armDeadlineCheck(deps: EngineDeps, message: TimeoutMessage, lane: Lane): Promise<void> {
  const now = deps.clock.now().getTime();
  const deadline = message.deadline ? Date.parse(message.deadline) : now;
  await deps.timers.fireAt(new Date(Math.min(deadline, now + MAX_QUEUE_DELAY_SECONDS * 1000)), message, lane);
}
