/**
 * A brute-force oracle of cron slots with EventBridge Scheduler DST semantics, independent of the code under
 * test: every UTC minute is read as a wall time in the zone with `Intl`; a matching wall time fires at its first
 * instant (a repeated hour fires once), a wall time that never occurs (spring forward) never fires.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallOf(ms: number, zone: string): { key: string; hour: number; minute: number } {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return {
    key: `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** ISO slots of the daily-pattern cron `<minute> <hours> * * *` in `zone` within [from, to) (epoch ms). */
export function cronOracle(
  minute: number,
  hours: ReadonlySet<number>,
  zone: string,
  from: number,
  to: number,
): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  // A wall time already seen before the window (the first pass of a repeated hour) does not fire in it.
  for (let t = Math.ceil((from - 2 * HOUR) / MINUTE) * MINUTE; t < to; t += MINUTE) {
    const wall = wallOf(t, zone);
    if (wall.minute !== minute || !hours.has(wall.hour) || seen.has(wall.key)) continue;
    seen.add(wall.key);
    if (t >= from) out.push(new Date(t).toISOString());
  }
  return out;
}

/** Every hour of the day, for `<minute> * * * *`. */
export const EVERY_HOUR: ReadonlySet<number> = new Set(Array.from({ length: 24 }, (_, h) => h));
