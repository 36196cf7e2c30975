import { describe, expect, it } from 'vitest';
import {
  MAX_DEPENDENCIES,
  MAX_FAN_IN,
  MAX_FAN_OUT,
  MAX_TOTAL_ATTEMPTS,
} from '../../../../lambdas/core/job/task-limits.js';
import { MAX_TASKS, type Task, TasksSchema, taskGraphProblems } from '../../../../lambdas/core/job/tasks.js';

interface Spec {
  readonly id: string;
  readonly dependsOn?: string[];
  readonly maxAttempts?: number;
}

function tasksOf(specs: readonly Spec[]): Task[] {
  return TasksSchema.parse(
    specs.map(({ id, dependsOn, maxAttempts }) => ({
      id,
      target: { type: 'lambda', functionArn: 'fn' },
      ...(dependsOn ? { dependsOn } : {}),
      ...(maxAttempts ? { retry: { maxAttempts } } : {}),
    })),
  );
}

const ids = (n: number, prefix = 't') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
/** `n` roots and one task `join` that depends on all of them. */
const fanIn = (n: number) => tasksOf([...ids(n).map((id) => ({ id })), { id: 'join', dependsOn: ids(n) }]);
/** One root `src` and `n` tasks that depend on it. */
const fanOut = (n: number) => tasksOf([{ id: 'src' }, ...ids(n).map((id) => ({ id, dependsOn: ['src'] }))]);

describe('taskGraphProblems limits', () => {
  it(`allows a task to depend on ${MAX_FAN_IN} tasks, and names the task and the limit beyond`, () => {
    expect(taskGraphProblems(fanIn(MAX_FAN_IN))).toEqual([]);
    expect(taskGraphProblems(fanIn(MAX_FAN_IN + 1))).toEqual([
      {
        path: `$.tasks[${MAX_FAN_IN + 1}].dependsOn`,
        message: expect.stringMatching(
          new RegExp(`task 'join' depends on ${MAX_FAN_IN + 1} tasks; at most ${MAX_FAN_IN}`),
        ),
      },
    ]);
  });

  it(`allows ${MAX_FAN_OUT} tasks to depend on one, and points at the first dependency beyond`, () => {
    expect(taskGraphProblems(fanOut(MAX_FAN_OUT))).toEqual([]);
    expect(taskGraphProblems(fanOut(MAX_FAN_OUT + 1))).toEqual([
      {
        path: `$.tasks[${MAX_FAN_OUT + 1}].dependsOn[0]`,
        message: expect.stringMatching(
          new RegExp(`task 'src' has ${MAX_FAN_OUT + 1} dependent tasks; at most ${MAX_FAN_OUT}`),
        ),
      },
    ]);
  });

  it(`allows ${MAX_DEPENDENCIES} dependencies in one DAG`, () => {
    // 100 tasks, each after the previous 5 (485 dependencies), then the last one also after 0..14: exactly 500.
    const specs: Spec[] = ids(MAX_TASKS).map((id, i) => ({
      id,
      dependsOn: ids(i).slice(Math.max(0, i - 5)),
    }));
    specs[MAX_TASKS - 1].dependsOn?.push(...ids(15));
    expect(specs.reduce((n, s) => n + (s.dependsOn?.length ?? 0), 0)).toBe(MAX_DEPENDENCIES);
    expect(taskGraphProblems(tasksOf(specs))).toEqual([]);
    specs[MAX_TASKS - 1].dependsOn?.push('t15');
    expect(taskGraphProblems(tasksOf(specs))).toEqual([
      { path: '$.tasks', message: expect.stringMatching(/501 dependencies in all; at most 500/) },
    ]);
  });

  it(`allows ${MAX_TOTAL_ATTEMPTS} attempts over all tasks, counting 3 for a task without retry`, () => {
    const tenEach = ids(MAX_TASKS).map((id) => ({ id, maxAttempts: 10 }));
    expect(taskGraphProblems(tasksOf(tenEach))).toEqual([]);
    tenEach[0] = { id: 't0', maxAttempts: 11 };
    expect(taskGraphProblems(tasksOf(tenEach))).toEqual([
      { path: '$.tasks', message: expect.stringMatching(/1001 attempts in all .*at most 1000/) },
    ]);
    const defaults = tasksOf(ids(MAX_TASKS).map((id) => ({ id })));
    expect(taskGraphProblems(defaults)).toEqual([]);
    expect(taskGraphProblems(defaults, { defaultMaxAttempts: 11 })).toEqual([
      {
        path: '$.tasks',
        message: expect.stringMatching(/1100 attempts in all \(retry.maxAttempts, 11 when not given\)/),
      },
    ]);
  });

  it('accepts a DAG at every limit at once (the largest a compiler must handle)', () => {
    const specs: Spec[] = [
      { id: 't0', maxAttempts: 10 },
      ...ids(32).map((_, i) => ({ id: `t${i + 1}`, dependsOn: ['t0'], maxAttempts: 10 })),
      { id: 't33', dependsOn: ids(32).map((_, i) => `t${i + 1}`), maxAttempts: 10 },
      ...ids(66).map((_, k) => {
        const i = 34 + k;
        return { id: `t${i}`, dependsOn: ids(i).slice(i - 6), maxAttempts: 10 };
      }),
    ];
    specs[98].dependsOn?.push(...ids(20).map((_, k) => `t${34 + k}`));
    specs[99].dependsOn?.push(...ids(20).map((_, k) => `t${54 + k}`));
    const tasks = tasksOf(specs);
    expect(tasks).toHaveLength(MAX_TASKS);
    expect(tasks.reduce((n, t) => n + (t.dependsOn?.length ?? 0), 0)).toBe(MAX_DEPENDENCIES);
    expect(Math.max(...tasks.map((t) => t.dependsOn?.length ?? 0))).toBe(MAX_FAN_IN);
    expect(tasks.filter((t) => t.dependsOn?.includes('t0'))).toHaveLength(MAX_FAN_OUT);
    expect(taskGraphProblems(tasks)).toEqual([]);
  });

  it('refuses a dependency listed twice: trigger rules would count it twice', () => {
    expect(taskGraphProblems(tasksOf([{ id: 'a' }, { id: 'b', dependsOn: ['a', 'a'] }]))).toEqual([
      { path: '$.tasks[1].dependsOn[1]', message: "task 'b' already depends on 'a'" },
    ]);
  });

  it('reports a cycle and a limit together', () => {
    const tasks = tasksOf([
      { id: 'a', dependsOn: ['b'], maxAttempts: 100 },
      { id: 'b', dependsOn: ['a'], maxAttempts: 100 },
      ...ids(9).map((id) => ({ id, maxAttempts: 100 })),
    ]);
    expect(taskGraphProblems(tasks).map((p) => p.message)).toEqual([
      expect.stringMatching(/cycle: a -> b -> a/),
      expect.stringMatching(/1100 attempts in all/),
    ]);
  });
});
