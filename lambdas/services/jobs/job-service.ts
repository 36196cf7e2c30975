import {
  ConflictError,
  type FieldProblem,
  IllegalStateError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from '../../core/errors.js';
import { idempotentJobId, jsonDigest, newJobId } from '../../core/ids.js';
import type { JobRecord, JobStatus } from '../../core/job.js';
import type { JobDefinition } from '../../core/job-schema.js';
import type { RunRecord } from '../../core/run.js';
import { nextFireTimes } from '../../core/schedule/index.js';
import { type RuntimeKind, validateJobDefinition } from '../../core/validate-job.js';
import type { Clock, JobStore, Page, RunStore, TargetGuard } from '../../ports.js';
import { batchCreate } from './batch.js';
import { type JobView, toJobView } from './job-view.js';
import { applyJobPatch, patchChangesSchedule } from './patch.js';

/** What happens around a job's life in the execution engine; absent, jobs are only stored. */
export interface JobLifecycle {
  /** Plans the next slot of the job's schedule after `now` (`stableAt` names the slot of an `immediate` job). */
  planFirstSlot(job: JobRecord, now: Date, stableAt: string): Promise<void>;
  /** Cancels the job's unfinished runs; returns how many. */
  cancelActiveRuns(jobId: string, principal: string): Promise<number>;
  /** Brings the job's EventBridge schedule in line after a change (failures are repaired later, not thrown). */
  syncSchedule(job: JobRecord): Promise<unknown>;
  /** Deletes a deleted DAG job's state machine unless a run still executes on it (its end does it then). */
  retireWorkflow?(job: JobRecord): Promise<unknown>;
}

export interface JobServiceDeps {
  readonly jobs: JobStore;
  readonly runs: RunStore;
  readonly clock: Clock;
  readonly runtime: RuntimeKind;
  readonly lifecycle?: JobLifecycle;
  /** Async checks of targets before saving (the SSRF guard). */
  readonly targetGuard?: TargetGuard;
}

export interface CreateOptions {
  readonly principal: string;
  readonly idempotencyKey?: string;
}

export interface CreateResult {
  readonly job: JobView;
  /** True when an `Idempotency-Key` matched an earlier create and its job is returned instead. */
  readonly replayed: boolean;
}

/** A job after a call that may change it, and its version before the call (the same when it changed nothing). */
export interface JobChange {
  readonly job: JobView;
  readonly previousVersion: number;
}

export interface ListOptions {
  readonly statuses: readonly JobStatus[];
  readonly tag?: { key: string; value: string };
  readonly limit: number;
  readonly cursor?: string;
}

/** Attempts of an update without `If-Match` before giving up on a busy item. */
const UNCONDITIONAL_UPDATE_ATTEMPTS = 5;

/** Use cases of jobs: create, read, list, update, pause/resume, delete, status and preview. */
export function createJobService(deps: JobServiceDeps) {
  const { jobs, runs, clock, runtime, lifecycle } = deps;
  const view = (job: JobRecord) => toJobView(job, clock.now());

  async function mustGet(jobId: string): Promise<JobRecord> {
    const job = await jobs.get(jobId);
    if (!job) throw new NotFoundError(`No job with id '${jobId}'.`);
    return job;
  }

  async function create(body: unknown, options: CreateOptions): Promise<CreateResult> {
    const now = clock.now();
    const definition = validateJobDefinition(body, { runtime, now });
    await checkTargets(definition);
    const requestHash = jsonDigest(body);
    const key = options.idempotencyKey;
    const jobId = key ? idempotentJobId(options.principal, key) : newJobId();
    if (key) {
      const earlier = await jobs.get(jobId);
      if (earlier) return replay(earlier, requestHash);
    }
    const at = now.toISOString();
    const job: JobRecord = {
      jobId,
      definition,
      status: 'ACTIVE',
      version: 1,
      createdAt: at,
      updatedAt: at,
      owner: options.principal,
      requestHash,
    };
    try {
      await jobs.create(job);
    } catch (error) {
      // Two requests with one key raced; the loser answers with the winner's job.
      if (key && error instanceof ConflictError) return replay(await mustGet(jobId), requestHash);
      throw error;
    }
    await lifecycle?.syncSchedule(job);
    await lifecycle?.planFirstSlot(job, now, job.createdAt);
    return { job: view(job), replayed: false };
  }

  async function checkTargets(definition: JobDefinition): Promise<void> {
    if (!deps.targetGuard) return;
    const guard = deps.targetGuard;
    const checks: Promise<FieldProblem[]>[] = (definition.tasks ?? []).map((task, i) =>
      guard.check(task.target, `$.tasks[${i}].target`),
    );
    if (definition.target) checks.push(guard.check(definition.target, '$.target'));
    const problems = (await Promise.all(checks)).flat();
    if (problems.length > 0) throw new ValidationError(problems, 'A target is not allowed.');
  }

  async function replay(earlier: JobRecord, requestHash: string): Promise<CreateResult> {
    if (earlier.requestHash !== requestHash) {
      throw new ConflictError('This Idempotency-Key was already used with a different request body.');
    }
    // The first request may have saved the job and died before planning it; planning names the same slot again.
    await lifecycle?.syncSchedule(earlier);
    if (earlier.status === 'ACTIVE') await lifecycle?.planFirstSlot(earlier, clock.now(), earlier.createdAt);
    return { job: view(earlier), replayed: true };
  }

  async function update(jobId: string, patch: unknown, ifMatch: number | undefined): Promise<JobChange> {
    for (let attempt = 1; ; attempt++) {
      const current = await mustGet(jobId);
      if (current.status === 'DELETED')
        throw new IllegalStateError(`Job '${jobId}' is deleted and cannot be changed.`);
      const expected = ifMatch ?? current.version;
      if (expected !== current.version) throw new VersionConflictError(expected, current.version);
      const merged = applyJobPatch(current.definition, patch);
      const scheduleChanged = patchChangesSchedule(current.definition, merged);
      const definition = validateJobDefinition(merged, {
        runtime,
        now: scheduleChanged ? clock.now() : undefined,
      });
      await checkTargets(definition);
      try {
        const next = { ...current, definition, updatedAt: clock.now().toISOString() };
        const saved = await jobs.update(next, expected);
        await lifecycle?.syncSchedule(saved);
        // Timers of the old schedule die on their own: a slot not in the current schedule is dropped.
        if (scheduleChanged && saved.status === 'ACTIVE') {
          await lifecycle?.planFirstSlot(saved, clock.now(), saved.updatedAt);
        }
        return { job: view(saved), previousVersion: expected };
      } catch (error) {
        const retry = ifMatch === undefined && error instanceof VersionConflictError;
        if (!retry || attempt >= UNCONDITIONAL_UPDATE_ATTEMPTS) throw error;
      }
    }
  }

  /** Moves a job to `to`; asking for the status it already has is a no-op, not an error. */
  async function changeStatus(jobId: string, from: readonly JobStatus[], to: JobStatus): Promise<JobChange> {
    try {
      const changed = await jobs.setStatus(jobId, from, to, clock.now().toISOString());
      await lifecycle?.syncSchedule(changed);
      // `setStatus` adds one to the version in the same write that checks the status.
      return { job: view(changed), previousVersion: changed.version - 1 };
    } catch (error) {
      if (!(error instanceof IllegalStateError)) throw error;
      const current = await mustGet(jobId);
      if (current.status === to) return { job: view(current), previousVersion: current.version };
      throw new IllegalStateError(`Job '${jobId}' is ${current.status}; it cannot become ${to}.`, {
        cause: error,
      });
    }
  }

  async function preview(jobId: string, count: number, from?: Date): Promise<{ times: string[] }> {
    const job = await mustGet(jobId);
    const times = nextFireTimes(job.definition.schedule, {
      after: from ?? clock.now(),
      count,
      anchor: new Date(job.createdAt),
    });
    return { times: times.map((t) => t.toISOString()) };
  }

  return {
    create,
    update,
    batchCreate: (bodies: unknown, options: CreateOptions) => batchCreate(create, bodies, options),
    preview,
    get: async (jobId: string): Promise<JobView> => view(await mustGet(jobId)),
    list: async (options: ListOptions): Promise<Page<JobView>> => {
      const page = await jobs.list(options);
      return { items: page.items.map(view), nextCursor: page.nextCursor };
    },
    pause: (jobId: string) => changeStatus(jobId, ['ACTIVE'], 'PAUSED'),
    resume: async (jobId: string) => {
      const resumed = await changeStatus(jobId, ['PAUSED'], 'ACTIVE');
      // A second timer chain may result; the two merge at their first common slot (see dispatch/fire.ts).
      const job = await mustGet(jobId);
      if (job.status === 'ACTIVE') await lifecycle?.planFirstSlot(job, clock.now(), job.createdAt);
      return resumed;
    },
    remove: async (jobId: string, options: { cancelRunning: boolean; principal: string }) => {
      const removed = await changeStatus(jobId, ['ACTIVE', 'PAUSED'], 'DELETED');
      if (options.cancelRunning) await lifecycle?.cancelActiveRuns(jobId, options.principal);
      await lifecycle?.retireWorkflow?.(await mustGet(jobId));
      return removed;
    },
    status: async (jobId: string): Promise<{ jobId: string; latestRun: RunRecord | null }> => {
      await mustGet(jobId);
      return { jobId, latestRun: (await runs.latestForJob(jobId)) ?? null };
    },
  };
}

export type JobService = ReturnType<typeof createJobService>;
