import { describe, expect, it } from 'vitest';
import {
  ancestorSets,
  buildDag,
  criticalPath,
  predecessors,
  successors,
  topologicalOrder,
  transitiveReduction,
  weaklyConnectedComponents,
} from '../../../../lambdas/core/dag/graph.js';
import type { Task } from '../../../../lambdas/core/job/tasks.js';

const task = (id: string, dependsOn: string[] = []): Task => ({
  id,
  target: { type: 'lambda', functionArn: id },
  dependsOn,
});

// a→b→d, a→c→d, a→d (implied), e alone
const tasks = [task('d', ['b', 'c', 'a']), task('b', ['a']), task('c', ['a']), task('a'), task('e')];

describe('graph utilities', () => {
  it('orders dependencies first, smallest index first among ready tasks', () => {
    const dag = buildDag(tasks);
    expect(topologicalOrder(dag.preds).map((v) => dag.ids[v])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(() => topologicalOrder([[1], [0]])).toThrow(/cycle/);
  });

  it('gives id-level predecessors and successors', () => {
    expect(predecessors(tasks).get('d')).toEqual(['b', 'c', 'a']);
    expect(successors(tasks).get('a')?.sort()).toEqual(['b', 'c', 'd']);
  });

  it('drops implied edges in the transitive reduction and keeps ancestors', () => {
    const dag = buildDag(tasks);
    const reduced = transitiveReduction(dag.preds);
    expect(reduced[0].map((v) => dag.ids[v])).toEqual(['b', 'c']);
    expect(ancestorSets(reduced)[0].has(3)).toBe(true);
  });

  it('finds weakly connected components', () => {
    const dag = buildDag(tasks);
    const comps = weaklyConnectedComponents([3, 1, 2, 0, 4], dag.preds);
    expect(comps.map((c) => c.map((v) => dag.ids[v]))).toEqual([['a', 'b', 'c', 'd'], ['e']]);
  });

  it('computes the critical path and earliest starts', () => {
    const cp = criticalPath(tasks, { a: 10, b: 5, c: 30, d: 1, e: 20 });
    expect(cp.length).toBe(41);
    expect(cp.path).toEqual(['a', 'c', 'd']);
    expect(cp.startTimes).toMatchObject({ a: 0, b: 10, c: 10, d: 40, e: 0 });
  });
});
