import { DAY_MS, HOUR_MS, MINUTE_MS } from './calendar.js';
import { zoneOffsetMs } from './timezone.js';
import { toWallMs } from './zoned-time.js';

/** A change of a zone's UTC offset on one local calendar day (usually a DST switch). */
export interface DstChange {
  /** `forward` when clocks jump ahead (an hour is skipped), `back` when they are set back (an hour repeats). */
  readonly kind: 'forward' | 'back';
  /** Size of the jump in minutes: 60 almost everywhere, 30 on Lord Howe Island. */
  readonly shiftMinutes: number;
  /** ISO instant of the change, e.g. `2026-03-29T01:00:00.000Z`. */
  readonly at: string;
}

// Offsets range from −12:00 to +14:00, so every instant of a local day lies within this margin of its
// wall-clock bounds; an hourly probe cannot miss a change because zones never change twice within an hour.
const BEFORE_MS = 15 * HOUR_MS;
const AFTER_MS = 13 * HOUR_MS;
const PROBE_MS = HOUR_MS;

/** First instant (whole second) in (lo, hi] whose offset differs from the one at `lo`. */
function changeBetween(tz: string, lo: number, hi: number): number {
  const before = zoneOffsetMs(tz, lo);
  let low = lo;
  let high = hi;
  while (high - low > 1000) {
    const mid = low + Math.floor((high - low) / 2000) * 1000;
    if (zoneOffsetMs(tz, mid) === before) low = mid;
    else high = mid;
  }
  return high;
}

/**
 * The UTC-offset change on the local calendar day (in `timezone`) that contains `time`, or undefined when
 * that day has none (or `time` is an invalid Date). A change belongs to the day showing on the clocks right
 * after it: the day whose hour is skipped or repeated. Throws a RangeError for an unknown zone.
 */
export function dstChangeOn(time: Date, timezone: string): DstChange | undefined {
  const instant = time.getTime();
  if (!Number.isFinite(instant)) return undefined;
  const dayStartWall = Math.floor(toWallMs(timezone, instant) / DAY_MS) * DAY_MS;
  const from = dayStartWall - BEFORE_MS;
  const to = dayStartWall + DAY_MS + AFTER_MS;
  let previous = zoneOffsetMs(timezone, from);
  for (let probe = from + PROBE_MS; probe <= to; probe += PROBE_MS) {
    const offset = zoneOffsetMs(timezone, probe);
    if (offset === previous) continue;
    const at = changeBetween(timezone, probe - PROBE_MS, probe);
    const after = zoneOffsetMs(timezone, at);
    if (Math.floor((at + after) / DAY_MS) * DAY_MS === dayStartWall) {
      const shift = after - zoneOffsetMs(timezone, at - 1000);
      return {
        kind: shift > 0 ? 'forward' : 'back',
        shiftMinutes: Math.abs(shift) / MINUTE_MS,
        at: new Date(at).toISOString(),
      };
    }
    previous = offset;
  }
  return undefined;
}
