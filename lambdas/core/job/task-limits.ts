import type { FieldProblem } from '../errors.js';
import { DEFAULT_RETRY_POLICY } from '../retry.js';
import type { Task } from './tasks.js';

/*
 * DAG limits, chosen so that the state machine compiled from the largest DAG allowed (MAX_TASKS = 100) stays
 * within Step Functions' quotas with room to spare. They set the budget the compiler keeps to (its tests measure
 * the real numbers):
 *
 * History, a hard 25,000 events per execution; we budget 20,000 and keep the rest in reserve. The worst case
 * measured (lambdas/core/dag/history-budget.ts's bound, checked by test/unit/core/dag/limits-proof.test.ts) is
 * 11,323 events: 100 tasks, 97 of them waiting on the latch, 500 dependencies, 1,000 attempts of `.sync` targets.
 *   - per task, at most 74 events outside its target's attempts: the latch wait and the start and end reports
 *     are Task states that KAIROS_CALL_RETRY lets run 6 times (26 + 20 + 20 events), the trigger rule's Choice
 *     and its two Pass outcomes (6), the target's state entered and exited (2): 100 × 74 = 7,400;
 *   - per attempt, at most 4 (TaskScheduled/Started/Submitted/Succeeded|Failed): MAX_TOTAL_ATTEMPTS × 4 = 4,000.
 *     A cap is needed: retry.maxAttempts alone allows 100 × 100 attempts;
 *   - per dependency, none: the latch function releases a latch, outside the execution; a latch wait is one of
 *     the task's own states above;
 *   - Parallel states and the execution's own events: a few dozen.
 * Definition, a hard 1 MB: at most 941 KB measured (same test). About 560 KB is structure (100 tasks with
 *   64-character ids, 500 dependencies, 140-character function ARNs, 16 subnets); the rest is the job's own
 *   content (targets, environment), which only the API's 256 KiB request body limit bounds, and which can grow on
 *   the way (a 7-byte environment entry becomes 24 bytes of ASL).
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
