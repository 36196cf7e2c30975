import { describe, expect, it } from 'vitest';
import {
  assignLayers,
  countCrossings,
  type DagTask,
  edgePathData,
  layoutDag,
} from '../../../dashboard/src/graph/layout.js';

const t = (id: string, ...dependsOn: string[]): DagTask => ({ id, dependsOn });

function boxesOverlap(layout: ReturnType<typeof layoutDag>): boolean {
  const { nodes } = layout;
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i];
      const b = nodes[j];
      const apart =
        a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      if (!apart) return true;
    }
  }
  return false;
}

describe('DAG layout', () => {
  it('puts each task one column after its deepest dependency (longest path)', () => {
    const layers = assignLayers([t('a'), t('b', 'a'), t('c', 'b'), t('d', 'a', 'c'), t('e')]);
    expect(Object.fromEntries(layers)).toEqual({ a: 0, b: 1, c: 2, d: 3, e: 0 });
  });

  it('ignores dependencies on unknown tasks and on itself, and cuts a cycle instead of hanging', () => {
    expect(Object.fromEntries(assignLayers([t('a', 'ghost', 'a'), t('b', 'a')]))).toEqual({ a: 0, b: 1 });
    const cyclic = layoutDag([t('a', 'c'), t('b', 'a'), t('c', 'b')]);
    expect(cyclic.nodes).toHaveLength(3);
    expect(boxesOverlap(cyclic)).toBe(false);
  });

  it('lays out the N DAG in columns, left to right, with no box overlapping another', () => {
    const layout = layoutDag([t('a'), t('b'), t('c', 'a'), t('d', 'a', 'b')]);
    const x = Object.fromEntries(layout.nodes.map((n) => [n.id, n.x]));
    expect(x.a).toBe(x.b);
    expect(x.c).toBeGreaterThan(x.a);
    expect(x.c).toBe(x.d);
    expect(boxesOverlap(layout)).toBe(false);
    expect(layout.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(['a>c', 'a>d', 'b>d']);
    for (const n of layout.nodes) {
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
    }
  });

  it('reorders a column to remove crossings the input order would cause', () => {
    // Given in crossing order: a→y and b→x, with x listed before y.
    const tasks = [t('a'), t('b'), t('x', 'b'), t('y', 'a')];
    const naive = countCrossings(
      [
        ['a', 'b'],
        ['x', 'y'],
      ],
      [
        { upper: 'a', lower: 'y' },
        { upper: 'b', lower: 'x' },
      ],
    );
    expect(naive).toBe(1);
    const layout = layoutDag(tasks);
    const y = Object.fromEntries(layout.nodes.map((n) => [n.id, n.y]));
    // a above b, so y (a's child) above x (b's child): no crossing.
    expect(Math.sign(y.a - y.b)).toBe(Math.sign(y.y - y.x));
  });

  it('routes an edge that skips columns through waypoints beside the boxes it passes', () => {
    const layout = layoutDag([t('a'), t('b', 'a'), t('c', 'b'), t('d', 'a', 'c')]);
    const long = layout.edges.find((e) => e.from === 'a' && e.to === 'd')!;
    // Start, two points per skipped column (b's and c's), end.
    expect(long.points).toHaveLength(6);
    const boxes = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const skipped of ['b', 'c']) {
      const box = boxes.get(skipped)!;
      const through = long.points.filter((p) => p.x >= box.x && p.x <= box.x + box.width);
      for (const p of through) expect(p.y < box.y || p.y > box.y + box.height).toBe(true);
    }
    // Curves between columns (straight where the heights match), straight through the skipped columns.
    const d = edgePathData(long.points);
    expect(d).toMatch(/^M[\d.]+,[\d.]+ C/);
    expect(d.match(/ L/g)).toHaveLength(3);
    expect(d).toMatch(/ C[\d., ]+$/);
  });

  it('keeps the definition order for the boxes and is deterministic', () => {
    const tasks = [t('z'), t('m', 'z'), t('a', 'z'), t('q', 'm', 'a')];
    const one = layoutDag(tasks);
    expect(one.nodes.map((n) => n.id)).toEqual(['z', 'm', 'a', 'q']);
    expect(layoutDag(tasks)).toEqual(one);
  });

  it('draws nothing for no tasks, and a wide fan-out within its column', () => {
    expect(layoutDag([])).toEqual({ nodes: [], edges: [], width: 0, height: 0 });
    const fan = [t('root'), ...Array.from({ length: 32 }, (_, i) => t(`leaf${i}`, 'root'))];
    const layout = layoutDag(fan);
    expect(boxesOverlap(layout)).toBe(false);
    expect(new Set(layout.nodes.filter((n) => n.id !== 'root').map((n) => n.x)).size).toBe(1);
  });

  it('lays out a 100-task DAG quickly', () => {
    const tasks = Array.from({ length: 100 }, (_, i) =>
      t(`t${i}`, ...(i === 0 ? [] : [`t${Math.floor(i / 3)}`, `t${Math.max(0, i - 7)}`])),
    );
    const started = performance.now();
    const layout = layoutDag(tasks);
    expect(performance.now() - started).toBeLessThan(500);
    expect(layout.nodes).toHaveLength(100);
    expect(boxesOverlap(layout)).toBe(false);
  });
});
