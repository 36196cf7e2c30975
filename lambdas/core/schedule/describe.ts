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

/** The values as `start, start+step, …, end` with step > 1 and at least three values, if they are one. */
function progression(values: readonly number[]): Progression | undefined {
  if (values.length < 3) return undefined;
  const step = values[1] - values[0];
  if (step < 2 || values.some((v, i) => i > 0 && v - values[i - 1] !== step)) return undefined;
  return { start: values[0], step, end: values[values.length - 1] };
}

/** Whether a progression runs like `*\/n` or `a/n`: to the last value the field allows. */
const toFieldEnd = (p: Progression, max: number) => p.end + p.step > max;

function hourSet(hours: readonly number[]): string {
  if (hours.length === 24) return 'every hour';
  const p = progression(hours);
  if (p !== undefined) {
    const every = `every ${ordinal(p.step)} hour`;
    return p.start === 0 && toFieldEnd(p, 23) ? every : `${every} from ${p.start} to ${p.end}`;
  }
  return `hour${hours.length > 1 ? 's' : ''} ${runs(hours, String)}`;
}

/** The time of day, e.g. `At 02:00`, `Every 5 minutes between 09:00 and 17:59`. */
function timeOfDay(spec: CronSpec): { text: string; atTimes: boolean } {
  const minutes = spec.minute.values;
  const hours = spec.hour.values;
  const allMinutes = minutes.length === 60;
  const allHours = hours.length === 24;
  if (!allMinutes && !allHours && minutes.length * hours.length <= 4) {
    const times = hours.flatMap((h) => minutes.map((m) => clock(h, m)));
    return { text: `At ${joinWords(times)}`, atTimes: true };
  }
  const p = progression(minutes);
  let text: string;
  if (allMinutes) text = 'Every minute';
  else if (p !== undefined && p.start === 0 && toFieldEnd(p, 59) && 60 % p.step === 0)
    text = `Every ${p.step} minutes`;
  else {
    if (minutes.length === 1 && minutes[0] === 0 && allHours) return { text: 'Every hour', atTimes: false };
    const which = p !== undefined ? `every ${ordinal(p.step)} minute from ${p.start} to ${p.end}` : '';
    const list = which || `minute${minutes.length > 1 ? 's' : ''} ${runs(minutes, String)}`;
    return { text: `At ${list} past ${hourSet(hours)}`, atTimes: false };
  }
  if (allHours) return { text, atTimes: false };
  const range = hours[hours.length - 1] - hours[0] === hours.length - 1;
  const between = `between ${clock(hours[0], 0)} and ${clock(hours[hours.length - 1], 59)}`;
  return { text: `${text} ${range ? between : `past ${hourSet(hours)}`}`, atTimes: false };
}

function days(spec: CronSpec): string | undefined {
  const dom = spec.dayOfMonth.values;
  const dow = spec.dayOfWeek.values;
  if (dom.length < 31) {
    const p = progression(dom);
    if (p !== undefined && p.start === 1 && toFieldEnd(p, 31))
      return `on every ${ordinal(p.step)} day of the month`;
    return `on day${dom.length > 1 ? 's' : ''} ${runs(dom, String)} of the month`;
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
  const time = timeOfDay(parsed);
  const parts = [time.text];
  const day = days(parsed);
  if (day !== undefined) parts.push(day);
  else if (time.atTimes) parts.push('every day');
  if (parsed.month.values.length < 12) parts.push(`in ${runs(parsed.month.values, (m) => MONTH_NAMES[m])}`);
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
