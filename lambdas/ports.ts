/**
 * The ports between services and the outside world. Services depend on these interfaces only; adapters in
 * `adapters/aws` and `adapters/local` implement them. Later issues add timers, executors, cron registry, etc.
 */
import type { JobRecord, JobStatus } from './core/job.js';
import type { RunRecord } from './core/run.js';
import type { RunStatus } from './core/run-states.js';

/** The only source of "now" outside tests; core never reads the clock itself. */
export interface Clock {
  now(): Date;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque, tamper-checked; absent on the last page. */
  readonly nextCursor?: string;
}

export interface JobListQuery {
  /** Statuses to include. */
  readonly statuses: readonly JobStatus[];
  /** Only jobs whose tag `key` equals `value`. */
  readonly tag?: { readonly key: string; readonly value: string };
  readonly limit: number;
  readonly cursor?: string;
}

export interface JobStore {
  /** Create-if-absent. Throws `AlreadyExistsError` when `jobId` exists. */
  create(job: JobRecord): Promise<void>;
  get(jobId: string): Promise<JobRecord | undefined>;
  /**
   * Replace the job if its stored version is `expectedVersion`; the stored version becomes
   * `expectedVersion + 1`. Throws `VersionConflictError` on mismatch, `NotFoundError` if absent.
   */
  update(job: JobRecord, expectedVersion: number): Promise<JobRecord>;
  /**
   * Change the status if the current one is in `from`, bumping the version. Throws `IllegalStateError`
   * (with the current status in the message) or `NotFoundError`.
   */
  setStatus(jobId: string, from: readonly JobStatus[], to: JobStatus, at: string): Promise<JobRecord>;
  /** Newest first. Throws `ValidationError` (path `query.cursor`) for a forged or foreign cursor. */
  list(query: JobListQuery): Promise<Page<JobRecord>>;
}

export interface RunListQuery {
  readonly jobId: string;
  readonly statuses?: readonly RunStatus[];
  readonly limit: number;
  readonly cursor?: string;
}

export interface RunTransition {
  readonly runId: string;
  /** The change is applied only while the run is in one of these statuses. */
  readonly from: readonly RunStatus[];
  readonly to: RunStatus;
  /** When given, the change also requires this attempt number (guards against stale deliveries). */
  readonly expectedAttempt?: number;
  /** Other top-level attributes to set in the same write. */
  readonly set?: Partial<Omit<RunRecord, 'runId' | 'jobId' | 'status'>>;
}

export interface RunStore {
  /** Create-if-absent: the run id is derived from the slot, so a second create is `AlreadyExistsError`. */
  create(run: RunRecord): Promise<void>;
  get(runId: string): Promise<RunRecord | undefined>;
  /** One conditional write. Throws `IllegalStateError` when the status/attempt guard fails. */
  transition(change: RunTransition): Promise<RunRecord>;
  /** Newest `scheduledFor` first. */
  listByJob(query: RunListQuery): Promise<Page<RunRecord>>;
  latestForJob(jobId: string): Promise<RunRecord | undefined>;
}
