import { describe, expect, it } from 'vitest';
import { compileDag } from '../../../lambdas/core/dag/compile.js';
import type { Task } from '../../../lambdas/core/job/tasks.js';
import { startTimedRun } from '../../support/dag-run.js';
import { TEST_COMPILE_OPTIONS } from '../../support/random-dag.js';

const task = (id: string, dependsOn: string[] = [], extra: Partial<Task> = {}): Task => ({
  id,
  target: { type: 'lambda', functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${id}` },
  dependsOn,
  ...extra,
});

const diamond = (dRule?: Task['triggerRule']) => [
  task('a'),
  task('b', ['a']),
  task('c', ['a'], { retry: { maxAttempts: 3 } }),
  task('d', ['b', 'c'], dRule ? { triggerRule: dRule } : {}),
];
const cFails = (id: string) => ({ ms: 20, ...(id === 'c' ? { fail: 'Boom' } : {}) });

describe('a failing task on the local Step Functions', () => {
  it('marks dependents UPSTREAM_FAILED after the retries, keeps the sibling SUCCEEDED, fails the run', async () => {
    const { outcome, attempts, spans } = await startTimedRun(
      compileDag(diamond(), TEST_COMPILE_OPTIONS),
      cFails,
    ).result;
    expect(attempts.c).toBe(3);
    expect(outcome.tasks).toEqual({ a: 'SUCCEEDED', b: 'SUCCEEDED', c: 'FAILED', d: 'UPSTREAM_FAILED' });
    expect(spans.d).toBeUndefined();
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toMatch(/did not succeed/);
  });

  it('runs a dependent whose rule is all_done; the run still fails', async () => {
    const { outcome, spans } = await startTimedRun(
      compileDag(diamond('all_done'), TEST_COMPILE_OPTIONS),
      cFails,
    ).result;
    expect(outcome.tasks).toEqual({ a: 'SUCCEEDED', b: 'SUCCEEDED', c: 'FAILED', d: 'SUCCEEDED' });
    expect(spans.d.start).toBeGreaterThanOrEqual(Math.max(spans.b.end, spans.c.end));
    expect(outcome.status).toBe('FAILED');
  });

  it('routes a latch dependency failure through the latch release (N DAG, b fails)', async () => {
    const tasks = [task('a'), task('b'), task('c', ['a']), task('d', ['a', 'b'])];
    const { outcome } = await startTimedRun(compileDag(tasks, TEST_COMPILE_OPTIONS), (id) => ({
      ms: 20,
      ...(id === 'b' ? { fail: 'Boom' } : {}),
    })).result;
    expect(outcome.tasks).toEqual({ a: 'SUCCEEDED', b: 'FAILED', c: 'SUCCEEDED', d: 'UPSTREAM_FAILED' });
  });

  it('records a timed-out task as TIMED_OUT and skips what follows it', async () => {
    const tasks = [task('a', [], { timeoutSeconds: 1, retry: { maxAttempts: 1 } }), task('b', ['a'])];
    const { outcome } = await startTimedRun(compileDag(tasks, TEST_COMPILE_OPTIONS), () => ({ ms: 1_500 }))
      .result;
    expect(outcome.tasks).toEqual({ a: 'TIMED_OUT', b: 'UPSTREAM_FAILED' });
  });

  it('stops on cancel: no task starts afterwards', async () => {
    const tasks = [task('a'), task('b', ['a']), task('x'), task('y', ['a', 'x'])];
    const run = startTimedRun(compileDag(tasks, TEST_COMPILE_OPTIONS), (id) => ({
      ms: id === 'a' ? 300 : 20,
    }));
    setTimeout(() => run.abort(), 100);
    const { outcome, started } = await run.result;
    // Long enough for b and y to have started had the cancel not stopped the run.
    await new Promise((r) => setTimeout(r, 400));
    expect(outcome.status).toBe('ABORTED');
    expect(Object.keys(started).sort()).toEqual(['a', 'x']);
  });
});
