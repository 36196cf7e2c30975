import { compileDag, definitionJson } from '../../core/dag/compile.js';
import { DAG_FAILED_ERROR } from '../../core/dag/names.js';
import { dagFailure, openTasksStopped, taskSummary } from '../../core/dag/run-end.js';
import type { JobRecord } from '../../core/job.js';
import type { RunRecord, TaskState } from '../../core/run.js';
import type { ExecutionOutcome } from '../../ports.js';
import type { EngineDeps } from './deps.js';

/**
 * Published version ARN per job version, per process: a job version's definition never changes, so it is
 * compiled and published once here (publishing is idempotent anyway).
 */
const published = new Map<string, string>();

/** The state machine version of the job's current version, compiled and published on first use. */
export async function publishedVersion(deps: EngineDeps, job: JobRecord): Promise<string> {
  const key = `${job.jobId}\u0000${job.version}`;
  const known = published.get(key);
  if (known) return known;
  const { workflows, compileOptions } = deps;
  const tasks = job.definition.tasks;
  if (!workflows || !compileOptions || !tasks) throw new Error(`job ${job.jobId} has no DAG to publish here`);
  const arn = await workflows.publish(
    job.jobId,
    job.version,
    definitionJson(compileDag(tasks, compileOptions)),
  );
  published.set(key, arn);
  return arn;
}

/** The job's DAG edges: task id → the ids it depends on. */
export function graphOf(job: JobRecord): Record<string, string[]> {
  return Object.fromEntries((job.definition.tasks ?? []).map((t) => [t.id, [...(t.dependsOn ?? [])]]));
}

/** Task states of an attempt that has not started any task. */
export function pendingTasks(taskIds: readonly string[]): Record<string, TaskState> {
  return Object.fromEntries(taskIds.map((id) => [id, { status: 'PENDING', attempt: 0 }]));
}

/**
 * An attempt of a DAG run: the run keeps the state machine version it first ran on (a retry, or a job update
 * meanwhile, does not change it), its `tasks` start PENDING, and each task's change is written as it happens.
 */
export async function executeDagAttempt(
  deps: EngineDeps,
  job: JobRecord,
  run: RunRecord,
  signal: AbortSignal,
): Promise<ExecutionOutcome> {
  if (!deps.dags || !deps.workflows || !deps.compileOptions) {
    const message = 'DAG jobs (tasks) cannot run in this runtime yet';
    return {
      status: 'failed',
      error: { type: 'UnsupportedTarget', message, retryable: false },
      log: `Kairos: ${message}.\n`,
    };
  }
  const versionArn = run.workflowVersionArn ?? (await publishedVersion(deps, job));
  // The job's task ids name the PENDING tasks when the run is on the job's current version; a retry of a run on
  // an older version takes those of its earlier attempt (on the same version), and others appear as they change.
  const current = versionArn === (await publishedVersion(deps, job).catch(() => undefined));
  const pending = pendingTasks(
    current ? (job.definition.tasks ?? []).map((t) => t.id) : Object.keys(run.tasks ?? {}),
  );
  await deps.runs.transition({
    runId: run.runId,
    from: ['RUNNING'],
    to: 'RUNNING',
    expectedAttempt: run.attempt,
    set: { workflowVersionArn: versionArn, tasks: pending, ...(current ? { graph: graphOf(job) } : {}) },
  });
  const outcome = await deps.dags.execute({
    jobId: job.jobId,
    runId: run.runId,
    attempt: run.attempt,
    versionArn,
    payload: run.payload !== undefined ? run.payload : job.definition.payload,
    signal,
    onTask: async (taskId, state) => {
      await deps.runs.setTaskState(run.runId, run.attempt, taskId, state);
    },
  });
  // A start that found this attempt's execution already over (Step Functions) answers with its end.
  const dagFailed = outcome.status === 'failed' && outcome.error.type === DAG_FAILED_ERROR;
  return dagFailed ? endedDagOutcome(deps, run.runId, run.attempt, outcome) : outcome;
}

/**
 * Marks CANCELLED, with their end time, the tasks of attempt `attempt` that have not ended, once its execution
 * has stopped (a cancel, a timeout) or ended without them: nothing will end them any more. One conditional write
 * per task, accepted while the attempt is RUNNING or CANCELLED. Returns the run's tasks as they are afterwards,
 * or undefined for a run without tasks or on another attempt.
 */
export async function stopOpenTasks(
  deps: EngineDeps,
  runId: string,
  attempt: number,
): Promise<Readonly<Record<string, TaskState>> | undefined> {
  const run = await deps.runs.get(runId);
  if (run?.tasks === undefined || run.attempt !== attempt) return undefined;
  const stopped = openTasksStopped(run.tasks, deps.clock.now().toISOString());
  await Promise.all(
    Object.entries(stopped).map(([taskId, state]) => deps.runs.setTaskState(runId, attempt, taskId, state)),
  );
  return { ...run.tasks, ...stopped };
}

/**
 * The outcome of a DAG attempt whose Step Functions execution has ended, as the run takes it: tasks still open
 * are CANCELLED (`stopOpenTasks`); the definition's `Kairos.DagFailed` becomes the error its tasks explain —
 * `Timeout` (a TIMED_OUT run) when only timeouts failed it, else `DagFailed`, neither retried as a whole, as on the
 * local runtime; and the log gets one line per task.
 */
export async function endedDagOutcome(
  deps: EngineDeps,
  runId: string,
  attempt: number,
  outcome: ExecutionOutcome,
): Promise<ExecutionOutcome> {
  if (outcome.status === 'started') return outcome;
  const tasks = await stopOpenTasks(deps, runId, attempt);
  if (tasks === undefined) return outcome;
  const log = `${outcome.log}${outcome.log.endsWith('\n') ? '' : '\n'}tasks:\n${taskSummary(tasks)}`;
  if (outcome.status === 'failed' && outcome.error.type === DAG_FAILED_ERROR)
    return { ...outcome, error: dagFailure(tasks), log };
  return { ...outcome, log };
}
