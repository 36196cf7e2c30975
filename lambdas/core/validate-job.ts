import type { z } from 'zod';
import { type FieldProblem, ValidationError } from './errors.js';
import { ScheduleSchema } from './job/schedule-schema.js';
import { type Task, TasksSchema, taskGraphProblems } from './job/tasks.js';
import { type JobDefinition, JobDefinitionSchema } from './job-schema.js';
import { toJsonPath } from './json-path.js';
import { scheduleProblems } from './schedule/index.js';

/** Where the API runs: `command` targets exist only in the local runtime. */
export type RuntimeKind = 'aws' | 'local';

export interface ValidateJobContext {
  readonly runtime: RuntimeKind;
  /**
   * Instant against which "in the past" rules are checked. Pass `undefined` to skip them, e.g. when a PATCH
   * leaves the schedule unchanged (a one-time job whose time has passed can still be renamed).
   */
  readonly now: Date | undefined;
}

const COMMAND_ON_AWS =
  "'command' targets run only in the local runtime (npm start): a Lambda has no place to run a local process. " +
  'Use a lambda, http, fargate or stepfunctions target.';

/** Validates a job body; throws `ValidationError` listing every problem with its JSON path. */
export function validateJobDefinition(input: unknown, ctx: ValidateJobContext): JobDefinition {
  const parsed = JobDefinitionSchema.safeParse(input);
  const problems = parsed.success ? [] : zodProblems(parsed.error.issues);
  problems.push(...semanticProblems(input, ctx));
  if (problems.length > 0 || !parsed.success) {
    throw new ValidationError(
      dedupe(problems),
      `The job definition is not valid (${problems.length} problem(s)).`,
    );
  }
  return parsed.data;
}

/** Turns zod issues into path + message problems; an unknown key becomes one problem per key. */
export function zodProblems(issues: readonly z.core.$ZodIssue[], root = '$'): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ path: toJsonPath([...issue.path, key], root), message: 'unknown field' });
    } else {
      out.push({ path: toJsonPath(issue.path, root), message: issue.message });
    }
  }
  return out;
}

/** Rules across fields; each part is checked only when its own shape is valid, so messages stay precise. */
function semanticProblems(input: unknown, ctx: ValidateJobContext): FieldProblem[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [];
  const body = input as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  if (body.target !== undefined && body.tasks !== undefined) {
    problems.push({ path: '$.tasks', message: 'give either target or tasks, not both' });
  } else if (body.target === undefined && body.tasks === undefined) {
    problems.push({ path: '$.target', message: 'required: give a target, or tasks for a DAG' });
  }
  const schedule = ScheduleSchema.safeParse(body.schedule);
  if (schedule.success) {
    const now = ctx.now ?? new Date(0);
    for (const p of scheduleProblems(schedule.data, { now }))
      problems.push({ ...p, path: `$.schedule.${p.path}` });
  }
  const type = schedule.success ? schedule.data.type : undefined;
  if (body.catchup !== undefined && (type === 'immediate' || type === 'at')) {
    problems.push({
      path: '$.catchup',
      message: `catch-up applies to cron and rate schedules; an '${type}' job runs once, however late`,
    });
  }
  const tasks = TasksSchema.safeParse(body.tasks);
  if (tasks.success) problems.push(...taskGraphProblems(tasks.data));
  if (ctx.runtime === 'aws')
    problems.push(...commandTargetProblems(body, tasks.success ? tasks.data : undefined));
  const sla = body.sla as { startWithinSeconds?: unknown; finishWithinSeconds?: unknown } | undefined;
  if (
    typeof sla?.startWithinSeconds === 'number' &&
    typeof sla.finishWithinSeconds === 'number' &&
    sla.finishWithinSeconds < sla.startWithinSeconds
  ) {
    problems.push({ path: '$.sla.finishWithinSeconds', message: 'must be at least startWithinSeconds' });
  }
  return problems;
}

function commandTargetProblems(
  body: Record<string, unknown>,
  tasks: readonly Task[] | undefined,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if ((body.target as { type?: unknown } | undefined)?.type === 'command') {
    problems.push({ path: '$.target.type', message: COMMAND_ON_AWS });
  }
  tasks?.forEach((task, i) => {
    if (task.target.type === 'command')
      problems.push({ path: `$.tasks[${i}].target.type`, message: COMMAND_ON_AWS });
  });
  return problems;
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
