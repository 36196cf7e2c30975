/**
 * The shapes of API answers the dashboard reads (API.md; more fields may come, none are renamed). Declared here
 * rather than imported from the server's records: the dashboard is a client of the HTTP contract, not of the
 * storage model.
 */
import type { Schedule } from '../../lambdas/core/schedule/types.js';

export type Role = 'viewer' | 'operator' | 'admin';
export type JobStatus = 'ACTIVE' | 'PAUSED' | 'DELETED';

export interface Target {
  readonly type: string;
  readonly url?: string;
  readonly method?: string;
  readonly functionArn?: string;
  readonly taskDefinitionArn?: string;
  readonly stateMachineArn?: string;
  readonly command?: readonly string[];
}

export interface TaskSpec {
  readonly id: string;
  readonly target: Target;
  readonly dependsOn?: readonly string[];
  readonly triggerRule?: string;
  readonly timeoutSeconds?: number;
}

export interface Job {
  readonly jobId: string;
  readonly name: string;
  readonly description?: string;
  readonly schedule: Schedule;
  readonly target?: Target;
  readonly tasks?: readonly TaskSpec[];
  readonly retry?: { readonly maxAttempts?: number };
  readonly timeoutSeconds?: number;
  readonly sla?: { readonly startWithinSeconds?: number; readonly finishWithinSeconds?: number };
  readonly priority?: string;
  readonly concurrency?: { readonly max?: number; readonly overlap?: string };
  readonly tags?: Readonly<Record<string, string>>;
  readonly status: JobStatus;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly nextRunAt: string | null;
}

export interface RunError {
  readonly type: string;
  readonly message: string;
}

export interface Attempt {
  readonly attempt: number;
  readonly status: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly error?: RunError;
  readonly output?: unknown;
  readonly outputKey?: string;
}

export interface TaskState {
  readonly status: string;
  readonly attempt: number;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly error?: RunError;
  readonly output?: unknown;
  readonly outputRef?: { readonly uri?: string; readonly key?: string; readonly bytes?: number };
}

export interface Run {
  readonly runId: string;
  readonly jobId: string;
  readonly scheduledFor: string;
  readonly trigger: string;
  readonly status: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly attempts: readonly Attempt[];
  readonly queuedAt?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly error?: RunError;
  readonly slaMissed: boolean;
  readonly reason?: string;
  readonly retryAt?: string;
  readonly tasks?: Readonly<Record<string, TaskState>>;
  /** A DAG run's edges (task id → ids it depends on) of the job version the run executes. */
  readonly graph?: Readonly<Record<string, readonly string[]>>;
  readonly jobVersion?: number;
  readonly catchUp?: boolean;
  readonly backfillId?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface SlaMiss {
  readonly runId: string;
  readonly jobId: string;
  readonly kind: 'start' | 'finish';
  readonly deadline: string;
  readonly detectedAt: string;
}

export interface SlaReport {
  readonly misses: readonly SlaMiss[];
  readonly jobs: readonly { readonly jobId: string; readonly runs: number; readonly missed: number }[];
}

export interface Me {
  readonly principal: string;
  readonly role: Role;
}

export interface Overview {
  readonly since: string;
  readonly until: string;
  readonly runsPerMinute: readonly {
    readonly minute: string;
    readonly started: number;
    readonly succeeded: number;
    readonly failed: number;
  }[];
  readonly totals: {
    readonly runs: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly timedOut: number;
    readonly cancelled: number;
    readonly active: number;
  };
  readonly pickupLatencyMs: {
    readonly p50: number | null;
    readonly p99: number | null;
    readonly samples: number;
  };
  readonly failures: readonly {
    readonly runId: string;
    readonly jobId: string;
    readonly status: string;
    readonly error?: RunError;
    readonly endedAt?: string;
  }[];
  /** The window held more runs than the API reads; the figures cover the newest ones. */
  readonly truncated?: boolean;
}
