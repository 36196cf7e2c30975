/**
 * Statuses a DAG task ends in: the run statuses a single task can reach, plus `UPSTREAM_FAILED` for a task that
 * never started because its trigger rule could not be met after an upstream failure (API.md "Runs").
 */
export const ENDED_TASK_STATUSES = [
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'CANCELLED',
  'SKIPPED',
  'UPSTREAM_FAILED',
] as const;

/**
 * Statuses of a task that has not ended yet, as the live run shows them: `PENDING` waits for its dependencies,
 * `RUNNING` is in an attempt, `RETRYING` waits between attempts.
 */
export const ACTIVE_TASK_STATUSES = ['PENDING', 'RUNNING', 'RETRYING'] as const;

export const TASK_STATUSES = [...ACTIVE_TASK_STATUSES, ...ENDED_TASK_STATUSES] as const;

export type EndedTaskStatus = (typeof ENDED_TASK_STATUSES)[number];
export type ActiveTaskStatus = (typeof ACTIVE_TASK_STATUSES)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** How a task that ran ends: the result of its own attempts (retries included). */
export type TaskOutcome = Extract<EndedTaskStatus, 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT'>;

export function isEndedTaskStatus(status: TaskStatus): status is EndedTaskStatus {
  return (ENDED_TASK_STATUSES as readonly string[]).includes(status);
}

export function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === 'string' && (TASK_STATUSES as readonly string[]).includes(value);
}
