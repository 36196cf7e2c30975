import { describe, expect, it, vi } from 'vitest';
import { runStatusOf } from '../../../../lambdas/core/dag/run-status.js';
import { type DagTask, makespan, simulateDag, startTimes } from '../../../../lambdas/core/dag/simulate.js';
import type { TaskOutcome } from '../../../../lambdas/core/dag/task-status.js';
import type { TriggerRule } from '../../../../lambdas/core/job/tasks.js';

const t = (id: string, dependsOn: string[] = [], triggerRule?: TriggerRule): DagTask => ({
  id,
  dependsOn,
  triggerRule,
});
/** Every task succeeds except those listed. */
const outcomes =
  (failures: Record<string, TaskOutcome> = {}) =>
  (id: string): TaskOutcome =>
    Object.hasOwn(failures, id) ? failures[id] : 'SUCCEEDED';

const diamond = (dRule?: TriggerRule) => [t('a'), t('b', ['a']), t('c', ['a']), t('d', ['b', 'c'], dRule)];

describe('simulateDag', () => {
  it('diamond with c failed: d is UPSTREAM_FAILED, b still SUCCEEDED, the run FAILED', () => {
    const statuses = simulateDag(diamond(), outcomes({ c: 'FAILED' }));
    expect(statuses).toEqual({ a: 'SUCCEEDED', b: 'SUCCEEDED', c: 'FAILED', d: 'UPSTREAM_FAILED' });
    expect(runStatusOf(statuses)).toBe('FAILED');
  });

  it("diamond with c failed and d's rule all_done: d runs, and the run is still FAILED", () => {
    const outcomeOf = vi.fn(outcomes({ c: 'FAILED' }));
    const statuses = simulateDag(diamond('all_done'), outcomeOf);
    expect(statuses.d).toBe('SUCCEEDED');
    expect(outcomeOf).toHaveBeenCalledWith('d');
    expect(runStatusOf(statuses)).toBe('FAILED');
  });

  it('propagates UPSTREAM_FAILED down a chain without running anything after the failure', () => {
    const outcomeOf = vi.fn(outcomes({ a: 'TIMED_OUT' }));
    const statuses = simulateDag([t('a'), t('b', ['a']), t('c', ['b']), t('d', ['c'])], outcomeOf);
    expect(statuses).toEqual({
      a: 'TIMED_OUT',
      b: 'UPSTREAM_FAILED',
      c: 'UPSTREAM_FAILED',
      d: 'UPSTREAM_FAILED',
    });
    expect(outcomeOf.mock.calls).toEqual([['a']]);
  });

  it('skips failure handlers when nothing failed, and the skip propagates as a skip', () => {
    const tasks = [
      t('a'),
      t('onError', ['a'], 'one_failed'),
      t('afterHandler', ['onError']),
      t('allFailed', ['a'], 'all_failed'),
      t('cleanup', ['a', 'onError'], 'none_failed'),
    ];
    expect(simulateDag(tasks, outcomes())).toEqual({
      a: 'SUCCEEDED',
      onError: 'SKIPPED',
      afterHandler: 'SKIPPED',
      allFailed: 'SKIPPED',
      cleanup: 'SUCCEEDED',
    });
    expect(runStatusOf(simulateDag(tasks, outcomes()))).toBe('SUCCEEDED');
  });

  it('runs failure handlers after a failure; all_failed needs every upstream failed', () => {
    const tasks = [
      t('a'),
      t('b'),
      t('onError', ['a', 'b'], 'one_failed'),
      t('allFailed', ['a', 'b'], 'all_failed'),
    ];
    expect(simulateDag(tasks, outcomes({ a: 'FAILED' }))).toMatchObject({
      onError: 'SUCCEEDED',
      allFailed: 'SKIPPED',
    });
    expect(simulateDag(tasks, outcomes({ a: 'FAILED', b: 'TIMED_OUT' }))).toMatchObject({
      allFailed: 'SUCCEEDED',
    });
  });

  it('does not depend on the order tasks are listed in, and takes any valid id', () => {
    const tasks = [t('d', ['b', '__proto__']), t('b', ['a']), t('__proto__', ['a']), t('a')];
    const statuses = simulateDag(tasks, outcomes({ ['__proto__']: 'FAILED' }));
    expect(Object.keys(statuses).sort()).toEqual(['__proto__', 'a', 'b', 'd']);
    expect(statuses).toMatchObject({ a: 'SUCCEEDED', b: 'SUCCEEDED', d: 'UPSTREAM_FAILED' });
    expect(Object.getOwnPropertyDescriptor(statuses, '__proto__')?.value).toBe('FAILED');
  });

  it('refuses a graph that is not a DAG', () => {
    expect(() => simulateDag([t('a', ['b']), t('b', ['a'])], outcomes())).toThrow(/cycle/);
    expect(() => simulateDag([t('a', ['zz'])], outcomes())).toThrow(/unknown task 'zz'/);
    expect(() => simulateDag([t('a'), t('a')], outcomes())).toThrow(/unique/);
  });
});

describe('startTimes', () => {
  it('the N DAG (a→c, a→d, b→d) with b slow: c starts when a ends, not when b ends', () => {
    const durations: Record<string, number> = { a: 1, b: 10, c: 2, d: 3 };
    const times = startTimes([t('a'), t('b'), t('c', ['a']), t('d', ['a', 'b'])], (id) => durations[id]);
    expect(times).toEqual({
      a: { start: 0, end: 1 },
      b: { start: 0, end: 10 },
      c: { start: 1, end: 3 },
      d: { start: 10, end: 13 },
    });
    expect(makespan(times)).toBe(13);
  });

  it('gives tasks that did not run no time: they end when their dependencies end', () => {
    const tasks = [t('a'), t('b', ['a']), t('c', ['b']), t('z')];
    const statuses = simulateDag(tasks, outcomes({ a: 'FAILED' }));
    const times = startTimes(tasks, () => 5, statuses);
    expect(times).toEqual({
      a: { start: 0, end: 5 },
      b: { start: 5, end: 5 },
      c: { start: 5, end: 5 },
      z: { start: 0, end: 5 },
    });
    expect(makespan(times)).toBe(5);
  });

  it('checks its inputs', () => {
    expect(() => startTimes([t('a')], () => -1)).toThrow(RangeError);
    expect(() => startTimes([t('a')], () => Number.NaN)).toThrow(RangeError);
    expect(() => startTimes([t('a'), t('b')], () => 1, { a: 'SUCCEEDED' })).toThrow(/'b'/);
  });
});
