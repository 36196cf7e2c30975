import { describe, expect, it } from 'vitest';
import { compileDag, compileLevelByLevel } from '../../../lambdas/core/dag/compile.js';
import { criticalPath } from '../../../lambdas/core/dag/graph.js';
import type { Task } from '../../../lambdas/core/job/tasks.js';
import { startTimedRun, type TimedRun } from '../../support/dag-run.js';
import {
  randomDag,
  randomSeriesParallelDag,
  seededRandom,
  TEST_COMPILE_OPTIONS,
} from '../../support/random-dag.js';

/** The bar from the issue: within 5% of the critical path, or 200 ms, whichever is larger. */
const allowance = (cp: number) => Math.max(0.05 * cp, 200);

function expectDependenciesEndedFirst(tasks: readonly Task[], run: TimedRun): void {
  for (const t of tasks)
    for (const d of t.dependsOn ?? [])
      expect(run.spans[t.id].start, `${t.id} started before ${d} ended`).toBeGreaterThanOrEqual(
        run.spans[d].end,
      );
}

describe('makespan on the local Step Functions', () => {
  // Eight DAGs of 8-30 tasks, half not series-parallel; each run takes about a second or two.
  const cases = Array.from({ length: 8 }, (_, i) => {
    const random = seededRandom(1000 + i);
    const size = 8 + Math.floor(random() * 23);
    const tasks = i % 2 === 0 ? randomDag(random, size) : randomSeriesParallelDag(random, size);
    const durations = Object.fromEntries(tasks.map((t) => [t.id, 20 + Math.floor(random() * 281)]));
    return { name: `dag ${i} (${size} tasks)`, tasks, durations };
  });

  it('ends within 5% or 200 ms of the critical path; level-by-level is measured beside it', async ({
    annotate,
  }) => {
    const lines: string[] = [];
    for (const { name, tasks, durations } of cases) {
      const cp = criticalPath(tasks, durations).length;
      const behaviour = (id: string) => ({ ms: durations[id] });
      // One after the other: two runs sharing the event loop delay each other's timers by ~100 ms.
      const exact = await startTimedRun(compileDag(tasks, TEST_COMPILE_OPTIONS), behaviour, 'exact').result;
      const level = await startTimedRun(compileLevelByLevel(tasks, TEST_COMPILE_OPTIONS), behaviour, 'level')
        .result;
      expect(exact.outcome.status, name).toBe('SUCCEEDED');
      expect(level.outcome.status, name).toBe('SUCCEEDED');
      expectDependenciesEndedFirst(tasks, exact);
      expectDependenciesEndedFirst(tasks, level);
      expect(exact.makespan, `${name}: critical path ${cp} ms`).toBeLessThanOrEqual(cp + allowance(cp));
      expect(exact.makespan, name).toBeGreaterThanOrEqual(cp);
      lines.push(
        `${name}: cp ${cp} ms, exact ${Math.round(exact.makespan)} ms, level-by-level ${Math.round(level.makespan)} ms`,
      );
    }
    await annotate(lines.join('\n'));
  }, 60_000);

  it('N DAG with b slow: c starts when a ends, not when b ends', async () => {
    const task = (id: string, dependsOn: string[] = []): Task => ({
      id,
      target: { type: 'lambda', functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${id}` },
      dependsOn,
    });
    const tasks = [task('a'), task('b'), task('c', ['a']), task('d', ['a', 'b'])];
    const ms: Record<string, number> = { a: 100, b: 600, c: 100, d: 50 };
    const run = await startTimedRun(compileDag(tasks, TEST_COMPILE_OPTIONS), (id) => ({ ms: ms[id] })).result;
    expect(run.spans.c.start - run.spans.a.end).toBeLessThan(50);
    expect(run.spans.c.end).toBeLessThan(run.spans.b.end);
    expect(run.spans.d.start).toBeGreaterThanOrEqual(run.spans.b.end);
    expect(run.spans.d.start - run.spans.b.end).toBeLessThan(50);
  });
});
