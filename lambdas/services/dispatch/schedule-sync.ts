import type { JobRecord } from '../../core/job.js';
import type { CronRegistry, JobStore } from '../../ports.js';

export interface ScheduleSyncDeps {
  readonly jobs: JobStore;
  readonly cron?: CronRegistry;
  readonly log?: (entry: Record<string, unknown>) => void;
}

/** Whether the job has, or may still have from an earlier version, an EventBridge schedule. */
function mayHaveSchedule(job: JobRecord): boolean {
  const { type } = job.definition.schedule;
  return type === 'cron' || type === 'rate' || job.scheduleSyncedVersion !== undefined;
}

/**
 * Brings the job's EventBridge schedule in line with the job (create/update, DISABLED when paused, delete when
 * deleted or no longer recurring), then records the version it matches. The job is always saved first; if this
 * fails half-way the job stays marked as not in sync, and the next slot of its timer chain (which fires whether
 * or not the schedule exists) calls this again: the schedule repairs the chain, the chain repairs the schedule.
 * Returns whether the schedule is in line.
 */
export async function syncSchedule(deps: ScheduleSyncDeps, job: JobRecord): Promise<boolean> {
  if (!deps.cron || job.scheduleSyncedVersion === job.version || !mayHaveSchedule(job)) return true;
  try {
    if (job.status === 'DELETED') await deps.cron.remove(job.jobId);
    else await deps.cron.put(job);
    await deps.jobs.markScheduleSynced(job.jobId, job.version);
    return true;
  } catch (error) {
    deps.log?.({
      level: 'WARN',
      message: 'schedule sync failed; the next slot retries it',
      jobId: job.jobId,
      error: String(error),
    });
    return false;
  }
}
