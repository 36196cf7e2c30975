import type { Executor } from '../../ports.js';
import { TimeoutAbort } from '../execution-control.js';
import { completeAttempt } from './complete.js';
import type { EngineDeps } from './deps.js';

/**
 * The deadline timer of an attempt. A no-op unless that attempt is still RUNNING: then it is stopped (aborted
 * here, or its async execution stopped by handle) and recorded as TIMED_OUT, retried per policy. An attempt
 * running in this process reports its own Timeout outcome once aborted.
 */
export async function handleTimeout(deps: EngineDeps, runId: string, attempt: number): Promise<void> {
  const run = await deps.runs.get(runId);
  if (run?.status !== 'RUNNING' || run.attempt !== attempt) return;
  if (deps.control.abort(runId, new TimeoutAbort('the attempt passed its deadline'))) return;
  if (run.handle) {
    const job = await deps.jobs.get(run.jobId);
    const type = job?.definition.target?.type;
    const executor = (type ? deps.executors[type] : undefined) as Executor | undefined;
    await executor?.stop?.(run.handle, 'Kairos: timeout');
  }
  await completeAttempt(deps, runId, attempt, {
    status: 'failed',
    error: { type: 'Timeout', message: 'no result by the deadline', retryable: true },
    log: 'Kairos: the attempt did not finish by its deadline and was stopped.\n',
  });
}
