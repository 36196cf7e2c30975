import { describe, expect, it } from 'vitest';
import { cancelledStatuses, runStatusOf } from '../../../../lambdas/core/dag/run-status.js';
import { ACTIVE_TASK_STATUSES, type TaskStatus } from '../../../../lambdas/core/dag/task-status.js';

describe('runStatusOf', () => {
  it.each<[TaskStatus[], string]>([
    [['SUCCEEDED', 'PENDING'], 'RUNNING'],
    [['FAILED', 'RUNNING'], 'RUNNING'],
    [['CANCELLED', 'RETRYING'], 'RUNNING'],
    [['SUCCEEDED', 'SUCCEEDED'], 'SUCCEEDED'],
    [['SUCCEEDED', 'SKIPPED'], 'SUCCEEDED'],
    [['FAILED', 'UPSTREAM_FAILED'], 'FAILED'],
    [['FAILED', 'TIMED_OUT'], 'FAILED'],
    [['TIMED_OUT', 'SUCCEEDED'], 'TIMED_OUT'],
    [['TIMED_OUT', 'UPSTREAM_FAILED', 'SKIPPED'], 'TIMED_OUT'],
    [['UPSTREAM_FAILED', 'SUCCEEDED'], 'FAILED'],
    [['CANCELLED', 'FAILED', 'TIMED_OUT'], 'CANCELLED'],
    [['SUCCEEDED', 'CANCELLED'], 'CANCELLED'],
  ])('%j → %s', (statuses, expected) => {
    expect(runStatusOf(statuses)).toBe(expected);
  });

  it('never hides a failure behind a clean-up task that succeeded', () => {
    expect(runStatusOf({ extract: 'FAILED', load: 'UPSTREAM_FAILED', cleanup: 'SUCCEEDED' })).toBe('FAILED');
  });

  it('takes the run record`s map of statuses as well as a list', () => {
    expect(runStatusOf({ a: 'SUCCEEDED', b: 'RUNNING' })).toBe('RUNNING');
  });

  it('refuses a run without tasks', () => {
    expect(() => runStatusOf([])).toThrow(RangeError);
  });
});

describe('cancelledStatuses', () => {
  it('cancels every task that has not ended and keeps the others', () => {
    const live: Record<string, TaskStatus> = {
      a: 'SUCCEEDED',
      b: 'FAILED',
      c: 'UPSTREAM_FAILED',
      d: 'SKIPPED',
      e: 'TIMED_OUT',
      ...Object.fromEntries(ACTIVE_TASK_STATUSES.map((s) => [s, s])),
    };
    expect(cancelledStatuses(live)).toEqual({
      a: 'SUCCEEDED',
      b: 'FAILED',
      c: 'UPSTREAM_FAILED',
      d: 'SKIPPED',
      e: 'TIMED_OUT',
      PENDING: 'CANCELLED',
      RUNNING: 'CANCELLED',
      RETRYING: 'CANCELLED',
    });
    expect(runStatusOf(cancelledStatuses(live))).toBe('CANCELLED');
  });
});
