import { type CronSpec, isCronSpec, parseCron } from './cron.js';
import { parseInstant } from './instant.js';
import { isParsedRate, parseRate } from './rate.js';
import type { CronSchedule, Schedule } from './types.js';

const MONTH_NAMES = [
  '',
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
// Monday first, Sunday last (7), the way people list a week.
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
// Longer phrases read worse than the expression itself.
const MAX_LENGTH = 120;

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (hour: number, minute: number) => `${pad(hour)}:${pad(minute)}`;

/** `a`, `a and b`, `a, b and c`. */
function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** Consecutive runs of three or more read as `a to b`; shorter ones as single values. */
function runs(values: readonly number[], name: (v: number) => string): string {
  const words: string[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j] + 1) j++;
    if (j - i >= 2) words.push(`${name(values[i])} to ${name(values[j])}`);
    else for (let k = i; k <= j; k++) words.push(name(values[k]));
    i = j + 1;
  }
  return joinWords(words);
}

interface Progression {
  readonly start: number;
  readonly step: number;
  readonly end: number;
}

/** The values as `start, start+step, …, end` with step > 1, if they are one. */
function progression(values: readonly number[]): Progression | undefined {
  if (values.length < 2) return undefined;
  const step = values[1] - values[0];
  if (step < 2 || values.some((v, i) => i > 0 && v - values[i - 1] !== step)) return undefined;
  return { start: values[0], step, end: values[values.length - 1] };
}

/**
 * `every 2nd hour` for `*\/2`, `every 2nd hour from 9 to 17` for `9-17/2`, undefined when the values are no
 * such run. Two values count only as a whole `*\/n` (`*\/36` is 0 and 36); `5,20` reads better as a list.
 */
function everyNth(values: readonly number[], min: number, max: number, unit: string): string | undefined {
  const p = progression(values);
  if (p === undefined) return undefined;
  const every = `every ${ordinal(p.step)} ${unit}`;
  if (p.start === min && p.end + p.step > max) return every;
  return values.length >= 3 ? `${every} from ${p.start} to ${p.end}` : undefined;
}

const isRun = (values: readonly number[]) => values[values.length - 1] - values[0] === values.length - 1;
const plural = (word: string, values: readonly number[]) => (values.length > 1 ? `${word}s` : word);

function hourSet(hours: readonly number[]): string {
  if (hours.length === 24) return 'every hour';
  return everyNth(hours, 0, 23, 'hour') ?? `${plural('hour', hours)} ${runs(hours, String)}`;
}

/** `Every 5 minutes`, `Every 15 minutes from minute 5`: steps that keep an even pace across the hour. */
function minutePace(minutes: readonly number[]): { text: string; fromZero: boolean } | undefined {
  if (minutes.length === 60) return { text: 'Every minute', fromZero: true };
  const p = progression(minutes);
  if (p === undefined || p.end + p.step <= 59 || 60 % p.step !== 0) return undefined;
  const from = p.start === 0 ? '' : ` from minute ${p.start}`;
  return { text: `Every ${p.step} minutes${from}`, fromZero: p.start === 0 };
}

interface TimeOfDay {
  readonly text: string;
  /** Whether the text names clock times (`At 02:00`), which read best followed by `every day`. */
  readonly atTimes: boolean;
}

/** The time of day, e.g. `At 02:00`, `Every 5 minutes between 09:00 and 17:59`, `At minute 0 past every 2nd hour`. */
function timeOfDay(minutes: readonly number[], hours: readonly number[]): TimeOfDay {
  const allHours = hours.length === 24;
  const first = hours[0];
  const last = hours[hours.length - 1];
  // A few fire times a day read best as clock times (`At 09:00 and 17:30`).
  if (minutes.length <= 2 && !allHours && minutes.length * hours.length <= 6) {
    return { text: `At ${joinWords(hours.flatMap((h) => minutes.map((m) => clock(h, m))))}`, atTimes: true };
  }
  const pace = minutePace(minutes);
  if (pace !== undefined) {
    if (allHours) return { text: pace.text, atTimes: false };
    if (isRun(hours))
      return { text: `${pace.text} between ${clock(first, 0)} and ${clock(last, 59)}`, atTimes: false };
    if (pace.fromZero) return { text: `${pace.text} past ${hourSet(hours)}`, atTimes: false };
  }
  if (minutes.length === 1) {
    const [m] = minutes;
    if (allHours) return { text: m === 0 ? 'Every hour' : `At minute ${m} past every hour`, atTimes: false };
    if (isRun(hours))
      return { text: `Every hour from ${clock(first, m)} to ${clock(last, m)}`, atTimes: false };
  }
  const which = everyNth(minutes, 0, 59, 'minute') ?? `${plural('minute', minutes)} ${runs(minutes, String)}`;
  return { text: `At ${which} past ${hourSet(hours)}`, atTimes: false };
}

