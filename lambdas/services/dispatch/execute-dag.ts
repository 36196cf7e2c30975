import { compileDag, definitionJson } from '../../core/dag/compile.js';
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
  // an older version starts from an empty map and its tasks appear as they change.
  const current = versionArn === (await publishedVersion(deps, job).catch(() => undefined));
  const pending: Record<string, TaskState> = current
    ? Object.fromEntries((job.definition.tasks ?? []).map((t) => [t.id, { status: 'PENDING', attempt: 0 }]))
    : {};
  await deps.runs.transition({
    runId: run.runId,
    from: ['RUNNING'],
    to: 'RUNNING',
    expectedAttempt: run.attempt,
    set: { workflowVersionArn: versionArn, tasks: pending },
  });
  return deps.dags.execute({
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
}
