import type { RunStatus } from './run-states.js';

export type RunTrigger = 'schedule' | 'manual' | 'backfill';

export interface AttemptRecord {
  readonly attempt: number;
  readonly status: RunStatus;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly error?: RunError;
}

export interface RunError {
  readonly type: string;
  readonly message: string;
  readonly retryable?: boolean;
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
  /** Epoch seconds after which DynamoDB TTL may delete the record. */
  readonly expiresAt?: number;
}
