import { CRON_FIELDS, type ParsedCronField, parseCronField } from './cron-fields.js';

/** A parsed 5-field Unix cron expression. */
export interface CronSpec {
  readonly source: string;
  readonly minute: ParsedCronField;
  readonly hour: ParsedCronField;
  readonly dayOfMonth: ParsedCronField;
  readonly month: ParsedCronField;
  readonly dayOfWeek: ParsedCronField;
}

const FIELD_LIST = 'minute hour day-of-month month day-of-week';
const MAX_LENGTH = 256;

function shapeProblem(fields: readonly string[]): string | undefined {
  if (fields.length === 0)
    return `cron expression is empty; expected 5 fields: ${FIELD_LIST}, e.g. '0 2 * * *'`;
  if (fields[0].startsWith('@')) {
    return `macros such as '${fields[0]}' are not supported; write the 5 fields (${FIELD_LIST}), e.g. '0 0 * * *' for daily`;
  }
  if (/^cron\(/i.test(fields[0])) {
    return `write the 5 Unix cron fields (${FIELD_LIST}) without 'cron(...)'; Kairos converts them to EventBridge syntax`;
  }
  if (fields.length !== 5) {
    const extra = fields.length > 5 ? '; seconds and year fields are not supported' : '';
    return `cron expression has ${fields.length} field${fields.length === 1 ? '' : 's'}; expected 5 (${FIELD_LIST})${extra}`;
  }
  return undefined;
}

/** Why a both-restricted day rule is refused; exported so the message is the same everywhere. */
export const BOTH_DAYS_RESTRICTED =
  "day-of-month and day-of-week are both restricted: Unix cron would fire when EITHER matches, which EventBridge Scheduler cannot express (one of them must be '?'); restrict only one of day-of-month and day-of-week (use * for the other), or create two jobs";

function parseUncached(expression: string): CronSpec | string[] {
  if (typeof expression !== 'string') return ['cron expression must be a string'];
  if (expression.length > MAX_LENGTH) return [`cron expression is longer than ${MAX_LENGTH} characters`];
  const texts = expression
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
  const shape = shapeProblem(texts);
  if (shape !== undefined) return [shape];
  const problems: string[] = [];
  const parsed: ParsedCronField[] = [];
  CRON_FIELDS.forEach((spec, i) => {
    const field = parseCronField(spec, texts[i]);
    if (typeof field === 'string') problems.push(field);
    else parsed.push(field);
  });
  if (problems.length > 0) return problems;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parsed;
  // See https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html (Limits).
  if (dayOfMonth.restricted && dayOfWeek.restricted) return [BOTH_DAYS_RESTRICTED];
  return { source: texts.join(' '), minute, hour, dayOfMonth, month, dayOfWeek };
}

// nextFireTimes is called in hot loops with a handful of distinct expressions; parse each once.
const cache = new Map<string, CronSpec | readonly string[]>();
const MAX_CACHED = 1000;

/**
 * Parses a 5-field Unix cron expression under Kairos rules (EventBridge-representable subset).
 * Returns the spec, or the problems found, each naming the field and what it allows.
 */
export function parseCron(expression: string): CronSpec | readonly string[] {
  let result = cache.get(expression);
  if (result === undefined) {
    result = parseUncached(expression);
    if (cache.size >= MAX_CACHED) cache.clear();
    if (typeof expression === 'string' && expression.length <= MAX_LENGTH) cache.set(expression, result);
  }
  return result;
}

/** Narrowing helper for {@link parseCron} results. */
export function isCronSpec(value: CronSpec | readonly string[]): value is CronSpec {
  return !Array.isArray(value);
}

// The longest each month can be (February 29 in leap years).
const MAX_MONTH_DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Why an otherwise valid expression can never fire (e.g. `0 0 30 2 *`), or undefined when it can.
 * A day-of-week rule always hits some day, so only a day-of-month rule can be impossible.
 */
export function cronNeverFiresReason(spec: CronSpec): string | undefined {
  if (!spec.dayOfMonth.restricted) return undefined;
  const possible = spec.month.values.some((m) => spec.dayOfMonth.values.some((d) => d <= MAX_MONTH_DAYS[m]));
  if (possible) return undefined;
  return `never fires: no selected month (${spec.month.values.join(',')}) has day ${spec.dayOfMonth.values.join(',')}`;
}
