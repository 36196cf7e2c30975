import { isCronSpec, parseCron } from './cron.js';
import type { ParsedCronField } from './cron-fields.js';
import { parseInstant } from './instant.js';
import { isParsedRate, parseRate } from './rate.js';
import type { Schedule } from './types.js';

/**
 * EventBridge Scheduler expressions, per
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html and
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html:
 * - `cron(minutes hours day-of-month month day-of-week year)`; day-of-week is 1-7 with 1 = Sunday;
 *   one of day-of-month / day-of-week must be `?`; `/` is documented as `start/step` (e.g. `0/15`).
 * - `rate(value unit)` with unit minute(s) | hour(s) | day(s).
 * - `at(yyyy-mm-ddThh:mm:ss)`, read in the schedule's timezone (we always send UTC).
 */

/** Compresses a sorted set into `a-b` runs and single values: `1,2,3,5` → `1-3,5`. */
function rangesAndLists(values: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j] + 1) j++;
    if (j - i >= 2) parts.push(`${values[i]}-${values[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(values[k]));
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * Renders a field's value set. `start/step` is only used where AWS documents it (minutes and hours) and
 * only when the set is exactly start, start+step, … up to the field maximum; everything else is spelled
 * out as ranges and lists, which EventBridge reads unambiguously.
 */
function render(values: readonly number[], min: number, max: number, allowStep: boolean): string {
  if (values.length === max - min + 1) return '*';
  if (allowStep && values.length >= 3) {
    const step = values[1] - values[0];
    const progression = step >= 2 && values.every((v, i) => v === values[0] + i * step);
    if (progression && values[values.length - 1] + step > max) return `${values[0]}/${step}`;
  }
  return rangesAndLists(values);
}

function renderDayOfWeek(field: ParsedCronField): string {
  // Unix 0 (Sunday) … 6 (Saturday) → EventBridge 1 (Sunday) … 7 (Saturday); a Unix range that ends on
  // Sunday (5-7) no longer ascends after renumbering, so sets are re-sorted and re-compressed.
  const renumbered = field.values.map((v) => v + 1).sort((a, b) => a - b);
  return render(renumbered, 1, 7, false);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** EventBridge Scheduler expression and timezone of a schedule; undefined for `immediate`. Throws when invalid. */
export function toEventBridgeExpression(
  schedule: Schedule,
): { expression: string; timezone: string } | undefined {
  switch (schedule.type) {
    case 'immediate':
      return undefined;
    case 'at': {
      const at = parseInstant(schedule.at);
      if (at === undefined)
        throw new Error(`Invalid schedule: at '${schedule.at}' is not an ISO-8601 instant.`);
      const d = at;
      const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
      return { expression: `at(${date}T${time})`, timezone: 'UTC' };
    }
    case 'rate': {
      const rate = parseRate(schedule.every);
      if (!isParsedRate(rate)) throw new Error(`Invalid schedule: every ${rate.message}`);
      const unit = rate.value === 1 ? rate.unit : `${rate.unit}s`;
      return { expression: `rate(${rate.value} ${unit})`, timezone: 'UTC' };
    }
    case 'cron': {
      const spec = parseCron(schedule.expression);
      if (!isCronSpec(spec)) throw new Error(`Invalid schedule: expression ${spec.join('; ')}`);
      const minute = render(spec.minute.values, 0, 59, true);
      const hour = render(spec.hour.values, 0, 23, true);
      const month = render(spec.month.values, 1, 12, false);
      // parseCron guarantees at most one restricted day field; the other one becomes '?'.
      const dayOfMonth = spec.dayOfWeek.restricted ? '?' : render(spec.dayOfMonth.values, 1, 31, false);
      const dayOfWeek = spec.dayOfWeek.restricted ? renderDayOfWeek(spec.dayOfWeek) : '?';
      return {
        expression: `cron(${minute} ${hour} ${dayOfMonth} ${month} ${dayOfWeek} *)`,
        timezone: schedule.timezone ?? 'UTC',
      };
    }
  }
}
