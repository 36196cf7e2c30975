/**
 * In-memory stand-in of the EventBridge Scheduler cron registry: it keeps, per job, the same schedule the AWS
 * adapter would put (name, expression, timezone, start/end, state, lane, message), decided by the same
 * `cronScheduleSpecOf`, so the job service behaves alike locally and on AWS. It does not fire anything.
 */
import { type CronRegistry, type CronScheduleSpec, cronScheduleSpecOf } from '../aws/cron-registry.js';

export type LocalCronSchedule = CronScheduleSpec;

export interface LocalCronRegistry extends CronRegistry {
  /** The schedules currently registered, ordered by job id. */
  list(): LocalCronSchedule[];
  /** The schedule of one job, if it has one. */
  get(jobId: string): LocalCronSchedule | undefined;
}

export function createLocalCronRegistry(): LocalCronRegistry {
  const schedules = new Map<string, LocalCronSchedule>();
  return {
    async put(job) {
      const spec = cronScheduleSpecOf(job);
      if (spec === undefined) schedules.delete(job.jobId);
      else schedules.set(job.jobId, spec);
    },
    async remove(jobId) {
      schedules.delete(jobId);
    },
    list() {
      return [...schedules.values()].sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0));
    },
    get(jobId) {
      return schedules.get(jobId);
    },
  };
}
