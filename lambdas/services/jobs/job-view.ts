import type { JobRecord, JobStatus } from '../../core/job.js';
import type { JobDefinition } from '../../core/job-schema.js';
import { nextFireTimes } from '../../core/schedule/index.js';

/** A job as the API returns it: the definition plus the fields Kairos owns. */
export type JobView = JobDefinition & {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly nextRunAt: string | null;
};

/** Next time the job's schedule fires after `now`; null when paused, deleted, or the schedule is spent. */
export function nextRunAt(job: JobRecord, now: Date): string | null {
  if (job.status !== 'ACTIVE') return null;
  const [next] = nextFireTimes(job.definition.schedule, {
    after: now,
    count: 1,
    anchor: new Date(job.createdAt),
  });
  return next ? next.toISOString() : null;
}

export function toJobView(job: JobRecord, now: Date): JobView {
  return {
    ...job.definition,
    jobId: job.jobId,
    status: job.status,
    version: job.version,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    nextRunAt: nextRunAt(job, now),
  };
}
