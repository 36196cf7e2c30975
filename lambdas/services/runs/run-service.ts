import { IllegalStateError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { RunRecord } from '../../core/run.js';
import { manualRunId } from '../../core/run-id.js';
import type { RunStatus } from '../../core/run-states.js';
import type { Artifacts, Clock, JobStore, Page, RunStore, Timers } from '../../ports.js';
import type { EngineDeps } from '../dispatch/deps.js';
import { laneOf } from '../dispatch/fire.js';
import { buildRun } from '../dispatch/run-factory.js';
import { planSlaChecks } from '../dispatch/sla.js';
import { cancelRun } from '../dispatch/start.js';

export interface RunServiceDeps {
  readonly jobs: JobStore;
  readonly runs: RunStore;
  readonly timers: Timers;
  readonly artifacts: Artifacts;
  readonly clock: Clock;
  /** The engine, for cancellation (stops running attempts). */
  readonly engine: EngineDeps;
  readonly runRetentionDays?: number;
}

/** Statuses a run can be cancelled from. */
export const CANCELLABLE: readonly RunStatus[] = ['SCHEDULED', 'QUEUED', 'RETRYING', 'RUNNING'];

/** Use cases of runs: manual trigger, history, one run, its logs, cancel and retry. */
export function createRunService(deps: RunServiceDeps) {
  const { jobs, runs, timers, artifacts, clock } = deps;

  async function mustGet(runId: string): Promise<RunRecord> {
    const run = await runs.get(runId);
    if (!run) throw new NotFoundError(`No run with id '${runId}'.`);
    return run;
  }

  return {
    get: mustGet,

    /** A manual run now, with an optional payload override: 202, it starts through the dispatch queue. */
    async trigger(jobId: string, body: unknown): Promise<RunRecord> {
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
        throw ValidationError.at('$', 'the body must be a JSON object, e.g. { "payload": { … } }');
      }
      const extra = Object.keys(body ?? {}).filter((k) => k !== 'payload');
      if (extra.length > 0)
        throw new ValidationError(extra.map((k) => ({ path: `$.${k}`, message: 'unknown field' })));
      const job = await jobs.get(jobId);
      if (!job) throw new NotFoundError(`No job with id '${jobId}'.`);
      if (job.status === 'DELETED') throw new IllegalStateError(`Job '${jobId}' is deleted.`);
      const now = clock.now();
      const payload = (body as { payload?: unknown } | undefined)?.payload;
      const run = buildRun(
        job,
        {
          runId: manualRunId(),
          scheduledFor: now.toISOString(),
          trigger: 'manual',
          status: 'QUEUED',
          payload,
        },
        now,
        deps.runRetentionDays ?? 30,
      );
      await runs.create(run);
      await planSlaChecks(deps.engine, job, run);
      await timers.fireAt(now, { kind: 'start', runId: run.runId, attempt: 1 }, laneOf(job));
      return run;
    },

    async listByJob(
      jobId: string,
      query: { statuses?: RunStatus[]; limit: number; cursor?: string },
    ): Promise<Page<RunRecord>> {
      if (!(await jobs.get(jobId))) throw new NotFoundError(`No job with id '${jobId}'.`);
      return runs.listByJob({ jobId, ...query });
    },

    /** The log of an attempt (the latest by default). */
    async logs(runId: string, attempt?: number): Promise<string> {
      const run = await mustGet(runId);
      const which = attempt ?? run.attempt;
      if (which < 1 || which > run.attempt) {
        if (attempt !== undefined)
          throw ValidationError.at('query.attempt', `the run has attempts 1 to ${run.attempt}`);
        throw new NotFoundError(`Run '${runId}' has not started an attempt yet.`);
      }
      const record = run.attempts.find((a) => a.attempt === which);
      const text = record?.log ?? (await artifacts.getLog({ jobId: run.jobId, runId, attempt: which }));
      if (text === undefined) throw new NotFoundError(`Attempt ${which} of run '${runId}' has no log (yet).`);
      return text;
    },

    /**
     * A DAG task's log over its attempts, in the run's attempt `attempt` (the latest by default): what Kairos ran
     * for it (local targets, http tasks). A task whose target logs elsewhere (a Lambda's or a container's own log
     * group) gets its recorded state and where to look instead of a 404.
     */
    async taskLogs(runId: string, taskId: string, attempt?: number): Promise<string> {
      const run = await mustGet(runId);
      const task = run.tasks?.[taskId];
      if (!run.tasks) throw ValidationError.at('query.task', `run '${runId}' is not a DAG run`);
      if (!task) throw new NotFoundError(`Run '${runId}' has no task '${taskId}'.`);
      const which = attempt ?? run.attempt;
      if (which < 1 || which > run.attempt)
        throw ValidationError.at('query.attempt', `the run has attempts 1 to ${run.attempt}`);
      const text = await artifacts.getTaskLog({ runId, attempt: which, taskId });
      if (text !== undefined) return text;
      const fields = [
        `status ${task.status}`,
        `attempts ${task.attempt}`,
        ...(task.startedAt ? [`started ${task.startedAt}`] : []),
        ...(task.endedAt ? [`ended ${task.endedAt}`] : []),
        ...(task.error ? [`error ${task.error.type}: ${task.error.message}`] : []),
      ];
      return (
        `Task '${taskId}' of run ${runId} attempt ${which}: ${fields.join(', ')}.\n` +
        'Kairos kept no log of its own for this task: a lambda, fargate or stepfunctions target logs to its own ' +
        'CloudWatch log group or execution history.\n'
      );
    },

    async cancel(runId: string, principal: string): Promise<RunRecord> {
      const run = await mustGet(runId);
      if (run.status === 'CANCELLED') return run;
      if (!CANCELLABLE.includes(run.status)) {
        throw new IllegalStateError(
          `Run '${runId}' is ${run.status}; only ${CANCELLABLE.join(', ')} runs can be cancelled.`,
        );
      }
      return cancelRun(deps.engine, runId, `cancelled by ${principal}`);
    },

    /** One more attempt for a FAILED or TIMED_OUT run. */
    async retry(runId: string): Promise<RunRecord> {
      const run = await mustGet(runId);
      const retried = await runs
        .transition({
          runId,
          from: ['FAILED', 'TIMED_OUT'],
          to: 'QUEUED',
          expectedAttempt: run.attempt,
          set: {
            maxAttempts: run.attempt + 1,
            queuedAt: clock.now().toISOString(),
            endedAt: undefined,
            reason: undefined,
            // A manual retry is the operator's own run of the slot, outside the backfill that ran it before
            // (whose concurrency slot it gave back when it failed, and which may be cancelled by now).
            backfillId: undefined,
          },
        })
        .catch((error: unknown) => {
          if (error instanceof IllegalStateError) {
            throw new IllegalStateError(
              `Run '${runId}' is ${run.status}; only FAILED or TIMED_OUT runs can be retried.`,
              { cause: error },
            );
          }
          throw error;
        });
      await timers.fireAt(
        clock.now(),
        { kind: 'start', runId, attempt: run.attempt + 1 },
        run.lane ?? 'normal',
      );
      return retried;
    },

    /** Cancels every unfinished run of a job (DELETE ?cancelRunning=true). */
    async cancelActive(jobId: string, principal: string): Promise<number> {
      let cancelled = 0;
      let cursor: string | undefined;
      do {
        const page = await runs.listByJob({ jobId, statuses: [...CANCELLABLE], limit: 100, cursor });
        for (const run of page.items) {
          await cancelRun(deps.engine, run.runId, `job deleted by ${principal}`).then(
            () => cancelled++,
            (error: unknown) => {
              if (!(error instanceof IllegalStateError)) throw error;
            },
          );
        }
        cursor = page.nextCursor;
      } while (cursor);
      return cancelled;
    },
  };
}

export type RunService = ReturnType<typeof createRunService>;