/** `on day 1 of the month`, `on Monday to Friday`, or undefined when every day matches. */
function days(spec: CronSpec, ofMonths: string): string | undefined {
  const dom = spec.dayOfMonth.values;
  const dow = spec.dayOfWeek.values;
  if (dom.length < 31) {
    const nth = everyNth(dom, 1, 31, 'day');
    return `on ${nth ?? `${plural('day', dom)} ${runs(dom, String)}`} of ${ofMonths}`;
  }
  if (dow.length < 7) {
    const mondayFirst = dow.map((d) => (d === 0 ? 7 : d)).sort((a, b) => a - b);
    return `on ${runs(mondayFirst, (d) => DAY_NAMES[d])}`;
  }
  return undefined;
}

function describeCron(schedule: CronSchedule, tz: string): string {
  const parsed = parseCron(schedule.expression);
  const fallback = `Cron ${schedule.expression}, ${tz}`;
  if (!isCronSpec(parsed)) return fallback;
  const time = timeOfDay(parsed.minute.values, parsed.hour.values);
  const allMonths = parsed.month.values.length === 12;
  const monthValues = parsed.month.values;
  const months = runs(monthValues, (m) => MONTH_NAMES[m]);
  const parts = [time.text];
  const day = days(parsed, allMonths ? 'the month' : months);
  if (day !== undefined) parts.push(day);
  else if (time.atTimes) parts.push('every day');
  // A day-of-month phrase already names the months (`on day 1 of January`).
  if (!allMonths && parsed.dayOfMonth.values.length === 31) {
    const span = monthValues.length >= 3 && isRun(monthValues);
    const [from, to] = [monthValues[0], monthValues[monthValues.length - 1]];
    parts.push(span ? `from ${MONTH_NAMES[from]} to ${MONTH_NAMES[to]}` : `in ${months}`);
  }
  const text = `${parts.join(' ')}, ${tz}`;
  return text.length <= MAX_LENGTH ? text : fallback;
}

function describeAt(at: string): string {
  const instant = parseInstant(at);
  if (instant === undefined) return `Once at ${at}`;
  const iso = instant.toISOString();
  const seconds = iso.slice(17, 19) === '00' ? '' : iso.slice(16, 19);
  return `Once at ${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds} UTC`;
}

function describeRate(every: string): string {
  const rate = parseRate(every);
  if (!isParsedRate(rate)) return `Every ${every}`;
  return rate.value === 1 ? `Every ${rate.unit}` : `Every ${rate.value} ${rate.unit}s`;
}

/**
 * The schedule in plain English, e.g. `At 02:00 every day, Europe/Berlin`, `Every 5 minutes, UTC`,
 * `Every 5 minutes` (rate), `Once at 2026-12-01 09:00 UTC`, `Once, immediately`. Cron descriptions end with
 * the zone (UTC when none); shapes too awkward to phrase come back as `Cron <expr>, <tz>`. Pure and total:
 * never throws for a schedule that passed validation.
 */
export function describeSchedule(schedule: Schedule): string {
  switch (schedule.type) {
    case 'immediate':
      return 'Once, immediately';
    case 'at':
      return describeAt(schedule.at);
    case 'rate':
      return describeRate(schedule.every);
    case 'cron':
      return describeCron(schedule, schedule.timezone ?? 'UTC');
  }
}
