import type { JobDefinition } from './job-schema.js';

export type JobStatus = 'ACTIVE' | 'PAUSED' | 'DELETED';

/** A stored job: the user's definition plus the fields Kairos owns. */
export interface JobRecord {
  readonly jobId: string;
  readonly definition: JobDefinition;
  readonly status: JobStatus;
  /** Optimistic-locking counter, 1 on create, +1 on every change. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Principal that created the job. */
  readonly owner?: string;
  /** SHA-256 of the create request, kept to tell an idempotent replay from a key reused with another body. */
  readonly requestHash?: string;
  /** The version the job's EventBridge schedule was last brought in line with (absent: never). */
  readonly scheduleSyncedVersion?: number;
}
