import { DAY_MS } from './calendar.js';
import { zoneOffsetMs } from './timezone.js';

/** Local wall time of `instant` in `tz`, as wall milliseconds (see `calendar.ts`). */
export function toWallMs(tz: string, instant: number): number {
  return instant + zoneOffsetMs(tz, instant);
}

/**
 * The instants (epoch ms, ascending) at which clocks in `tz` show the wall time `wall`:
 * none inside a spring-forward gap, two inside a fall-back overlap, otherwise one.
 */
export function wallToInstants(tz: string, wall: number): number[] {
  // Any transition that affects `wall` happens within a day of it, so the offsets a day before and a day
  // after are the only candidates (real zones never change offset twice within two days).
  const before = wall - zoneOffsetMs(tz, wall - DAY_MS);
  const after = wall - zoneOffsetMs(tz, wall + DAY_MS);
  const found: number[] = [];
  if (toWallMs(tz, before) === wall) found.push(before);
  if (after !== before && toWallMs(tz, after) === wall) found.push(after);
  return found.sort((a, b) => a - b);
}

/**
 * The instant EventBridge Scheduler fires a cron wall time at: the earlier one when the wall time occurs
 * twice (fall back fires once), undefined when it does not exist (spring forward is skipped).
 */
export function firstInstantOfWall(tz: string, wall: number): number | undefined {
  return wallToInstants(tz, wall)[0];
}
