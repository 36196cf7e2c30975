/**
 * Layered layout of a DAG, left to right (Sugiyama, kept small): each task's column is its longest path from a
 * task without dependencies; edges that skip columns get invisible waypoints so they run between the boxes of
 * the columns they cross; a few barycenter sweeps reorder each column to remove some edge crossings. Pure, so
 * it is unit-tested and the graph does not move when only task states change.
 */
export interface DagTask {
  readonly id: string;
  readonly dependsOn?: readonly string[];
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface NodeBox {
  readonly id: string;
  readonly layer: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface EdgePath {
  readonly from: string;
  readonly to: string;
  /** From the right middle of `from` to the left middle of `to`, through the waypoints of skipped columns. */
  readonly points: readonly Point[];
}

export interface DagLayout {
  readonly nodes: readonly NodeBox[];
  readonly edges: readonly EdgePath[];
  readonly width: number;
  readonly height: number;
}

export interface LayoutOptions {
  readonly nodeWidth?: number;
  readonly nodeHeight?: number;
  readonly columnGap?: number;
  readonly rowGap?: number;
  /** Height a waypoint takes in its column: less than a box, so long edges do not spread columns much. */
  readonly waypointHeight?: number;
  readonly margin?: number;
}

const DEFAULTS: Required<LayoutOptions> = {
  nodeWidth: 168,
  nodeHeight: 52,
  columnGap: 56,
  rowGap: 18,
  waypointHeight: 14,
  margin: 12,
};

/** Enough sweeps to settle small graphs; more rarely helps and costs time on 100-task DAGs. */
const SWEEPS = 6;

/** Only dependencies on tasks of the graph count; a duplicate id keeps its first definition. */
function normalise(tasks: readonly DagTask[]): { ids: string[]; deps: Map<string, string[]> } {
  const ids: string[] = [];
  const deps = new Map<string, string[]>();
  for (const task of tasks) {
    if (deps.has(task.id)) continue;
    ids.push(task.id);
    deps.set(task.id, []);
  }
  const seen = new Set<string>();
  for (const task of tasks) {
    if (seen.has(task.id)) continue;
    seen.add(task.id);
    const own = deps.get(task.id)!;
    for (const dep of task.dependsOn ?? []) {
      if (dep !== task.id && deps.has(dep) && !own.includes(dep)) own.push(dep);
    }
  }
  return { ids, deps };
}

/**
 * Column of each task: 0 without dependencies, else one more than its deepest dependency. A cycle (which the
 * API refuses, but a drawing must not hang on) is cut where the walk meets it.
 */
export function assignLayers(tasks: readonly DagTask[]): Map<string, number> {
  const { ids, deps } = normalise(tasks);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return -1;
    visiting.add(id);
    let value = 0;
    for (const dep of deps.get(id) ?? []) value = Math.max(value, visit(dep) + 1);
    visiting.delete(id);
    layer.set(id, value);
    return value;
  };
  for (const id of ids) visit(id);
  return layer;
}

interface Segment {
  readonly upper: string;
  readonly lower: string;
}

/** Crossings between consecutive columns: two segments cross when their ends are in opposite order. */
export function countCrossings(
  columns: readonly (readonly string[])[],
  segments: readonly Segment[],
): number {
  const position = new Map<string, number>();
  const columnOf = new Map<string, number>();
  columns.forEach((column, c) => {
    column.forEach((id, i) => {
      position.set(id, i);
      columnOf.set(id, c);
    });
  });
  const byColumn = new Map<number, Segment[]>();
  for (const s of segments) {
    const c = columnOf.get(s.upper)!;
    byColumn.set(c, [...(byColumn.get(c) ?? []), s]);
  }
  let crossings = 0;
  for (const list of byColumn.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i];
        const b = list[j];
        const up = position.get(a.upper)! - position.get(b.upper)!;
        const down = position.get(a.lower)! - position.get(b.lower)!;
        if (up * down < 0) crossings++;
      }
    }
  }
  return crossings;
}

/** Orders one column by the mean position of each item's neighbours in the column beside it. */
function sortByBarycenter(
  column: string[],
  neighbours: Map<string, string[]>,
  position: Map<string, number>,
) {
  const centre = new Map<string, number>();
  column.forEach((id, i) => {
    const near = neighbours.get(id) ?? [];
    centre.set(id, near.length === 0 ? i : near.reduce((sum, n) => sum + position.get(n)!, 0) / near.length);
  });
  // Array.prototype.sort is stable: ties keep their order, so the layout is deterministic.
  column.sort((a, b) => centre.get(a)! - centre.get(b)!);
  column.forEach((id, i) => {
    position.set(id, i);
  });
}

