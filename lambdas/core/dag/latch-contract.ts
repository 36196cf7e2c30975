import type { TaskOutputRef } from './task-output.js';

/**
 * Contract between a compiled DAG state machine and Kairos's latch function (one Lambda, also the per-task
 * status reporter). The deployed Lambda and the in-process latch of the local runtime implement the same
 * requests; see docs/adr/0011-dag-compilation.md.
 *
 * State per run (one DynamoDB item in the deployed latch): `ended: { [taskId]: status }` and
 * `waiters: { [taskId]: { token, deps } }`. `ended` and `wait` are each ONE atomic UpdateItem that writes its
 * part and returns the whole item (ReturnValues ALL_NEW); the caller then releases every waiter whose deps have
 * all ended (SendTaskSuccess). Because each write sees every earlier write, whichever of "dep ends" and
 * "waiter registers" comes last performs the release, so no release is lost; a duplicate release fails with
 * TaskTimedOut/InvalidToken and is ignored.
 */

/** Task statuses a DAG run records. `ok` statuses let dependents with `all_success`/`none_failed` proceed. */
export const TASK_END_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'UPSTREAM_FAILED', 'SKIPPED'] as const;
export type TaskEndStatus = (typeof TASK_END_STATUSES)[number];

export const OK_STATUSES: readonly TaskEndStatus[] = ['SUCCEEDED', 'SKIPPED'];

/** Errors Step Functions raises when a task ran out of time; the latch records them as TIMED_OUT. */
export const TIMEOUT_ERRORS: readonly string[] = ['States.Timeout', 'States.HeartbeatTimeout'];

/** A task is about to call its target (after its trigger rule allowed it). Response: `{}`. */
export interface TaskStartedRequest {
  readonly op: 'started';
  readonly runId: string;
  readonly taskId: string;
}

/**
 * A task ended (ran, failed after its retries, or was skipped by its trigger rule). Writes the status to the run
 * and releases waiters. `end` is either a status the definition set (`{ status }`) or, when the task failed
 * after its retries, the error output of its Catch (`{ Error, Cause }`), passed through as is so one report
 * state serves every outcome.
 */
export interface TaskEndedRequest {
  readonly op: 'ended';
  readonly runId: string;
  readonly taskId: string;
  readonly end:
    | { readonly status: 'SUCCEEDED'; readonly output?: unknown }
    | { readonly status: 'UPSTREAM_FAILED' | 'SKIPPED' }
    | { readonly Error: string; readonly Cause?: string };
}

/**
 * The task's end as recorded, stored in the state data per task and handed to its dependents (`upstream`):
 * FAILED becomes TIMED_OUT for timeout errors; a succeeded task's output is inline when small, else stored with
 * `outputRef` pointing at it (see task-output.ts). Every key is always present (null when empty), because a
 * JSONPath to a missing key fails the state.
 */
export interface TaskEndedResponse {
  readonly status: TaskEndStatus;
  readonly ok: boolean;
  readonly output: unknown;
  readonly outputRef: TaskOutputRef | null;
}

/**
 * Invoked with `.waitForTaskToken`: registers `token` for (runId, taskId) and returns at once; the state
 * resumes when every task in `deps` has ended, with the output below.
 */
export interface WaitRequest {
  readonly op: 'wait';
  readonly runId: string;
  readonly taskId: string;
  readonly deps: readonly string[];
  readonly token: string;
}

/**
 * SendTaskSuccess output, in `WaitRequest.deps` order: the recorded status of each dep and whether it is ok
 * (what the trigger rule reads), and each dep's whole end (what the task gets as `upstream`).
 */
export interface LatchRelease {
  readonly statuses: readonly TaskEndStatus[];
  readonly ok: readonly boolean[];
  readonly tasks: readonly TaskEndedResponse[];
}

/** A dep's end as the latch keeps it until its waiters are released. */
export type LatchEnded = Omit<TaskEndedResponse, 'ok'>;

/** What the run's task entry shows of an end: what the dependents receive, the small output or the pointer. */
export function shownOutput(end: LatchEnded): { output?: unknown; outputRef?: TaskOutputRef } {
  if (end.outputRef !== null) return { outputRef: end.outputRef };
  return end.output === null || end.output === undefined ? {} : { output: end.output };
}

/** The release of a waiter on `deps`, from the ends the latch recorded. */
export function latchRelease(ends: readonly LatchEnded[]): LatchRelease {
  const tasks = ends.map((e) => ({ ...e, ok: OK_STATUSES.includes(e.status) }));
  return { statuses: tasks.map((t) => t.status), ok: tasks.map((t) => t.ok), tasks };
}

export type LatchRequest = TaskStartedRequest | TaskEndedRequest | WaitRequest;

/**
 * What the latch records for an `ended` request, with the output inline; the latch replaces an output too large
 * to pass inline (task-output.ts) by its pointer before it records or answers.
 */
export function recordedStatus(request: TaskEndedRequest): TaskEndedResponse {
  const end = request.end;
  const status: TaskEndStatus =
    'status' in end ? end.status : TIMEOUT_ERRORS.includes(end.Error) ? 'TIMED_OUT' : 'FAILED';
  const output = 'output' in end ? (end.output ?? null) : null;
  return { status, ok: OK_STATUSES.includes(status), output, outputRef: null };
}

/** The error of a failed task, if `end` carries one. */
export function endError(request: TaskEndedRequest): { error: string; cause?: string } | undefined {
  const end = request.end;
  if ('status' in end) return undefined;
  return { error: end.Error, ...(end.Cause === undefined ? {} : { cause: end.Cause }) };
}
