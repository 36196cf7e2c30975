import type { JobRecord } from '../../core/job.js';
import type { EngineDeps } from './deps.js';

/**
 * Stops a run's asynchronous execution by its handle (StopTask / StopExecution): the job's target executor, or
 * the DAG executor for a job of tasks, which has no target of its own.
 */
export async function stopAsync(
  deps: EngineDeps,
  job: JobRecord | undefined,
  handle: string,
  reason: string,
): Promise<void> {
  if (job?.definition.tasks) return deps.dags?.stop?.(handle, reason);
  const type = job?.definition.target?.type;
  const executor = type ? deps.executors[type] : undefined;
  await executor?.stop?.(handle, reason);
}
