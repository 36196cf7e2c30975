/**
 * Mapping between the domain records and their DynamoDB items. Items carry a few index helper attributes
 * (`listKey`, `createdKey`, `scheduledKey`) that exist only for the GSIs and are stripped when reading.
 */
import type { JobRecord } from '../core/job.js';
import type { RunRecord } from '../core/run.js';
import type { CursorKey } from './cursor.js';
import { JOBS_LIST_PARTITION } from './tables.js';

/** A Jobs table item: the record plus the `byCreated` index keys. */
export type JobItem = JobRecord & { readonly listKey: string; readonly createdKey: string };

/** A Runs table item: the record plus the `byJob` index sort key. */
export type RunItem = RunRecord & { readonly scheduledKey: string };

/** Attributes of a `byCreated` start key (table key + index keys): what a jobs cursor carries. */
export const JOB_CURSOR_KEYS = ['jobId', 'listKey', 'createdKey'] as const;

/** Attributes of a `byJob` start key (table key + index keys): what a runs cursor carries. */
export const RUN_CURSOR_KEYS = ['runId', 'jobId', 'scheduledKey'] as const;

/** `byCreated` sort key: ISO timestamps sort lexicographically, the id breaks ties. */
export function createdKeyOf(job: Pick<JobRecord, 'jobId' | 'createdAt'>): string {
  return `${job.createdAt}#${job.jobId}`;
}

/** `byJob` sort key: newest `scheduledFor` last in ascending order, the id breaks ties. */
export function scheduledKeyOf(run: Pick<RunRecord, 'runId' | 'scheduledFor'>): string {
  return `${run.scheduledFor}#${run.runId}`;
}

/** The item stored for a job. */
export function toJobItem(job: JobRecord): JobItem {
  return { ...job, listKey: JOBS_LIST_PARTITION, createdKey: createdKeyOf(job) };
}

/** The job stored in an item (index helpers removed). */
export function fromJobItem(item: Record<string, unknown>): JobRecord {
  const { listKey: _listKey, createdKey: _createdKey, ...record } = item;
  return record as unknown as JobRecord;
}

/** The item stored for a run. */
export function toRunItem(run: RunRecord): RunItem {
  return { ...run, scheduledKey: scheduledKeyOf(run) };
}

/** The run stored in an item (index helpers removed). */
export function fromRunItem(item: Record<string, unknown>): RunRecord {
  const { scheduledKey: _scheduledKey, ...record } = item;
  // The DAG latch's own attributes (`latch.ended.<task>`, `latch.waiters.<task>`, task tokens) are internal.
  for (const name of Object.keys(record)) if (name.startsWith('latch.')) delete record[name];
  return record as unknown as RunRecord;
}

/** The `byCreated` start key of a job: resuming after it continues right after this job. */
export function jobCursorKey(job: JobRecord): CursorKey {
  return { jobId: job.jobId, listKey: JOBS_LIST_PARTITION, createdKey: createdKeyOf(job) };
}

/** The `byJob` start key of a run: resuming after it continues right after this run. */
export function runCursorKey(run: RunRecord): CursorKey {
  return { runId: run.runId, jobId: run.jobId, scheduledKey: scheduledKeyOf(run) };
}
