import {
  DAY_MS,
  daysFromCivil,
  daysInMonth,
  HOUR_MS,
  MINUTE_MS,
  msToCivil,
  weekdayOfDays,
} from './calendar.js';
import type { CronSpec } from './cron.js';

/** Lookup tables: `next*[i]` is the first allowed value >= i, or -1 when none is left in the field. */
interface CronTables {
  readonly nextMinute: Int8Array;
  readonly nextHour: Int8Array;
  readonly nextDay: Int8Array;
  readonly nextMonth: Int8Array;
  readonly weekdays: Uint8Array;
}

const compiled = new WeakMap<CronSpec, CronTables>();

function nextTable(values: readonly number[], size: number): Int8Array {
  const table = new Int8Array(size + 1).fill(-1);
  const allowed = new Set(values);
  for (let i = size - 1; i >= 0; i--) table[i] = allowed.has(i) ? i : table[i + 1];
  return table;
}

function tablesOf(spec: CronSpec): CronTables {
  let tables = compiled.get(spec);
  if (tables === undefined) {
    const weekdays = new Uint8Array(7);
    for (const v of spec.dayOfWeek.values) weekdays[v] = 1;
    tables = {
      nextMinute: nextTable(spec.minute.values, 60),
      nextHour: nextTable(spec.hour.values, 24),
      nextDay: nextTable(spec.dayOfMonth.values, 32),
      nextMonth: nextTable(spec.month.values, 13),
      weekdays,
    };
    compiled.set(spec, tables);
  }
  return tables;
}

/**
 * The first wall time (wall ms, minute precision) at or after `fromWall` that matches `spec`, treating wall
 * time as a plain calendar with no zone; undefined when none falls in a year up to `lastYear`.
 * Jumps field by field (month → day → hour → minute), so sparse expressions cost a few steps per year.
 */
export function nextWallMatch(spec: CronSpec, fromWall: number, lastYear: number): number | undefined {
  const t = tablesOf(spec);
  const start = msToCivil(Math.ceil(fromWall / MINUTE_MS) * MINUTE_MS);
  let { year, month, day, hour, minute } = start;
  for (;;) {
    if (year > lastYear) return undefined;
    const nextMonth = t.nextMonth[month];
    if (nextMonth < 0) {
      year++;
      month = 1;
      day = 1;
      hour = 0;
      minute = 0;
      continue;
    }
    if (nextMonth !== month) {
      month = nextMonth;
      day = 1;
      hour = 0;
      minute = 0;
    }
    const monthDays = daysInMonth(year, month);
    let candidate = day;
    let dayNumber = 0;
    while (candidate <= monthDays) {
      const next = t.nextDay[candidate];
      if (next < 0 || next > monthDays) {
        candidate = monthDays + 1;
        break;
      }
      dayNumber = daysFromCivil(year, month, next);
      if (t.weekdays[weekdayOfDays(dayNumber)] === 1) {
        candidate = next;
        break;
      }
      candidate = next + 1;
    }
    if (candidate > monthDays) {
      month++;
      if (month > 12) {
        month = 1;
        year++;
      }
      day = 1;
      hour = 0;
      minute = 0;
      continue;
    }
    if (candidate !== day) {
      day = candidate;
      hour = 0;
      minute = 0;
    }
    const nextHour = t.nextHour[hour];
    if (nextHour < 0) {
      day++;
      hour = 0;
      minute = 0;
      continue;
    }
    if (nextHour !== hour) {
      hour = nextHour;
      minute = 0;
    }
    const nextMinute = t.nextMinute[minute];
    if (nextMinute < 0) {
      hour++;
      minute = 0;
      continue;
    }
    return dayNumber * DAY_MS + hour * HOUR_MS + nextMinute * MINUTE_MS;
  }
}
