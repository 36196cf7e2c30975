import type { TaskOutputRef } from './dag/task-output.js';
import type { RunStatus } from './run-states.js';

export type RunTrigger = 'schedule' | 'manual' | 'backfill';

export interface AttemptRecord {
  readonly attempt: number;
  readonly status: RunStatus;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly error?: RunError;
  /** Artifact key of the attempt's log (`runs/<jobId>/<runId>/<attempt>/log.txt`). */
  readonly logKey?: string;
  /** Artifact key of the attempt's output (`…/output.json`). */
  readonly outputKey?: string;
  /** Handle of an asynchronous execution (ECS task ARN, Step Functions execution ARN). */
  readonly handle?: string;
  /** A small log kept on the record instead of in the artifacts store. */
  readonly log?: string;
  /** A small output kept on the record instead of in the artifacts store. */
  readonly output?: unknown;
}

export interface RunError {
  readonly type: string;
  readonly message: string;
  readonly retryable?: boolean;
}

/** Live state of one task of a DAG run (API.md: `tasks`), written as the task changes. */
export interface TaskState {
  /** `PENDING | RUNNING | SUCCEEDED | FAILED | TIMED_OUT | CANCELLED | SKIPPED | UPSTREAM_FAILED`. */
  readonly status: string;
  /** Attempts of the task's target started so far (retries included). */
  readonly attempt: number;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly error?: RunError;
  /** A succeeded task's output when small (task-output.ts), the same value its dependents receive. */
  readonly output?: unknown;
  /** Where a larger output was stored instead. */
  readonly outputRef?: TaskOutputRef;
}

/** One execution slot of a job: exactly one record per (job, scheduledFor). */
export interface RunRecord {
  readonly runId: string;
  readonly jobId: string;
  readonly scheduledFor: string;
  readonly trigger: RunTrigger;
  readonly status: RunStatus;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly attempts: readonly AttemptRecord[];
  readonly queuedAt?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly error?: RunError;
  readonly slaMissed: boolean;
  /** Dispatch lane of the run's messages (the job's priority; backfills use `low`). */
  readonly lane?: 'high' | 'normal' | 'low';
  /** Payload override of a manual run; otherwise the job's payload applies. */
  readonly payload?: unknown;
  /** Until when the dispatcher that started the current attempt holds it (epoch ms); renewed while it runs. */
  readonly leaseUntil?: number;
  /** Handle of the current attempt's asynchronous execution, if any. */
  readonly handle?: string;
  /** Why a run was SKIPPED or CANCELLED (e.g. `paused`, `overlap`, `cancelled by <principal>`). */
  readonly reason?: string;
  /** When the next attempt of a RETRYING run is due. */
  readonly retryAt?: string;
  /**
   * The backfill that launched (or reopened) the run: it holds one of that backfill's concurrency slots instead
   * of the job's, and its end wakes the backfill's pump.
   */
  readonly backfillId?: string;
  /** Per-task state of a DAG run, keyed by task id; absent for single-target jobs. */
  readonly tasks?: Readonly<Record<string, TaskState>>;
  /**
   * A DAG run's edges, task id → the ids it depends on, of the job version the run executes: a dashboard draws
   * the run's graph from them, which the job's current definition cannot do once the job has changed.
   */
  readonly graph?: Readonly<Record<string, readonly string[]>>;
  /** The published state machine version a DAG run executes (it finishes on it even if the job changes). */
  readonly workflowVersionArn?: string;
  /** A run of a missed slot made up after downtime (catch-up); such runs start one after another. */
  readonly catchUp?: boolean;
  /** The job version the run was created from. */
  readonly jobVersion?: number;
  /** Epoch seconds after which DynamoDB TTL may delete the record. */
  readonly expiresAt?: number;
}
