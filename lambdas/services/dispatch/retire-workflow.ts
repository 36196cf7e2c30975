import type { JobRecord } from '../../core/job.js';
import type { EngineDeps } from './deps.js';

/** Run statuses whose execution may still use the job's state machine (a SCHEDULED run of a deleted job never starts). */
const OPEN = ['QUEUED', 'RUNNING', 'RETRYING'] as const;

/**
 * Deletes a deleted DAG job's state machine (and with it its versions) once none of its runs can still execute on
 * it: Step Functions terminates the executions of a deleted state machine, so a run still in flight keeps it until
 * it ends. Called when the job is deleted and when one of its DAG runs ends; both are idempotent, and whichever
 * sees no open run last deletes it.
 */
export async function retireWorkflow(deps: EngineDeps, job: JobRecord | undefined): Promise<boolean> {
  if (job?.status !== 'DELETED' || !job.definition.tasks || !deps.workflows) return false;
  const open = await deps.runs.listByJob({ jobId: job.jobId, statuses: [...OPEN], limit: 1 });
  if (open.items.length > 0) return false;
  await deps.workflows.remove(job.jobId);
  return true;
}
