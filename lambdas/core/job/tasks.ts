import { z } from 'zod';
import type { FieldProblem } from '../errors.js';
import { RetrySchema, TimeoutSchema } from './policies.js';
import { TargetSchema } from './targets.js';
import { type TaskLimitOptions, taskLimitProblems } from './task-limits.js';

/** Upper bound on tasks in one DAG; keeps the compiled state machine far from Step Functions' limits. */
export const MAX_TASKS = 100;

export const TRIGGER_RULES = [
  'all_success',
  'all_done',
  'all_failed',
  'one_success',
  'one_failed',
  'none_failed',
] as const;

/** When a task runs, given how its upstream tasks ended (`core/dag/trigger-rules.ts` has the table). */
export type TriggerRule = (typeof TRIGGER_RULES)[number];

export const TaskSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of letters, digits, _ or -'),
    target: TargetSchema,
    dependsOn: z.array(z.string().min(1).max(64)).max(MAX_TASKS).optional(),
    retry: RetrySchema.optional(),
    timeoutSeconds: TimeoutSchema.optional(),
    triggerRule: z.enum(TRIGGER_RULES).optional().meta({ default: 'all_success' }),
  })
  .meta({ id: 'Task' });

export const TasksSchema = z.array(TaskSchema).min(1).max(MAX_TASKS);

export type Task = z.output<typeof TaskSchema>;

/**
 * Graph checks the schema cannot express: unique ids, known dependencies listed once, no cycles (the cycle is
 * named), and the size limits of `task-limits.ts`.
 */
export function taskGraphProblems(tasks: readonly Task[], options: TaskLimitOptions = {}): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const index = new Map<string, number>();
  tasks.forEach((task, i) => {
    if (index.has(task.id))
      problems.push({ path: `$.tasks[${i}].id`, message: `duplicate task id '${task.id}'` });
    else index.set(task.id, i);
  });
  tasks.forEach((task, i) => {
    const seen = new Set<string>();
    (task.dependsOn ?? []).forEach((dep, j) => {
      const path = `$.tasks[${i}].dependsOn[${j}]`;
      if (dep === task.id) problems.push({ path, message: `task '${task.id}' cannot depend on itself` });
      else if (!index.has(dep)) problems.push({ path, message: `unknown task '${dep}'` });
      // Trigger rules count upstream tasks, so a repeated entry would count one task twice.
      else if (seen.has(dep))
        problems.push({ path, message: `task '${task.id}' already depends on '${dep}'` });
      seen.add(dep);
    });
  });
  // A cycle is looked for only in a graph whose edges all make sense; the limits hold either way.
  const cycle = problems.length === 0 ? findCycle(tasks) : undefined;
  if (cycle) {
    const first = index.get(cycle[0]) ?? 0;
    problems.push({
      path: `$.tasks[${first}].dependsOn`,
      message: `dependency cycle: ${cycle.join(' -> ')}`,
    });
  }
  problems.push(...taskLimitProblems(tasks, options));
  return problems;
}

/** Depth-first search over `dependsOn` edges; returns the ids on the first cycle found, closed (a -> b -> a). */
function findCycle(tasks: readonly Task[]): string[] | undefined {
  const deps = new Map(tasks.map((t) => [t.id, t.dependsOn ?? []]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const task of tasks) {
    const cycle = visit(task.id);
    if (cycle) return cycle;
  }
  return undefined;
}
