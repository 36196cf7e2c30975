import { describe, expect, it } from 'vitest';
import { progressWriter, renderProgress } from '../../../bin/cli/progress.js';

describe('renderProgress', () => {
  it('fills the bar in proportion and says how many ended and how many run', () => {
    expect(renderProgress({ done: 0, total: 71, active: 1 })).toBe(
      `[${'-'.repeat(30)}]  0/71 done, 1 running    0%`,
    );
    expect(renderProgress({ done: 26, total: 71, active: 4 })).toBe(
      `[${'#'.repeat(11)}${'-'.repeat(19)}]  26/71 done, 4 running   36%`,
    );
    expect(renderProgress({ done: 71, total: 71, active: 0 })).toBe(`[${'#'.repeat(30)}]  71/71 done  100%`);
  });

  it('rounds the bar but never shows 100% before the end', () => {
    const line = renderProgress({ done: 999, total: 1000, active: 1 }, 10);
    expect(line).toBe('[##########]  999/1000 done, 1 running   99%');
  });

  it('treats nothing to do as done, and clamps odd numbers', () => {
    expect(renderProgress({ done: 0, total: 0, active: 0 }, 4)).toBe('[####]  0/0 done  100%');
    expect(renderProgress({ done: 5, total: 3, active: 0 }, 4)).toBe('[####]  5/3 done  100%');
  });
});

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } };
}

describe('progressWriter', () => {
  it('on a terminal redraws one line in place and ends it with a newline', () => {
    const { writes, stream } = sink(true);
    const bar = progressWriter(stream);
    bar.update({ done: 0, total: 2, active: 1 });
    bar.update({ done: 0, total: 2, active: 1 });
    bar.update({ done: 2, total: 2, active: 0 });
    bar.finish();
    expect(writes).toEqual([
      `\r${renderProgress({ done: 0, total: 2, active: 1 })}\x1b[K`,
      `\r${renderProgress({ done: 2, total: 2, active: 0 })}\x1b[K`,
      '\n',
    ]);
  });

  it('in a pipe or log prints a line each time the numbers change, without \\r', () => {
    const { writes, stream } = sink(false);
    const bar = progressWriter(stream);
    bar.update({ done: 1, total: 2, active: 1 });
    bar.update({ done: 1, total: 2, active: 1 });
    bar.update({ done: 2, total: 2, active: 0 });
    bar.finish();
    expect(writes).toEqual([
      `${renderProgress({ done: 1, total: 2, active: 1 })}\n`,
      `${renderProgress({ done: 2, total: 2, active: 0 })}\n`,
    ]);
  });

  it('writes nothing at the end when nothing was drawn', () => {
    const { writes, stream } = sink(true);
    progressWriter(stream).finish();
    expect(writes).toEqual([]);
  });
});
