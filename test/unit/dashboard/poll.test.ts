import { describe, expect, it } from 'vitest';
import { poll, type Timers, type Visibility } from '../../../dashboard/src/poll.js';

/** Manual timers and visibility: the test decides when time passes and whether the tab is shown. */
function harness() {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout(fn, ms) {
      const id = nextId++;
      pending.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  let hidden = false;
  const listeners = new Set<() => void>();
  const visibility: Visibility = {
    hidden: () => hidden,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return {
    timers,
    visibility,
    listeners,
    pendingCount: () => pending.size,
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        await flush(); // let ended ticks plan their next timer first
        const due = [...pending.entries()]
          .filter(([, t]) => t.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        await flush();
      }
      now = until;
      await flush();
    },
    async setHidden(value: boolean) {
      hidden = value;
      for (const l of listeners) l();
      await flush();
    },
  };
}

describe('refresh loop', () => {
  it('ticks every interval, first at now(), and never overlaps a slow tick', async () => {
    const h = harness();
    let ticks = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    let release: (() => void) | undefined;
    const poller = poll(
      async () => {
        ticks++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        inFlight--;
      },
      1000,
      h.visibility,
      h.timers,
    );
    poller.now();
    await h.advance(0);
    expect(ticks).toBe(1);
    await h.advance(5000); // the tick has not ended: no second one
    expect(ticks).toBe(1);
    poller.now(); // asked during the tick: runs right after it
    release!();
    await h.advance(0);
    expect(ticks).toBe(2);
    release!();
    await h.advance(999);
    expect(ticks).toBe(2);
    await h.advance(1);
    expect(ticks).toBe(3);
    expect(maxInFlight).toBe(1);
    release!();
    poller.stop();
  });

  it('stops when a tick answers false, and on stop()', async () => {
    const h = harness();
    let ticks = 0;
    poll(async () => ++ticks < 3, 1000, h.visibility, h.timers);
    await h.advance(10_000);
    expect(ticks).toBe(3);
    expect(h.pendingCount()).toBe(0);
    expect(h.listeners.size).toBe(0);

    let more = 0;
    const other = poll(async () => void more++, 1000, h.visibility, h.timers);
    await h.advance(2000);
    other.stop();
    await h.advance(10_000);
    expect(more).toBe(2);
  });

  it('pauses while the tab is hidden and catches up at once when it is shown', async () => {
    const h = harness();
    let ticks = 0;
    const poller = poll(async () => void ticks++, 1000, h.visibility, h.timers);
    await h.advance(1000);
    expect(ticks).toBe(1);
    await h.setHidden(true);
    await h.advance(60_000);
    expect(ticks).toBe(1);
    poller.now(); // hidden: still nothing
    await h.advance(0);
    expect(ticks).toBe(1);
    await h.setHidden(false);
    await h.advance(0);
    expect(ticks).toBe(2);
    await h.advance(1000);
    expect(ticks).toBe(3);
    poller.stop();
  });

  it('asks a function interval after each tick (faster while something runs)', async () => {
    const h = harness();
    let ticks = 0;
    const poller = poll(
      async () => void ticks++,
      () => (ticks >= 1 && ticks < 3 ? 100 : 1000),
      h.visibility,
      h.timers,
    );
    await h.advance(1000);
    expect(ticks).toBe(1);
    await h.advance(200);
    expect(ticks).toBe(3);
    await h.advance(999);
    expect(ticks).toBe(3);
    await h.advance(1);
    expect(ticks).toBe(4);
    poller.stop();
  });

  it('keeps going after a failing tick (the page shows the error, the API may recover)', async () => {
    const h = harness();
    let ticks = 0;
    const poller = poll(
      async () => {
        ticks++;
        throw new Error('API down');
      },
      1000,
      h.visibility,
      h.timers,
    );
    await h.advance(3000);
    expect(ticks).toBe(3);
    poller.stop();
  });
});
