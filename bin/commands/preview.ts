/**
 * `kairos preview "<cron>" --tz <zone>`: the next fire times of a cron expression, computed here with the same
 * core the API uses (EventBridge Scheduler semantics), so a schedule can be checked before a job exists.
 */
import { describeSchedule } from '../../lambdas/core/schedule/describe.js';
import { type DstChange, dstChangeOn } from '../../lambdas/core/schedule/dst.js';
import {
  type CronSchedule,
  INSTANT_FORMAT_HINT,
  nextFireTimes,
  parseInstant,
  scheduleProblems,
  zoneOffsetMs,
} from '../../lambdas/core/schedule/index.js';
import { command, intFlag } from '../cli/command.js';
import { UsageError } from '../cli/errors.js';
import { formatTime, localTime } from '../cli/format.js';
import { formatTable } from '../cli/table.js';

const USAGE = `Usage: kairos preview "<cron>" [--tz <zone>] [-n <count>] [--from <instant>]

The next fire times of a 5-field cron expression (quote it) in an IANA time zone, as Kairos would fire them:
a local time skipped by a spring-forward change does not fire, one repeated by a fall-back change fires once.
Days with a change of UTC offset are flagged. Computed locally: needs no API.
  --tz <zone>          IANA time zone, e.g. Europe/Berlin (default UTC)
  -n, --count <n>      how many, 1-1000 (default 10)
  --from <instant>     times after this instant (default now)`;

/** `clocks forward 60 min at 01:00Z` (the instant in UTC, since the local one is the ambiguous part). */
export function dstText(change: DstChange): string {
  return `clocks ${change.kind} ${change.shiftMinutes} min at ${change.at.slice(11, 16)}Z`;
}

/** A change of UTC offset on a day without a fire time (the day a skipped 02:30 would have been). */
export interface QuietChange extends DstChange {
  /** The local date of the change, `2027-03-28`. */
  readonly date: string;
}

/**
 * Offset changes between consecutive fire times that fall on neither's day: without them, a daily 02:30 in
 * Berlin just seems to miss a day in March. Found by bisecting on the offset, so a yearly expression costs no
 * more than a minutely one.
 */
export function quietChanges(after: Date, times: readonly Date[], tz: string): Map<number, QuietChange> {
  const found = new Map<number, QuietChange>();
  // `after` leads, so a change before the first fire time shows too; index -1 means "before the first".
  const bounds = [after, ...times];
  for (let i = 0; i + 1 < bounds.length; i++) {
    let lo = bounds[i].getTime();
    let hi = bounds[i + 1].getTime();
    const before = zoneOffsetMs(tz, lo);
    if (zoneOffsetMs(tz, hi) === before) continue;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (zoneOffsetMs(tz, mid) === before) lo = mid;
      else hi = mid;
    }
    const change = dstChangeOn(new Date(hi), tz);
    const date = localTime(new Date(hi), tz).slice(4, 14);
    const onFireDay = [bounds[i], bounds[i + 1]].some((t) => localTime(t, tz).slice(4, 14) === date);
    if (change && !onFireDay) found.set(i - 1, { ...change, date });
  }
  return found;
}

type Row = { time: Date; dst?: DstChange } | { quiet: QuietChange };

export const preview = command({
  words: ['preview'],
  summary: 'next fire times of a cron expression, DST days flagged',
  usage: USAGE,
  args: ['cron'],
  options: {
    tz: { type: 'string' },
    count: { type: 'string', short: 'n' },
    from: { type: 'string' },
  },
  async run(ctx, values, [expression]) {
    const count = intFlag(values.count, '--count', 1, 1000, USAGE) ?? 10;
    let after = new Date();
    if (values.from !== undefined) {
      const from = parseInstant(values.from);
      if (from === undefined)
        throw new UsageError(`--from '${values.from}' is not an instant: ${INSTANT_FORMAT_HINT}`, USAGE);
      after = from;
    }
    const timezone = values.tz ?? 'UTC';
    const schedule: CronSchedule = { type: 'cron', expression, timezone };
    const problems = scheduleProblems(schedule, { now: after });
    if (problems.length > 0) {
      const lines = problems.map((p) => `  ${p.path === 'timezone' ? '--tz' : p.path}: ${p.message}`);
      throw new UsageError(`invalid schedule "${expression}":\n${lines.join('\n')}`, USAGE);
    }
    const times = nextFireTimes(schedule, { after, count });
    const quiet = quietChanges(after, times, timezone);
    if (ctx.output === 'json') {
      return void ctx.json({
        expression,
        timezone,
        description: describeSchedule(schedule),
        times: times.map((time) => {
          const dst = dstChangeOn(time, timezone);
          return { at: time.toISOString(), local: localTime(time, timezone), ...(dst ? { dst } : {}) };
        }),
        offsetChangesWithoutFire: [...quiet.values()],
      });
    }
    ctx.print(describeSchedule(schedule));
    if (times.length === 0) return void ctx.print('It never fires after that.');
    const lead = quiet.get(-1);
    const rows: Row[] = [
      ...(lead ? [{ quiet: lead }] : []),
      ...times.flatMap((time, i): Row[] => {
        const own: Row = { time, dst: dstChangeOn(time, timezone) };
        const gap = quiet.get(i);
        return gap ? [own, { quiet: gap }] : [own];
      }),
    ];
    ctx.print(
      formatTable<Row>(
        [
          {
            header: `LOCAL (${timezone})`,
            value: (r) => ('time' in r ? localTime(r.time, timezone) : `(${r.quiet.date})`),
          },
          { header: 'UTC', value: (r) => ('time' in r ? formatTime(r.time.toISOString()) : ''), empty: '' },
          {
            header: 'DST',
            value: (r) =>
              'quiet' in r ? `${dstText(r.quiet)}; no fire that day` : r.dst ? dstText(r.dst) : undefined,
            empty: '',
          },
        ],
        rows,
      ),
    );
  },
});
