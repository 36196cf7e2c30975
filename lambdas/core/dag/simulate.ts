import type { Task } from '../job/tasks.js';
import type { EndedTaskStatus, TaskOutcome } from './task-status.js';
import { decideTask } from './trigger-rules.js';

/** The part of a task the semantics depend on; full `Task`s fit. */
export type DagTask = Pick<Task, 'id' | 'dependsOn' | 'triggerRule'>;

/** Earliest start and end of a task, in the unit the durations were given in. */
export interface TaskTimes {
  readonly start: number;
  readonly end: number;
}

/** Statuses of tasks that did their own work: only these take time. */
const RAN: readonly EndedTaskStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT'];

/**
 * The oracle of a DAG run: how every task ends when each task that runs ends as `outcomeOf` says. Tasks are
 * decided in topological order with `decideTask`; `outcomeOf` is called once for each task that runs, never
 * for one its rule skips or fails. The compiled state machine must end every task the same way.
 *
 * @throws Error when the graph is not a valid DAG (`taskGraphProblems` reports why).
 */
export function simulateDag(
  tasks: readonly DagTask[],
  outcomeOf: (taskId: string) => TaskOutcome,
): Record<string, EndedTaskStatus> {
  const statuses = new Map<string, EndedTaskStatus>();
  for (const task of topologicalOrder(tasks)) {
    const upstream = (task.dependsOn ?? []).map((dep) => statuses.get(dep)!);
    const decision = decideTask(task.triggerRule ?? 'all_success', upstream);
    statuses.set(task.id, decision === 'run' ? outcomeOf(task.id) : decision);
  }
  // fromEntries defines own properties, so an id such as `__proto__` is a key like any other.
  return Object.fromEntries(statuses);
}

/**
 * When every task starts as soon as its own dependencies have ended (no level-by-level barrier): a root starts
 * at 0, any other task at the latest end among its dependencies, and ends `durationOf(id)` later if it ran. A
 * task that did not run (SKIPPED, UPSTREAM_FAILED, CANCELLED) is decided the moment its dependencies end and
 * takes no time. `makespan` of the result is the critical path, the bound a compiled run is measured against.
 *
 * @param statuses how each task ended (e.g. from `simulateDag`); when omitted, every task runs.
 */
export function startTimes(
  tasks: readonly DagTask[],
  durationOf: (taskId: string) => number,
  statuses?: Readonly<Record<string, EndedTaskStatus>>,
): Record<string, TaskTimes> {
  const times = new Map<string, TaskTimes>();
  for (const task of topologicalOrder(tasks)) {
    const start = Math.max(0, ...(task.dependsOn ?? []).map((dep) => times.get(dep)!.end));
    times.set(task.id, {
      start,
      end: start + (ran(task.id, statuses) ? checkedDuration(task.id, durationOf) : 0),
    });
  }
  return Object.fromEntries(times);
}

/** The end of the last task to end: the run's duration when tasks start as early as `startTimes` says. */
export function makespan(times: Readonly<Record<string, TaskTimes>>): number {
  return Math.max(0, ...Object.values(times).map((t) => t.end));
}

function ran(id: string, statuses: Readonly<Record<string, EndedTaskStatus>> | undefined): boolean {
  if (statuses === undefined) return true;
  if (!Object.hasOwn(statuses, id)) throw new Error(`no status given for task '${id}'`);
  return RAN.includes(statuses[id]);
}

function checkedDuration(id: string, durationOf: (taskId: string) => number): number {
  const duration = durationOf(id);
  if (!Number.isFinite(duration) || duration < 0)
    throw new RangeError(`duration of task '${id}' must be a finite number >= 0, got ${duration}`);
  return duration;
}

/**
 * Kahn's algorithm, deterministic for a given input. Kept private: the oracle must not
 * share code with the compiler it checks.
 */
function topologicalOrder(tasks: readonly DagTask[]): DagTask[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  if (byId.size !== tasks.length) throw new Error('task ids must be unique');
  const waiting = new Map(tasks.map((t) => [t.id, new Set(t.dependsOn ?? [])]));
  const dependents = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const task of tasks) {
    for (const dep of waiting.get(task.id)!) {
      const list = dependents.get(dep);
      if (list === undefined) throw new Error(`task '${task.id}' depends on unknown task '${dep}'`);
      list.push(task.id);
    }
  }
  const order: DagTask[] = [];
  const ready = tasks.filter((t) => waiting.get(t.id)!.size === 0).map((t) => t.id);
  for (let i = 0; i < ready.length; i++) {
    order.push(byId.get(ready[i])!);
    for (const next of dependents.get(ready[i])!) {
      const deps = waiting.get(next)!;
      deps.delete(ready[i]);
      if (deps.size === 0) ready.push(next);
    }
  }
  if (order.length !== tasks.length) throw new Error('the tasks have a dependency cycle');
  return order;
}
