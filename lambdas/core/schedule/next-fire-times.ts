import { HOUR_MS, MINUTE_MS, msToCivil } from './calendar.js';
import { isCronSpec, parseCron } from './cron.js';
import { nextWallMatch } from './cron-search.js';
import { parseInstant } from './instant.js';
import { isParsedRate, parseRate } from './rate.js';
import { isValidTimezone } from './timezone.js';
import type { CronSchedule, RateSchedule, Schedule } from './types.js';
import { firstInstantOfWall, toWallMs } from './zoned-time.js';

/** Options of {@link nextFireTimes}. */
export interface NextFireTimesOptions {
  /** Only instants strictly after this one are returned. */
  after: Date;
  /** Maximum number of instants to return. */
  count: number;
  /** Start of a rate schedule without `startAt` (normally the job's creation time). */
  anchor?: Date;
}

/** A cron expression with no hit for this many years is treated as exhausted (leap days recur within 8). */
const SEARCH_YEARS = 8;
const LAST_YEAR = 9999;
/** Larger than any UTC offset (−12 h … +14 h), so a wall time this far past `endAt` cannot map before it. */
const MAX_OFFSET_MS = 26 * HOUR_MS;

function instantOf(text: string, field: string): number {
  const date = parseInstant(text);
  if (date === undefined) {
    throw new Error(
      `Invalid schedule: ${field} '${text}' is not an ISO-8601 instant; check with scheduleProblems first.`,
    );
  }
  return date.getTime();
}

/** Search window: fire times t with from < t and t < end (startAt inclusive, endAt exclusive). */
function windowOf(schedule: CronSchedule | RateSchedule, after: number): { from: number; end: number } {
  const start = schedule.startAt === undefined ? undefined : instantOf(schedule.startAt, 'startAt');
  const end = schedule.endAt === undefined ? Number.POSITIVE_INFINITY : instantOf(schedule.endAt, 'endAt');
  return { from: start === undefined ? after : Math.max(after, start - 1), end };
}

function rateTimes(schedule: RateSchedule, opts: NextFireTimesOptions, count: number): Date[] {
  const rate = parseRate(schedule.every);
  if (!isParsedRate(rate)) throw new Error(`Invalid schedule: every ${rate.message}`);
  const anchor =
    schedule.startAt === undefined ? opts.anchor?.getTime() : instantOf(schedule.startAt, 'startAt');
  if (anchor === undefined || Number.isNaN(anchor)) {
    throw new Error(
      'nextFireTimes: a rate schedule without startAt needs opts.anchor (the job creation time).',
    );
  }
  const { from, end } = windowOf(schedule, opts.after.getTime());
  // Fire times are anchor + k·ms for k >= 0: the anchor itself is the first one.
  let k = from < anchor ? 0 : Math.floor((from - anchor) / rate.ms) + 1;
  const times: Date[] = [];
  for (let t = anchor + k * rate.ms; times.length < count && t < end; t = anchor + ++k * rate.ms) {
    times.push(new Date(t));
  }
  return times;
}

function cronTimes(schedule: CronSchedule, after: number, count: number): Date[] {
  const spec = parseCron(schedule.expression);
  if (!isCronSpec(spec)) throw new Error(`Invalid schedule: expression ${spec.join('; ')}`);
  const tz = schedule.timezone ?? 'UTC';
  if (!isValidTimezone(tz)) throw new Error(`Invalid schedule: unknown time zone '${tz}'.`);
  const window = windowOf(schedule, after);
  const end = window.end;
  let from = window.from;
  // Walk matching wall times from the wall time of `from`. Mapping a wall time to its first instant is
  // monotonic, so no wall time before that of `from` can fire after `from`; wall times after it that
  // already fired (the second pass of a fall-back hour) map to instants <= from and are skipped.
  let wall = Math.floor(toWallMs(tz, from) / MINUTE_MS) * MINUTE_MS;
  let lastYear = Math.min(msToCivil(wall).year + SEARCH_YEARS, LAST_YEAR);
  const times: Date[] = [];
  while (times.length < count) {
    const match = nextWallMatch(spec, wall, lastYear);
    if (match === undefined || match - MAX_OFFSET_MS >= end) break;
    wall = match + MINUTE_MS;
    const instant = firstInstantOfWall(tz, match);
    if (instant === undefined || instant <= from) continue;
    if (instant >= end) break;
    times.push(new Date(instant));
    from = instant;
    lastYear = Math.min(msToCivil(match).year + SEARCH_YEARS, LAST_YEAR);
  }
  return times;
}

/**
 * The next `count` fire times of `schedule` strictly after `opts.after`, ascending. Never reads the clock.
 *
 * - `immediate`: none (it runs once at creation, not on a timetable).
 * - `at`: the instant itself when it is after `opts.after`.
 * - `rate`: `anchor + k × interval` (k >= 0), anchored at `startAt`, else at `opts.anchor`.
 * - `cron`: matching wall times in the schedule's zone with EventBridge Scheduler DST semantics: a wall time
 *   in a spring-forward gap is skipped, a repeated wall time fires once at its first (earlier) instant.
 *
 * `startAt` is inclusive and `endAt` exclusive. Throws on an invalid schedule (run
 * {@link scheduleProblems} first) and on a rate schedule with neither `startAt` nor `opts.anchor`.
 */
export function nextFireTimes(schedule: Schedule, opts: NextFireTimesOptions): Date[] {
  const after = opts.after.getTime();
  if (Number.isNaN(after)) throw new RangeError('nextFireTimes: opts.after is an invalid Date.');
  const count = Math.floor(opts.count);
  if (!(count > 0)) return [];
  switch (schedule.type) {
    case 'immediate':
      return [];
    case 'at': {
      const at = instantOf(schedule.at, 'at');
      return at > after ? [new Date(at)] : [];
    }
    case 'rate':
      return rateTimes(schedule, opts, count);
    case 'cron':
      return cronTimes(schedule, after, count);
  }
}
