/**
 * Refresh loops that never overlap (the next tick is planned after the previous one ended, so a slow API is
 * not piled on), pause while the tab is hidden and stop for good when their page is left or `tick` answers
 * false (a finished run). Timers and visibility are injected so the loop is unit-tested with fake ones.
 */
export interface Visibility {
  hidden(): boolean;
  /** Calls `listener` when the tab is shown or hidden; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Poller {
  stop(): void;
  /** Refresh now (after an action), then keep the interval from here. */
  now(): void;
}

/**
 * Calls `tick` every `intervalMs` while visible, the first time after `intervalMs` or at `now()`. `tick`
 * answers false to stop. A function interval is asked after each tick (faster while something runs).
 */
export function poll(
  tick: () => Promise<unknown>,
  intervalMs: number | (() => number),
  visibility: Visibility,
  timers: Timers,
): Poller {
  let handle: unknown;
  let running = false;
  let stopped = false;
  let pendingNow = false;

  const schedule = (ms: number) => {
    if (stopped || running || visibility.hidden()) return;
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = timers.setTimeout(run, ms);
  };

  async function run() {
    handle = undefined;
    if (stopped || visibility.hidden()) return;
    running = true;
    let again = true;
    try {
      again = (await tick()) !== false;
    } catch {
      // The tick shows its own error; the loop carries on so the page recovers when the API does.
    }
    running = false;
    if (!again) return stop();
    if (pendingNow) {
      pendingNow = false;
      schedule(0);
    } else schedule(interval());
  }

  function interval(): number {
    return typeof intervalMs === 'function' ? intervalMs() : intervalMs;
  }

  const unsubscribe = visibility.onChange(() => {
    if (visibility.hidden()) {
      if (handle !== undefined) timers.clearTimeout(handle);
      handle = undefined;
    } else schedule(0); // back in view: catch up at once
  });

  function stop() {
    stopped = true;
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = undefined;
    unsubscribe();
  }

  schedule(interval());
  return {
    stop,
    now() {
      if (running) pendingNow = true;
      else schedule(0);
    },
  };
}
