import { describe, expect, it } from 'vitest';
import { dagFailure, openTasksStopped, taskSummary } from '../../../../lambdas/core/dag/run-end.js';
import type { TaskState } from '../../../../lambdas/core/run.js';

const tasks = (statuses: Record<string, string>): Record<string, TaskState> =>
  Object.fromEntries(Object.entries(statuses).map(([id, status]) => [id, { status, attempt: 1 }]));

describe('dagFailure', () => {
  it('is a Timeout when only timeouts failed the run (upstream failures are their consequence)', () => {
    expect(dagFailure(tasks({ a: 'TIMED_OUT', b: 'UPSTREAM_FAILED', c: 'SKIPPED', d: 'SUCCEEDED' }))).toEqual(
      {
        type: 'Timeout',
        message: 'tasks timed out: a (TIMED_OUT), b (UPSTREAM_FAILED)',
        retryable: false,
      },
    );
  });

  it('is DagFailed when a task failed, also beside timeouts', () => {
    expect(dagFailure(tasks({ a: 'FAILED', b: 'TIMED_OUT', c: 'SUCCEEDED' }))).toEqual({
      type: 'DagFailed',
      message: 'tasks that did not succeed: a (FAILED), b (TIMED_OUT)',
      retryable: false,
    });
  });

  it('is DagFailed when the record cannot tell: no tasks, tasks not ended, only upstream failures', () => {
    expect(dagFailure({}).type).toBe('DagFailed');
    expect(dagFailure(tasks({ a: 'RUNNING' })).type).toBe('DagFailed');
    expect(dagFailure(tasks({ a: 'UPSTREAM_FAILED' })).type).toBe('DagFailed');
  });
});

describe('openTasksStopped', () => {
  it('gives the tasks not ended, CANCELLED with their end time and the rest of their state', () => {
    const live: Record<string, TaskState> = {
      a: { status: 'SUCCEEDED', attempt: 1, endedAt: 'x' },
      b: { status: 'RUNNING', attempt: 2, startedAt: '2030-01-01T00:00:00.000Z' },
      c: { status: 'PENDING', attempt: 0 },
      d: { status: 'RETRYING', attempt: 1 },
      e: { status: 'UPSTREAM_FAILED', attempt: 0 },
    };
    expect(openTasksStopped(live, '2030-01-01T00:00:09.000Z')).toEqual({
      b: {
        status: 'CANCELLED',
        attempt: 2,
        startedAt: '2030-01-01T00:00:00.000Z',
        endedAt: '2030-01-01T00:00:09.000Z',
      },
      c: { status: 'CANCELLED', attempt: 0, endedAt: '2030-01-01T00:00:09.000Z' },
      d: { status: 'CANCELLED', attempt: 1, endedAt: '2030-01-01T00:00:09.000Z' },
    });
    expect(openTasksStopped(tasks({ a: 'SUCCEEDED' }), 'now')).toEqual({});
  });
});

describe('taskSummary', () => {
  it('has a line per task: status, attempts, duration, error', () => {
    expect(
      taskSummary({
        extract: {
          status: 'SUCCEEDED',
          attempt: 1,
          startedAt: '2030-01-01T00:00:00.000Z',
          endedAt: '2030-01-01T00:00:01.250Z',
        },
        load: { status: 'FAILED', attempt: 2, error: { type: 'CommandFailed', message: 'exit code 3' } },
        report: { status: 'UPSTREAM_FAILED', attempt: 0 },
      }),
    ).toBe(
      '  extract: SUCCEEDED, 1 attempt, 1.3 s\n' +
        '  load: FAILED, 2 attempts — CommandFailed: exit code 3\n' +
        '  report: UPSTREAM_FAILED\n',
    );
  });
});
