/** The backfill progress bar: a pure renderer, and a writer that redraws it on a terminal. */

export interface Progress {
  /** Runs that ended. */
  readonly done: number;
  /** Runs to do in all. */
  readonly total: number;
  /** Runs queued or running now. */
  readonly active: number;
}

const BAR_WIDTH = 30;

/** `[###########-------------------]  26/71 done, 4 running  37%`. */
export function renderProgress({ done, total, active }: Progress, barWidth = BAR_WIDTH): string {
  // A backfill with nothing to run is complete, not 0% of nothing.
  const ratio = total <= 0 ? 1 : Math.min(1, Math.max(0, done / total));
  const filled = Math.round(ratio * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  const running = active > 0 ? `, ${active} running` : '';
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `${bar}  ${done}/${total} done${running}  ${percent}`;
}

export interface ProgressWriter {
  update(progress: Progress): void;
  /** Ends the bar's line. */
  finish(): void;
}

/**
 * On a terminal the bar is redrawn in place (`\r`, then erase to the end of the line); in a log or a pipe, a
 * line is printed each time the numbers change, since `\r` would pile up there as one unreadable line.
 */
export function progressWriter(stream: { write(text: string): unknown; isTTY?: boolean }): ProgressWriter {
  let last: string | undefined;
  return {
    update(progress) {
      const line = renderProgress(progress);
      if (line === last) return;
      last = line;
      stream.write(stream.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
    },
    finish() {
      if (stream.isTTY && last !== undefined) stream.write('\n');
    },
  };
}
