/** The five Unix cron fields, in order. */
export type CronFieldName = 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week';

/** What one cron field accepts. */
export interface CronFieldSpec {
  readonly name: CronFieldName;
  readonly min: number;
  readonly max: number;
  /** Upper end of `*`: day-of-week `*` means 0-6 (7 is only an alias of Sunday). */
  readonly starMax: number;
  /** Three-letter names by value, upper case. */
  readonly names?: readonly string[];
  /** Allowed values as the error messages describe them. */
  readonly allowed: string;
}

const MONTHS = ['', 'JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Field specs in expression order: minute hour day-of-month month day-of-week. */
export const CRON_FIELDS: readonly CronFieldSpec[] = [
  { name: 'minute', min: 0, max: 59, starMax: 59, allowed: '0-59' },
  { name: 'hour', min: 0, max: 23, starMax: 23, allowed: '0-23' },
  { name: 'day-of-month', min: 1, max: 31, starMax: 31, allowed: '1-31' },
  { name: 'month', min: 1, max: 12, starMax: 12, names: MONTHS, allowed: '1-12 or JAN-DEC' },
  { name: 'day-of-week', min: 0, max: 7, starMax: 6, names: DAYS, allowed: '0-7 or SUN-SAT' },
];

const SYNTAX = 'combined with *, lists (1,5), ranges (1-5) and steps (*/15, 0-30/5)';

/** One parsed field: the matching values, ascending and unique (day-of-week 7 folded to 0). */
export interface ParsedCronField {
  readonly values: readonly number[];
  /** False only when the field is exactly `*` — the Unix day rule depends on the text, not the set. */
  readonly restricted: boolean;
}

const ITEM = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/([0-9]+))?$/;

function notAllowed(spec: CronFieldSpec, token: string): string {
  const hint = token.includes('?') ? " ('?' belongs to EventBridge's 6-field syntax; use * here)" : '';
  return `${spec.name}: '${token}' is not allowed${hint}; use ${spec.allowed}, ${SYNTAX}`;
}

function parseValue(spec: CronFieldSpec, token: string): number | string {
  let value: number;
  if (/^[0-9]{1,4}$/.test(token)) value = Number(token);
  else {
    const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
    if (index < 1 && !(index === 0 && spec.name === 'day-of-week')) return notAllowed(spec, token);
    value = index;
  }
  if (value < spec.min || value > spec.max)
    return `${spec.name}: ${token} is out of range; use ${spec.allowed}`;
  return value;
}

function parseItem(spec: CronFieldSpec, item: string, into: boolean[]): string | undefined {
  const m = ITEM.exec(item);
  if (m === null) return notAllowed(spec, item);
  const [, base, rangeEnd, stepText] = m;
  let from: number;
  let to: number;
  if (base === '*') {
    if (rangeEnd !== undefined) return notAllowed(spec, item);
    from = spec.min;
    to = spec.starMax;
  } else {
    const first = parseValue(spec, base);
    if (typeof first === 'string') return first;
    from = first;
    // `a/n` means a, a+n, … up to the field's maximum (as in Vixie cron and cron-parser).
    to = stepText === undefined ? first : spec.max;
    if (rangeEnd !== undefined) {
      const last = parseValue(spec, rangeEnd);
      if (typeof last === 'string') return last;
      if (last < first) {
        return `${spec.name}: range ${base}-${rangeEnd} is reversed; write the smaller value first (ranges cannot wrap around; use a list such as 5-6,0)`;
      }
      to = last;
    }
  }
  const maxStep = spec.max - spec.min;
  const step = stepText === undefined ? 1 : Number(stepText);
  if (step < 1 || step > maxStep) {
    return `${spec.name}: step '${stepText}' is not allowed; use a whole number from 1 to ${maxStep}`;
  }
  for (let v = from; v <= to; v += step) into[spec.name === 'day-of-week' ? v % 7 : v] = true;
  return undefined;
}

/** Parses one cron field; returns a message naming the field and what it allows when the text is invalid. */
export function parseCronField(spec: CronFieldSpec, text: string): ParsedCronField | string {
  const seen: boolean[] = [];
  for (const item of text.split(',')) {
    if (item === '') return `${spec.name}: '${text}' has an empty list item; use ${spec.allowed}, ${SYNTAX}`;
    const problem = parseItem(spec, item, seen);
    if (problem !== undefined) return problem;
  }
  const values: number[] = [];
  seen.forEach((on, v) => {
    if (on) values.push(v);
  });
  return { values, restricted: text !== '*' };
}
