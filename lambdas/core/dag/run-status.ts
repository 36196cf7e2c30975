import type { RunStatus } from '../run-states.js';
import { isEndedTaskStatus, type TaskStatus } from './task-status.js';

/** The statuses a DAG run's own status can be derived as from its tasks. */
export type DagRunStatus = Extract<RunStatus, 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'CANCELLED'>;

/**
 * A DAG run's status from its tasks' statuses (a list, or the run's `tasks` map of statuses):
 * - RUNNING while any task is PENDING, RUNNING or RETRYING;
 * - CANCELLED if any task was cancelled;
 * - FAILED if any task FAILED;
 * - TIMED_OUT if tasks timed out and none FAILED: the timeouts are the whole cause;
 * - FAILED if any task is UPSTREAM_FAILED with none of the above to explain it (a record that lost its cause
 *   must not read as a success);
 * - SUCCEEDED otherwise: every task SUCCEEDED or SKIPPED.
 *
 * A failure is never hidden by the tasks after it: unlike Airflow, where the run takes the state of its leaf
 * tasks, an `all_done` clean-up or a `one_failed` alert handler succeeding leaves the run FAILED — the job did
 * not do its work, and alerts, SLA and retry must see that.
 *
 * UPSTREAM_FAILED is a consequence, not a cause, so it does not turn a timeout into a failure: a timed-out
 * `extract` whose `load` ended UPSTREAM_FAILED is a TIMED_OUT run, as the same job with one target would be.
 *
 * @throws RangeError for no tasks: a DAG has at least one, so an empty list is a caller's bug.
 */
export function runStatusOf(
  taskStatuses: readonly TaskStatus[] | Readonly<Record<string, TaskStatus>>,
): DagRunStatus {
  const statuses: readonly TaskStatus[] = Array.isArray(taskStatuses)
    ? taskStatuses
    : Object.values(taskStatuses);
  if (statuses.length === 0) throw new RangeError('a DAG run has at least one task');
  const any = (status: TaskStatus) => statuses.includes(status);
  if (!statuses.every(isEndedTaskStatus)) return 'RUNNING';
  if (any('CANCELLED')) return 'CANCELLED';
  if (any('FAILED')) return 'FAILED';
  if (any('TIMED_OUT')) return 'TIMED_OUT';
  if (any('UPSTREAM_FAILED')) return 'FAILED';
  return 'SUCCEEDED';
}

/**
 * The tasks' statuses after the run is cancelled: every task that has not ended (not started, running or
 * waiting to retry) becomes CANCELLED, and none is decided by its trigger rule afterwards; ended tasks keep
 * their status.
 */
export function cancelledStatuses(
  statuses: Readonly<Record<string, TaskStatus>>,
): Record<string, TaskStatus> {
  return Object.fromEntries(
    Object.entries(statuses).map(([id, status]) => [id, isEndedTaskStatus(status) ? status : 'CANCELLED']),
  );
}
