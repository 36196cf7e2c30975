import type { Clock } from '../../../lambdas/ports.js';

/**
 * A clock that runs at real speed from a chosen instant and can jump forward (never back: timers already
 * planned would fire out of order). The local runtime reads it everywhere (queue delays, watcher, scheduler
 * stand-in), so a jump makes every timer and schedule due by then come due, as if the time had passed.
 */
export function travellingClock(start: Date | string) {
  let offset = new Date(start).getTime() - Date.now();
  const clock: Clock & { travelTo(at: Date | string): void; nowMs(): number } = {
    now: () => new Date(Date.now() + offset),
    nowMs: () => Date.now() + offset,
    travelTo(at) {
      const target = new Date(at).getTime();
      if (target < Date.now() + offset)
        throw new Error(`travellingClock: cannot go back to ${new Date(at).toISOString()}`);
      offset = target - Date.now();
    },
  };
  return clock;
}

export type TravellingClock = ReturnType<typeof travellingClock>;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
