import type { FieldProblem } from '../errors.js';
import { DEFAULT_RETRY_POLICY } from '../retry.js';
import type { Task } from './tasks.js';

/*
 * DAG limits, chosen so that the state machine compiled from the largest DAG allowed (MAX_TASKS = 100) stays
 * within Step Functions' quotas with room to spare. They set the budget the compiler keeps to (its tests measure
 * the real numbers):
 *
 * History, a hard 25,000 events per execution; we budget 20,000 and keep the rest for Parallel/Map bookkeeping
 * and the execution's own events:
 *   - per task, at most 30 events outside its attempts (state entered/exited, the Choice on its trigger rule,
 *     the live status writes at start and end, a latch registration): 100 × 30 = 3,000;
 *   - per attempt, at most 8 (TaskScheduled/Started/Submitted/Succeeded|Failed, plus a live attempt write):
 *     MAX_TOTAL_ATTEMPTS × 8 = 8,000. A cap is needed: retry.maxAttempts alone allows 100 × 100 attempts;
 *   - per dependency, at most 10 (releasing a latch: one atomic DynamoDB update and a Choice on its result;
 *     a dependency inside a series-parallel part costs less): MAX_DEPENDENCIES × 10 = 5,000;
 *   16,000 in all.
 * Definition, a hard 1 MB: about 3 KB per task (task state with Retry/Catch, status writes, Choice) and 1 KB per
 *   latch dependency: 300 KB + 500 KB = 800 KB.
 * Payload, 256 KiB per state input or output: a task's input holds one entry per upstream task (status and
 *   result, or an S3 pointer), and a Parallel join outputs the array of its branches' outputs. MAX_FAN_IN = 32
 *   lets each upstream result stay inline up to 8 KiB (256 / 32); above that the compiler passes a pointer.
 * Fan-out: Step Functions sets no quota on Parallel branches, but an Inline Map runs at most 40 iterations at
 *   once. MAX_FAN_OUT = 32 lets a finishing task release all its dependents' latches in one wave, so no
 *   dependent starts later than another for waiting on a release (the makespan must equal the critical path).
 * Depth: not limited. A chain of 100 compiles to a flat sequence, and no quota applies to nesting Parallels.
 */

/** Most tasks one task may depend on (`dependsOn` entries). */
export const MAX_FAN_IN = 32;
/** Most tasks that may depend on one task. */
export const MAX_FAN_OUT = 32;
/** Most dependencies (`dependsOn` entries over all tasks) in one DAG. */
export const MAX_DEPENDENCIES = 500;
/** Most attempts over all tasks of one run (each task's `retry.maxAttempts`). */
export const MAX_TOTAL_ATTEMPTS = 1_000;

export interface TaskLimitOptions {
  /** Attempts of a task without its own `retry.maxAttempts`. @default DEFAULT_RETRY_POLICY.maxAttempts (3) */
  readonly defaultMaxAttempts?: number;
}

/** Fan-in, fan-out, dependency and attempt limits, each problem naming the task and the limit. */
export function taskLimitProblems(tasks: readonly Task[], options: TaskLimitOptions = {}): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const dependents = new Map<string, { path: string }[]>();
  let dependencies = 0;
  tasks.forEach((task, i) => {
    const deps = task.dependsOn ?? [];
    dependencies += deps.length;
    if (deps.length > MAX_FAN_IN)
      problems.push({
        path: `$.tasks[${i}].dependsOn`,
        message:
          `task '${task.id}' depends on ${deps.length} tasks; at most ${MAX_FAN_IN} are allowed ` +
          '(every upstream result travels in its input): join them in stages through intermediate tasks',
      });
    deps.forEach((dep, j) => {
      const list = dependents.get(dep) ?? [];
      list.push({ path: `$.tasks[${i}].dependsOn[${j}]` });
      dependents.set(dep, list);
    });
  });
  for (const task of tasks) {
    const list = dependents.get(task.id) ?? [];
    // Points at the first dependency over the limit: the entry to move.
    if (list.length > MAX_FAN_OUT)
      problems.push({
        path: list[MAX_FAN_OUT].path,
        message: `task '${task.id}' has ${list.length} dependent tasks; at most ${MAX_FAN_OUT} are allowed`,
      });
  }
  if (dependencies > MAX_DEPENDENCIES)
    problems.push({
      path: '$.tasks',
      message: `the tasks have ${dependencies} dependencies in all; at most ${MAX_DEPENDENCIES} are allowed`,
    });
  const fallback = options.defaultMaxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts;
  const attempts = tasks.reduce((sum, task) => sum + (task.retry?.maxAttempts ?? fallback), 0);
  if (attempts > MAX_TOTAL_ATTEMPTS)
    problems.push({
      path: '$.tasks',
      message:
        `the tasks allow ${attempts} attempts in all (retry.maxAttempts, ${fallback} when not given); at most ` +
        `${MAX_TOTAL_ATTEMPTS} are allowed, to keep a run's history within Step Functions' 25,000 events`,
    });
  return problems;
}
