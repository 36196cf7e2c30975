import type { FieldProblem } from '../errors.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './calendar.js';

/** A parsed `rate` schedule interval. */
export interface ParsedRate {
  /** Whole number of units, >= 1. */
  value: number;
  unit: 'minute' | 'hour' | 'day';
  /** The interval in milliseconds. */
  ms: number;
}

const UNIT_MS = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS } as const;
const ALLOWED =
  "use '<n> minutes', '<n> hours' or '<n> days' with a whole number n >= 1 (e.g. '5 minutes', '1 hour')";
const RATE = /^\s*([+-]?[0-9]*\.?[0-9]+)\s+([A-Za-z]+)\s*$/;

function problem(message: string): FieldProblem {
  return { path: 'every', message };
}

/**
 * Parses a rate interval such as `"5 minutes"`, `"1 hour"` or `"2 days"` (singular and plural both accepted).
 * EventBridge Scheduler's `rate()` accepts minutes, hours and days with a positive whole number, so the
 * smallest interval is 1 minute (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html).
 */
export function parseRate(every: string): ParsedRate | FieldProblem {
  if (typeof every !== 'string') return problem(`must be a string; ${ALLOWED}`);
  const m = every.length <= 64 ? RATE.exec(every) : null;
  if (m === null) return problem(`'${every.slice(0, 64)}' is not a rate; ${ALLOWED}`);
  const amount = Number(m[1]);
  const word = m[2].toLowerCase();
  const unit = word.replace(/s$/, '');
  if (unit === 'second' || unit === 'sec') {
    return problem(`seconds are not supported: EventBridge Scheduler's minimum rate is 1 minute; ${ALLOWED}`);
  }
  if (unit === 'week') {
    const hint = Number.isInteger(amount) && amount >= 1 ? ` ('${amount * 7} days')` : '';
    return problem(`weeks are not supported; write them as days${hint}; ${ALLOWED}`);
  }
  if (unit !== 'minute' && unit !== 'hour' && unit !== 'day')
    return problem(`unknown unit '${m[2]}'; ${ALLOWED}`);
  if (!Number.isInteger(amount) || amount < 1 || m[1].includes('.') || m[1].startsWith('+')) {
    return problem(`'${m[1]}' is not a whole number of at least 1; ${ALLOWED}`);
  }
  const ms = amount * UNIT_MS[unit];
  if (!Number.isSafeInteger(ms)) return problem(`'${every}' is too long an interval; ${ALLOWED}`);
  return { value: amount, unit, ms };
}

/** Narrowing helper for {@link parseRate} results. */
export function isParsedRate(value: ParsedRate | FieldProblem): value is ParsedRate {
  return 'ms' in value;
}
