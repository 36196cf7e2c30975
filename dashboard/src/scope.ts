/**
 * What a page owns while it is shown — refresh loops and listeners — so leaving it stops them all, and late
 * answers of a page already left are dropped instead of drawn over the next one.
 */
import { type Poller, poll } from './poll.js';

const documentVisibility = {
  hidden: () => document.visibilityState === 'hidden',
  onChange(listener: () => void) {
    document.addEventListener('visibilitychange', listener);
    return () => document.removeEventListener('visibilitychange', listener);
  },
};

const windowTimers = {
  setTimeout: (fn: () => void, ms: number) => window.setTimeout(fn, ms),
  clearTimeout: (handle: unknown) => window.clearTimeout(handle as number),
};

export class Scope {
  private readonly cleanups: (() => void)[] = [];
  private isDisposed = false;

  get disposed(): boolean {
    return this.isDisposed;
  }

  /** A refresh loop that ends with the page (see poll.ts). */
  poll(tick: () => Promise<unknown>, intervalMs: number | (() => number)): Poller {
    const poller = poll(
      async () => (this.isDisposed ? false : tick()),
      intervalMs,
      documentVisibility,
      windowTimers,
    );
    this.onDispose(() => poller.stop());
    return poller;
  }

  onDispose(cleanup: () => void): void {
    if (this.isDisposed) cleanup();
    else this.cleanups.push(cleanup);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}
