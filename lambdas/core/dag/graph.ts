import type { Task } from '../job/tasks.js';

/**
 * A DAG of tasks by index: `preds[i]` are the indices task `i` depends on, `succs[i]` the tasks depending on it.
 * Indices follow the input order, so every derived result is deterministic for a given task list.
 */
export interface Dag {
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly preds: readonly (readonly number[])[];
  readonly succs: readonly (readonly number[])[];
}

/** Builds the index; assumes `taskGraphProblems` found nothing (unique ids, known deps, no cycle). */
export function buildDag(tasks: readonly Task[]): Dag {
  const ids = tasks.map((t) => t.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  if (index.size !== ids.length) throw new Error('task ids are not unique');
  const preds = tasks.map((t) => [...new Set(t.dependsOn ?? [])].map((d) => index.get(d) ?? -1));
  if (preds.some((p) => p.includes(-1))) throw new Error('dependsOn names an unknown task');
  if (preds.some((p, v) => p.includes(v))) throw new Error('a task depends on itself');
  return { ids, index, preds, succs: successorsOf(preds) };
}

export function successorsOf(preds: readonly (readonly number[])[]): number[][] {
  const succs: number[][] = preds.map(() => []);
  preds.forEach((ps, v) => {
    for (const p of ps) succs[p].push(v);
  });
  return succs;
}

/** Kahn's algorithm, always taking the smallest ready index, so the order is stable across runs. */
export function topologicalOrder(preds: readonly (readonly number[])[]): number[] {
  const succs = successorsOf(preds);
  const missing = preds.map((p) => p.length);
  const ready = new MinHeap();
  missing.forEach((m, v) => {
    if (m === 0) ready.push(v);
  });
  const order: number[] = [];
  while (ready.size > 0) {
    const v = ready.pop();
    order.push(v);
    for (const s of succs[v]) if (--missing[s] === 0) ready.push(s);
  }
  if (order.length !== preds.length) throw new Error('the dependencies form a cycle');
  return order;
}

/** A fixed-size set of small integers, one bit each; ancestor sets of 1,000 tasks stay at 125 KB. */
export class BitSet {
  readonly words: Uint32Array;
  constructor(size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }
  add(i: number): void {
    this.words[i >>> 5] |= 1 << (i & 31);
  }
  has(i: number): boolean {
    return (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }
  or(other: BitSet): void {
    for (let w = 0; w < this.words.length; w++) this.words[w] |= other.words[w];
  }
}

/** `result[v]` holds every (transitive) ancestor of `v`. */
export function ancestorSets(preds: readonly (readonly number[])[]): BitSet[] {
  const sets = preds.map(() => new BitSet(preds.length));
  for (const v of topologicalOrder(preds)) {
    for (const p of preds[v]) {
      sets[v].add(p);
      sets[v].or(sets[p]);
    }
  }
  return sets;
}

/** Drops every edge implied by a longer path; what is left fixes the same order with the fewest edges. */
export function transitiveReduction(preds: readonly (readonly number[])[]): number[][] {
  const anc = ancestorSets(preds);
  return preds.map((ps) => ps.filter((p) => !ps.some((q) => q !== p && anc[q].has(p))));
}

/** Weakly connected components of the subgraph induced by `nodes`, each in the order `nodes` lists them. */
export function weaklyConnectedComponents(
  nodes: readonly number[],
  preds: readonly (readonly number[])[],
): number[][] {
  const parent = new Map(nodes.map((n) => [n, n]));
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(x, root);
    return root;
  };
  for (const v of nodes) {
    for (const p of preds[v]) {
      if (!parent.has(p)) continue;
      const a = find(p);
      const b = find(v);
      if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
    }
  }
  const groups = new Map<number, number[]>();
  for (const v of nodes) {
    const root = find(v);
    const group = groups.get(root);
    if (group) group.push(v);
    else groups.set(root, [v]);
  }
  // Map iteration follows insertion, i.e. the first member's position in `nodes`.
  return [...groups.values()];
}

export interface CriticalPath {
  /** Length of the longest chain of durations, the best makespan any schedule can reach. */
  readonly length: number;
  /** Task ids on one longest chain, first to last. */
  readonly path: readonly string[];
  /** Earliest start of each task when every task starts as soon as its dependencies end. */
  readonly startTimes: Readonly<Record<string, number>>;
}

export function criticalPath(
  tasks: readonly Task[],
  durations: Readonly<Record<string, number>>,
): CriticalPath {
  const dag = buildDag(tasks);
  const start = new Array<number>(dag.ids.length).fill(0);
  const via = new Array<number>(dag.ids.length).fill(-1);
  const end = (v: number) => start[v] + (durations[dag.ids[v]] ?? 0);
  for (const v of topologicalOrder(dag.preds)) {
    for (const p of dag.preds[v]) {
      if (end(p) > start[v]) {
        start[v] = end(p);
        via[v] = p;
      }
    }
  }
  let last = -1;
  dag.ids.forEach((_, v) => {
    if (last === -1 || end(v) > end(last)) last = v;
  });
  const path: string[] = [];
  for (let v = last; v !== -1; v = via[v]) path.unshift(dag.ids[v]);
  return {
    length: last === -1 ? 0 : end(last),
    path,
    startTimes: Object.fromEntries(dag.ids.map((id, v) => [id, start[v]])),
  };
}

/** Id-level views for callers that do not want indices. */
export function predecessors(tasks: readonly Task[]): Map<string, string[]> {
  return new Map(tasks.map((t) => [t.id, [...new Set(t.dependsOn ?? [])]]));
}

export function successors(tasks: readonly Task[]): Map<string, string[]> {
  const dag = buildDag(tasks);
  return new Map(dag.ids.map((id, v) => [id, dag.succs[v].map((s) => dag.ids[s])]));
}

/** Longest-path level of each task (roots are 0); the baseline compiler runs one level at a time. */
export function levels(preds: readonly (readonly number[])[]): number[] {
  const level = new Array<number>(preds.length).fill(0);
  for (const v of topologicalOrder(preds))
    for (const p of preds[v]) level[v] = Math.max(level[v], level[p] + 1);
  return level;
}

class MinHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(x: number): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= a[i]) break;
      [a[parent], a[i]] = [a[i], a[parent]];
      i = parent;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0];
    const lastItem = a.pop() as number;
    if (a.length > 0) {
      a[0] = lastItem;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
