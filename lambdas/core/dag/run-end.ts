/**
 * How a DAG attempt ends, read from its tasks' states: the error of a run whose tasks did not all succeed, the
 * tasks still open when its execution stopped, and the per-task summary its log shows. Used alike by the local
 * DAG executor and by the AWS completion of a Step Functions execution, so both paths end a run the same way.
 */
import type { RunError, TaskState } from '../run.js';
import { cancelledStatuses, runStatusOf } from './run-status.js';
import { isTaskStatus, type TaskStatus } from './task-status.js';

/** Error type of a DAG run that ended FAILED because tasks did not succeed. */
export const DAG_FAILED = 'DagFailed';
/** Error type of a run that timed out (the run's own timeout, or, for a DAG, the timeouts of its tasks). */
export const TIMEOUT = 'Timeout';

type Tasks = Readonly<Record<string, Pick<TaskState, 'status'> & Partial<TaskState>>>;

const statusesOf = (tasks: Tasks): Record<string, TaskStatus> =>
  Object.fromEntries(
    Object.entries(tasks).flatMap(([id, t]) => (isTaskStatus(t.status) ? [[id, t.status]] : [])),
  );

/**
 * The error of a DAG attempt whose execution ended with tasks that did not all succeed (the definition's
 * `Kairos.DagFailed`): `Timeout` when, by `runStatusOf`, timeouts are the whole cause (a TIMED_OUT run), else
 * `DagFailed` (a FAILED run, also when the record cannot tell: no tasks, or tasks that never ended). Neither is
 * retryable as a whole: each task was already retried by its own policy, and a new attempt would re-run what
 * succeeded (an operator can still ask for one: `POST /v1/runs/{runId}/retry`).
 */
export function dagFailure(tasks: Tasks): RunError {
  const statuses = statusesOf(tasks);
  const status = Object.keys(statuses).length > 0 ? runStatusOf(statuses) : 'FAILED';
  const notOk = Object.entries(tasks).filter(([, t]) => t.status !== 'SUCCEEDED' && t.status !== 'SKIPPED');
  const list = notOk.map(([id, t]) => `${id} (${t.status})`).join(', ') || 'none recorded';
  return status === 'TIMED_OUT'
    ? { type: TIMEOUT, message: `tasks timed out: ${list}`, retryable: false }
    : { type: DAG_FAILED, message: `tasks that did not succeed: ${list}`, retryable: false };
}

/**
 * The tasks to mark CANCELLED once the run's execution has stopped (cancelled, stopped by a timeout, or ended
 * without them): every task not ended, by `cancelledStatuses`, each with its state as it should be written.
 */
export function openTasksStopped(
  tasks: Readonly<Record<string, TaskState>>,
  endedAt: string,
): Record<string, TaskState> {
  const after = cancelledStatuses(statusesOf(tasks));
  return Object.fromEntries(
    Object.entries(after)
      .filter(([id, status]) => status !== tasks[id]!.status)
      .map(([id]) => [id, { ...tasks[id]!, status: 'CANCELLED', endedAt }]),
  );
}

const seconds = (t: Partial<TaskState>): string | undefined => {
  if (t.startedAt === undefined || t.endedAt === undefined) return undefined;
  const ms = Date.parse(t.endedAt) - Date.parse(t.startedAt);
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : undefined;
};

/**
 * One line per task for the attempt's log: status, attempts, duration and error, e.g.
 * `  load: FAILED, 2 attempts, 1.2 s — CommandFailed: exit code 3`.
 */
export function taskSummary(tasks: Tasks): string {
  return Object.entries(tasks)
    .map(([id, t]) => {
      const parts = [t.status];
      if (t.attempt !== undefined && t.attempt > 0)
        parts.push(t.attempt === 1 ? '1 attempt' : `${t.attempt} attempts`);
      const took = seconds(t);
      if (took !== undefined) parts.push(took);
      const error = t.error ? ` — ${t.error.type}: ${t.error.message}` : '';
      return `  ${id}: ${parts.join(', ')}${error}\n`;
    })
    .join('');
}
