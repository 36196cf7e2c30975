/**
 * The parts of the API's answers (shared/API.md) the human output reads. JSON output never goes through these:
 * it prints what the API sent, fields unknown to the CLI included.
 */
import type { Schedule } from '../../lambdas/core/schedule/types.js';
import type { ErrorLike } from './format.js';

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export interface Job {
  readonly jobId: string;
  readonly name: string;
  readonly schedule: Schedule;
  readonly status: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly nextRunAt: string | null;
  readonly tags?: Record<string, string>;
  readonly tasks?: unknown[];
  readonly [field: string]: unknown;
}

/** Fields the API adds to a job definition; the rest is what was created (and patched). */
export const JOB_META_FIELDS = ['jobId', 'status', 'version', 'createdAt', 'updatedAt', 'nextRunAt'];

export interface Attempt {
  readonly attempt: number;
  readonly status: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly error?: ErrorLike;
}

export interface TaskState {
  readonly status: string;
  readonly attempt: number;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly error?: ErrorLike;
  readonly output?: unknown;
  readonly outputRef?: { uri?: string; key?: string; bytes?: number };
}

export interface Run {
  readonly runId: string;
  readonly jobId: string;
  readonly scheduledFor: string;
  readonly trigger: string;
  readonly status: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly attempts: Attempt[];
  readonly queuedAt?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly error?: ErrorLike;
  readonly slaMissed?: boolean;
  readonly reason?: string;
  readonly retryAt?: string;
  readonly backfillId?: string;
  readonly tasks?: Record<string, TaskState>;
}

export interface BackfillCreated {
  readonly backfillId: string | null;
  readonly runs: number;
  readonly slots: number;
  readonly skipped: number;
  readonly times?: string[];
}

export interface BackfillView {
  readonly backfillId: string;
  readonly jobId: string;
  readonly from: string;
  readonly to: string;
  readonly status: 'RUNNING' | 'COMPLETED' | 'CANCELLED';
  readonly runs: number;
  readonly launched: number;
  readonly active: number;
}
