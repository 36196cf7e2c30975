/**
 * The DAG as SVG: boxes from the layout, edges from `dependsOn`, each box coloured and labelled by its task's
 * state. `update` changes only the boxes' classes and texts, so a live run redraws nothing else and keeps the
 * user's focus and selection.
 */
import type { TaskState } from '../api-types.js';
import { type Child, h, s } from '../dom.js';
import { elapsedMs, formatDuration } from '../format.js';
import { statusLabel, symbolOf, toneOf } from '../status.js';
import { type DagTask, edgePathData, layoutDag } from './layout.js';

export interface DagGraphView {
  readonly el: HTMLElement;
  update(states: Readonly<Record<string, TaskState>> | undefined, now: number): void;
  select(taskId: string | undefined): void;
}

const MAX_LABEL = 22;
const clip = (text: string) => (text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text);

/** `▶ Running · 4.2 s` — status words first, so the box reads right without colour. */
export function nodeStatusText(state: TaskState | undefined, now: number): string {
  const status = state?.status ?? 'PENDING';
  const elapsed = state ? elapsedMs(state, now) : undefined;
  const retry = state && state.attempt > 1 ? ` #${state.attempt}` : '';
  return `${symbolOf(status)} ${statusLabel(status)}${retry}${elapsed === undefined ? '' : ` · ${formatDuration(elapsed)}`}`;
}

export interface DagGraphOptions {
  readonly label?: string;
  /** Makes the boxes buttons: a click or Enter/Space picks the task. */
  readonly onSelect?: (taskId: string) => void;
  /**
   * A definition's graph (no run): each box's second line is this text instead of a state, and it never
   * changes.
   */
  readonly caption?: (taskId: string) => string;
}

export function dagGraph(tasks: readonly DagTask[], options: DagGraphOptions = {}): DagGraphView {
  const layout = layoutDag(tasks);
  const nodes = new Map<string, { g: SVGGElement; status: SVGTextElement; title: SVGTitleElement }>();
  const edges: { from: string; path: SVGPathElement; head: SVGPathElement }[] = [];

  const edgeLayer = s('g', { class: 'edges' });
  for (const edge of layout.edges) {
    const end = edge.points[edge.points.length - 1];
    const path = s('path', { class: 'edge', d: edgePathData(edge.points) });
    // A drawn arrowhead rather than a marker: `url(#id)` references break under a <base href> in some browsers.
    const head = s('path', {
      class: 'edge-head',
      d: `M${end.x - 7},${end.y - 4} L${end.x},${end.y} L${end.x - 7},${end.y + 4} Z`,
    });
    edgeLayer.append(path, head);
    edges.push({ from: edge.from, path, head });
  }

  const nodeLayer = s('g', { class: 'nodes' });
  for (const box of layout.nodes) {
    const title = s('title', null, box.id);
    const caption = options.caption?.(box.id);
    const status = s(
      'text',
      { class: 'node-status', x: box.x + 12, y: box.y + 38 },
      caption ? clip(caption) : '',
    );
    const interactive = options.onSelect !== undefined;
    const g = s(
      'g',
      {
        class: caption === undefined ? 'node' : 'node static',
        'data-task': box.id,
        tabindex: interactive ? 0 : null,
        role: interactive ? 'button' : null,
      },
      title,
      s('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 8, ry: 8 }),
      s('text', { class: 'node-id', x: box.x + 12, y: box.y + 20 }, clip(box.id)),
      status,
    );
    if (interactive) {
      const choose = () => options.onSelect?.(box.id);
      g.addEventListener('click', choose);
      g.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          choose();
        }
      });
    }
    nodeLayer.append(g);
    nodes.set(box.id, { g, status, title });
  }

  const svg = s(
    'svg',
    {
      class: 'dag',
      width: layout.width,
      height: layout.height,
      viewBox: `0 0 ${layout.width} ${layout.height}`,
      role: 'group',
      'aria-label': options.label ?? `Task graph, ${layout.nodes.length} tasks`,
    },
    edgeLayer,
    nodeLayer,
  );

  const view: DagGraphView = {
    el: h('div', { class: 'dag-scroll' }, svg),
    update(states, now) {
      for (const [id, node] of nodes) {
        const state = states?.[id];
        const status = state?.status ?? 'PENDING';
        node.g.setAttribute(
          'class',
          `node tone-${toneOf(status)}${node.g.classList.contains('selected') ? ' selected' : ''}`,
        );
        node.g.setAttribute('data-status', status);
        node.g.setAttribute('aria-label', `Task ${id}: ${statusLabel(status)}`);
        node.status.textContent = nodeStatusText(state, now);
        node.title.textContent = `${id} — ${statusLabel(status)}${state?.error ? ` — ${state.error.message}` : ''}`;
      }
      for (const edge of edges) {
        const done = states?.[edge.from]?.status === 'SUCCEEDED';
        edge.path.setAttribute('class', done ? 'edge done' : 'edge');
        edge.head.setAttribute('class', done ? 'edge-head done' : 'edge-head');
      }
    },
    select(taskId) {
      for (const [id, node] of nodes) {
        node.g.classList.toggle('selected', id === taskId);
        if (id === taskId) node.g.setAttribute('aria-pressed', 'true');
        else node.g.removeAttribute('aria-pressed');
      }
    },
  };
  if (!options.caption) view.update(undefined, Date.now());
  return view;
}

/** Each task status once, as badges: the key to the graph's colours. */
export function legend(statuses: readonly string[]): HTMLElement {
  const items: Child[] = statuses.map((status) =>
    h(
      'li',
      null,
      h(
        'span',
        { class: `badge tone-${toneOf(status)}` },
        h('span', { 'aria-hidden': 'true' }, symbolOf(status)),
        ` ${statusLabel(status)}`,
      ),
    ),
  );
  return h('ul', { class: 'legend', 'aria-label': 'Task states' }, items);
}
