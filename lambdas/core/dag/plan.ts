import {
  ancestorSets,
  BitSet,
  levels,
  topologicalOrder,
  transitiveReduction,
  weaklyConnectedComponents,
} from './graph.js';

/** The control structure the compiler emits: a task, tasks one after another, or branches side by side. */
export type Block =
  | { readonly kind: 'task'; readonly node: number }
  | { readonly kind: 'seq'; readonly items: readonly Block[] }
  | { readonly kind: 'par'; readonly branches: readonly Block[] };

export interface Plan {
  readonly root: Block;
  /** Tasks that end before `v` starts because the structure says so (and whose status flows to `v` as data). */
  readonly before: readonly ReadonlySet<number>[];
  /** Direct dependencies of `v` that the structure does not order before it: `v` waits on the latch for them. */
  readonly latchDeps: readonly (readonly number[])[];
}

/**
 * Exact plan: series-parallel structure where it is exact, latch edges for the rest. A barrier (series cut) is
 * only used when every task after it descends from every task before it, so no task waits for a task it does
 * not depend on; edges that break series-parallel shape are moved to the latch, which orders them one by one.
 */
export function exactPlan(preds: readonly (readonly number[])[]): Plan {
  const working = transitiveReduction(preds).map((p) => [...p]);
  const root = decompose(topologicalOrder(preds), working);
  return withLatchDeps(root, preds);
}

/** The naive baseline: one Parallel per longest-path level, a barrier between levels. */
export function levelPlan(preds: readonly (readonly number[])[]): Plan {
  const level = levels(preds);
  const byLevel: number[][] = [];
  level.forEach((l, v) => {
    byLevel[l] ??= [];
    byLevel[l].push(v);
  });
  const items = byLevel.map((nodes): Block => parOf(nodes.map((node) => ({ kind: 'task', node }))));
  return withLatchDeps(items.length === 1 ? items[0] : { kind: 'seq', items }, preds);
}

/** `nodes` in topological order; `preds` is the working edge set, which this function may thin out. */
function decompose(nodes: readonly number[], preds: number[][]): Block {
  if (nodes.length === 1) return { kind: 'task', node: nodes[0] };
  const components = weaklyConnectedComponents(nodes, preds);
  if (components.length > 1) return parOf(components.map((c) => decompose(c, preds)));
  const segments = seriesSegments(nodes, preds);
  if (segments.length > 1) return { kind: 'seq', items: segments.map((s) => decompose(s, preds)) };
  latchJoins(nodes, preds);
  return decompose(nodes, preds);
}

function parOf(branches: Block[]): Block {
  return branches.length === 1 ? branches[0] : { kind: 'par', branches };
}

/**
 * Splits a connected subgraph at every exact series cut. A cut after position `i` of the topological order is
 * exact when each later node has all of positions 0..i-1 among its ancestors; `reach[j]` is the longest prefix
 * node `j` descends from entirely, so the cut is exact when the minimum of `reach` over the suffix is ≥ i.
 */
function seriesSegments(nodes: readonly number[], preds: readonly (readonly number[])[]): number[][] {
  const anc = localAncestors(nodes, preds);
  const reach = anc.map((set) => {
    let k = 0;
    while (k < nodes.length && set.has(k)) k++;
    return k;
  });
  const suffixMin = new Array<number>(nodes.length + 1).fill(Number.POSITIVE_INFINITY);
  for (let j = nodes.length - 1; j >= 0; j--) suffixMin[j] = Math.min(suffixMin[j + 1], reach[j]);
  const segments: number[][] = [];
  let from = 0;
  for (let i = 1; i < nodes.length; i++) {
    if (suffixMin[i] >= i) {
      segments.push(nodes.slice(from, i));
      from = i;
    }
  }
  segments.push(nodes.slice(from));
  return segments;
}

/** Ancestors restricted to `nodes`, by position in `nodes`. */
function localAncestors(nodes: readonly number[], preds: readonly (readonly number[])[]): BitSet[] {
  const position = new Map(nodes.map((v, i) => [v, i]));
  const sets = nodes.map(() => new BitSet(nodes.length));
  nodes.forEach((v, i) => {
    for (const p of preds[v]) {
      const j = position.get(p);
      if (j === undefined) continue;
      sets[i].add(j);
      sets[i].or(sets[j]);
    }
  });
  return sets;
}

/**
 * The subgraph is connected with no exact cut, so it is not series-parallel. Joins whose predecessors share no
 * ancestor (the "N" shape: a→d, b→d with b unrelated to a's side) keep one incoming edge — the latest
 * predecessor in topological order — and hand the others to the latch. If every join's predecessors share an
 * ancestor, the join with the fewest shared ancestors is cut. Each call removes at least one edge, and a graph
 * where no node has two predecessors is a forest, which decomposes, so the recursion ends.
 */
function latchJoins(nodes: readonly number[], preds: number[][]): void {
  const position = new Map(nodes.map((v, i) => [v, i]));
  const anc = localAncestors(nodes, preds);
  let best: { v: number; shared: number }[] = [];
  for (const v of nodes) {
    const inside = preds[v].filter((p) => position.has(p));
    if (inside.length < 2) continue;
    const shared = sharedAncestors(
      inside.map((p) => anc[position.get(p) ?? 0]),
      nodes.length,
    );
    if (best.length === 0 || shared < best[0].shared) best = [{ v, shared }];
    else if (shared === best[0].shared && shared === 0) best.push({ v, shared });
  }
  for (const { v } of best) {
    const inside = preds[v].filter((p) => position.has(p));
    const keep = inside.reduce((a, b) => ((position.get(a) ?? 0) > (position.get(b) ?? 0) ? a : b));
    preds[v] = preds[v].filter((p) => p === keep || !position.has(p));
  }
}

function sharedAncestors(sets: readonly BitSet[], size: number): number {
  let count = 0;
  for (let i = 0; i < size; i++) if (sets.every((s) => s.has(i))) count++;
  return count;
}

/** Walks the structure: what precedes each task in a sequence is ordered before it; the rest goes to the latch. */
function withLatchDeps(root: Block, preds: readonly (readonly number[])[]): Plan {
  const before: Set<number>[] = preds.map(() => new Set());
  const walk = (block: Block, prior: ReadonlySet<number>): Set<number> => {
    if (block.kind === 'task') {
      before[block.node] = new Set(prior);
      return new Set([...prior, block.node]);
    }
    if (block.kind === 'seq') {
      let acc = new Set(prior);
      for (const item of block.items) acc = walk(item, acc);
      return acc;
    }
    const out = new Set(prior);
    for (const branch of block.branches) for (const v of walk(branch, prior)) out.add(v);
    return out;
  };
  walk(root, new Set());
  const latchDeps = preds.map((ps, v) => ps.filter((p) => !before[v].has(p)));
  return { root, before, latchDeps };
}

/** Sanity check used by tests: no task is ordered after a task it does not descend from. */
export function isExact(plan: Plan, preds: readonly (readonly number[])[]): boolean {
  const anc = ancestorSets(preds);
  return plan.before.every((set, v) => [...set].every((u) => anc[v].has(u)));
}
