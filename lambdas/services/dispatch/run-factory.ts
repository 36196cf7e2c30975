import type { JobRecord } from '../../core/job.js';
import { resolveRetryPolicy } from '../../core/retry.js';
import type { RunRecord, RunTrigger } from '../../core/run.js';
import type { RunStatus } from '../../core/run-states.js';

export interface NewRun {
  readonly runId: string;
  readonly scheduledFor: string;
  readonly trigger: RunTrigger;
  readonly status: RunStatus;
  readonly payload?: unknown;
  readonly reason?: string;
  readonly catchUp?: boolean;
}

/** A fresh run record of `job`; attempt 0 means no attempt has started yet. */
export function buildRun(job: JobRecord, spec: NewRun, now: Date, retentionDays: number): RunRecord {
  const definition = job.definition;
  const expiresFrom = Math.max(now.getTime(), Date.parse(spec.scheduledFor));
  return {
    runId: spec.runId,
    jobId: job.jobId,
    scheduledFor: new Date(spec.scheduledFor).toISOString(),
    trigger: spec.trigger,
    status: spec.status,
    attempt: 0,
    maxAttempts: resolveRetryPolicy(definition.retry).maxAttempts,
    attempts: [],
    ...(spec.status === 'QUEUED' ? { queuedAt: now.toISOString() } : {}),
    ...(spec.status === 'SKIPPED' ? { endedAt: now.toISOString() } : {}),
    slaMissed: false,
    lane: spec.trigger === 'backfill' ? 'low' : (definition.priority ?? 'normal'),
    ...(spec.payload === undefined ? {} : { payload: spec.payload }),
    ...(spec.reason === undefined ? {} : { reason: spec.reason }),
    ...(spec.catchUp ? { catchUp: true } : {}),
    jobVersion: job.version,
    expiresAt: Math.floor(expiresFrom / 1000) + retentionDays * 86_400,
  };
}

/** A fresh run created already holding attempt 1 (RUNNING), when nothing has to be claimed before it. */
export function claimedRun(run: RunRecord, now: Date, leaseMs: number): RunRecord {
  const at = now.toISOString();
  return {
    ...run,
    status: 'RUNNING',
    attempt: 1,
    startedAt: at,
    leaseUntil: now.getTime() + leaseMs,
    attempts: [{ attempt: 1, status: 'RUNNING', startedAt: at }],
  };
}
