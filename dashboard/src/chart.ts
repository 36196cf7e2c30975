/**
 * Runs per minute as SVG: ended runs as stacked bars (succeeded, failed) and started runs as a line, with a
 * title per minute for the exact numbers. Drawn, not charted by a library: it is one picture.
 */
import type { Overview } from './api-types.js';
import { s } from './dom.js';
import { formatUtc } from './format.js';
import { niceMax } from './model.js';

type Minute = Overview['runsPerMinute'][number];

/** `width` is the pixel width it is shown at: the drawing is not stretched, so its text keeps its shape. */
export function runsChart(points: readonly Minute[], width: number): SVGSVGElement {
  const height = 200;
  const pad = { left: 36, right: 8, top: 10, bottom: 24 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const top = niceMax(Math.max(0, ...points.map((p) => Math.max(p.started, p.succeeded + p.failed))));
  const y = (v: number) => pad.top + plotH - (v / top) * plotH;
  const slot = plotW / Math.max(1, points.length);
  const barW = Math.max(1, slot * 0.7);
  const x = (i: number) => pad.left + i * slot + (slot - barW) / 2;

  const grid = [0, top / 2, top].map((v) =>
    s(
      'g',
      { class: 'grid' },
      s('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }),
      s(
        'text',
        { x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end' },
        Number.isInteger(v) ? String(v) : v.toFixed(1),
      ),
    ),
  );
  const bars = points.map((p, i) =>
    s(
      'g',
      { class: 'bar' },
      s(
        'title',
        null,
        `${formatUtc(p.minute)}: ${p.started} started, ${p.succeeded} succeeded, ${p.failed} failed`,
      ),
      s('rect', { class: 'ok', x: x(i), width: barW, y: y(p.succeeded), height: y(0) - y(p.succeeded) }),
      s('rect', {
        class: 'bad',
        x: x(i),
        width: barW,
        y: y(p.succeeded + p.failed),
        height: y(p.succeeded) - y(p.succeeded + p.failed),
      }),
      // An invisible full-height target, so hovering anywhere in the minute shows its numbers.
      s('rect', { class: 'hit', x: pad.left + i * slot, width: slot, y: pad.top, height: plotH }),
    ),
  );
  const line = s('polyline', {
    class: 'started',
    points: points.map((p, i) => `${(x(i) + barW / 2).toFixed(1)},${y(p.started).toFixed(1)}`).join(' '),
  });
  const labelAt = (i: number, anchor: string) =>
    points[i]
      ? s(
          'text',
          { class: 'axis', x: x(i) + barW / 2, y: height - 6, 'text-anchor': anchor },
          formatUtc(points[i].minute).slice(11),
        )
      : null;
  const total = points.reduce((sum, p) => sum + p.started, 0);
  return s(
    'svg',
    {
      class: 'chart',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      width,
      height,
      'aria-label': `Runs per minute: ${total} started in ${points.length} minutes`,
    },
    grid,
    bars,
    line,
    labelAt(0, 'start'),
    labelAt(Math.floor((points.length - 1) / 2), 'middle'),
    labelAt(points.length - 1, 'end'),
  );
}