export function layoutDag(tasks: readonly DagTask[], options: LayoutOptions = {}): DagLayout {
  const o = { ...DEFAULTS, ...options };
  const { ids, deps } = normalise(tasks);
  const layer = assignLayers(tasks);
  const columnCount = ids.length === 0 ? 0 : Math.max(...ids.map((id) => layer.get(id)!)) + 1;
  const columns: string[][] = Array.from({ length: columnCount }, () => []);
  for (const id of ids) columns[layer.get(id)!].push(id);

  // Split each edge into one segment per column it crosses; waypoint ids cannot clash with task ids (NUL).
  const segments: Segment[] = [];
  const chains: { from: string; to: string; via: string[] }[] = [];
  const waypoints = new Set<string>();
  for (const to of ids) {
    for (const from of deps.get(to)!) {
      if (layer.get(from)! >= layer.get(to)!) continue; // a cut cycle edge: not drawn
      const via: string[] = [];
      let upper = from;
      for (let c = layer.get(from)! + 1; c < layer.get(to)!; c++) {
        const w = `\u0000${from}\u0000${to}\u0000${c}`;
        waypoints.add(w);
        columns[c].push(w);
        via.push(w);
        segments.push({ upper, lower: w });
        upper = w;
      }
      segments.push({ upper, lower: to });
      chains.push({ from, to, via });
    }
  }

  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const s of segments) {
    preds.set(s.lower, [...(preds.get(s.lower) ?? []), s.upper]);
    succs.set(s.upper, [...(succs.get(s.upper) ?? []), s.lower]);
  }
  const position = new Map<string, number>();
  for (const column of columns) {
    column.forEach((id, i) => {
      position.set(id, i);
    });
  }
  let best = columns.map((c) => [...c]);
  let bestCrossings = countCrossings(best, segments);
  for (let sweep = 0; sweep < SWEEPS && bestCrossings > 0; sweep++) {
    if (sweep % 2 === 0)
      for (let c = 1; c < columns.length; c++) sortByBarycenter(columns[c], preds, position);
    else for (let c = columns.length - 2; c >= 0; c--) sortByBarycenter(columns[c], succs, position);
    const crossings = countCrossings(columns, segments);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best = columns.map((c) => [...c]);
    }
  }

  // Each column is centred vertically on the tallest one.
  const heightOf = (id: string) => (waypoints.has(id) ? o.waypointHeight : o.nodeHeight);
  const columnHeight = (column: string[]) =>
    column.reduce((sum, id) => sum + heightOf(id), 0) + Math.max(0, column.length - 1) * o.rowGap;
  const tallest = Math.max(0, ...best.map(columnHeight));
  const centreY = new Map<string, number>();
  const boxes: NodeBox[] = [];
  best.forEach((column, c) => {
    let y = o.margin + (tallest - columnHeight(column)) / 2;
    const x = o.margin + c * (o.nodeWidth + o.columnGap);
    for (const id of column) {
      centreY.set(id, y + heightOf(id) / 2);
      if (!waypoints.has(id)) boxes.push({ id, layer: c, x, y, width: o.nodeWidth, height: o.nodeHeight });
      y += heightOf(id) + o.rowGap;
    }
  });
  const left = (c: number) => o.margin + c * (o.nodeWidth + o.columnGap);
  const edges: EdgePath[] = chains.map(({ from, to, via }) => {
    const points: Point[] = [{ x: left(layer.get(from)!) + o.nodeWidth, y: centreY.get(from)! }];
    via.forEach((w, i) => {
      const c = layer.get(from)! + 1 + i;
      points.push({ x: left(c), y: centreY.get(w)! }, { x: left(c) + o.nodeWidth, y: centreY.get(w)! });
    });
    points.push({ x: left(layer.get(to)!), y: centreY.get(to)! });
    return { from, to, points };
  });
  // Boxes in the order the tasks were given, so the SVG's reading order follows the definition.
  const order = new Map(ids.map((id, i) => [id, i]));
  boxes.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return {
    nodes: boxes,
    edges,
    width: columnCount === 0 ? 0 : 2 * o.margin + columnCount * o.nodeWidth + (columnCount - 1) * o.columnGap,
    height: columnCount === 0 ? 0 : 2 * o.margin + tallest,
  };
}

/** SVG path data through the points: smooth curves between columns, straight runs through skipped ones. */
export function edgePathData(points: readonly Point[]): string {
  if (points.length === 0) return '';
  const r = (n: number) => Math.round(n * 10) / 10;
  let d = `M${r(points[0].x)},${r(points[0].y)}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a.y === b.y || i % 2 === 0) {
      d += ` L${r(b.x)},${r(b.y)}`;
    } else {
      const mid = (a.x + b.x) / 2;
      d += ` C${r(mid)},${r(a.y)} ${r(mid)},${r(b.y)} ${r(b.x)},${r(b.y)}`;
    }
  }
  return d;
}
