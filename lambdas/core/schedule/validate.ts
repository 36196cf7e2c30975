import type { FieldProblem } from '../errors.js';
import { cronNeverFiresReason, isCronSpec, parseCron } from './cron.js';
import { toEventBridgeExpression } from './eventbridge.js';
import { INSTANT_FORMAT_HINT, parseInstant } from './instant.js';
import { nextFireTimes } from './next-fire-times.js';
import { isParsedRate, parseRate } from './rate.js';
import { isValidTimezone } from './timezone.js';
import type { CronSchedule, RateSchedule, Schedule } from './types.js';

/** EventBridge Scheduler's limit on `ScheduleExpression`. */
const MAX_EVENTBRIDGE_EXPRESSION = 256;
const MAX_DATE_MS = 8.64e15;

function quote(text: string): string {
  return `'${text.length > 64 ? `${text.slice(0, 64)}…` : text}'`;
}

function instantProblem(path: string, text: string): FieldProblem | undefined {
  return parseInstant(text) === undefined
    ? { path, message: `${quote(text)} is not a valid instant; ${INSTANT_FORMAT_HINT}` }
    : undefined;
}

/** startAt/endAt: both parse, startAt < endAt, endAt not already past, and at least one fire time between. */
function windowProblems(schedule: CronSchedule | RateSchedule, now: Date, earlier: number): FieldProblem[] {
  const { startAt, endAt } = schedule;
  const problems = [
    startAt === undefined ? undefined : instantProblem('startAt', startAt),
    endAt === undefined ? undefined : instantProblem('endAt', endAt),
  ].filter((p) => p !== undefined);
  if (problems.length > 0 || endAt === undefined) return problems;
  const end = parseInstant(endAt)!.getTime();
  const start = startAt === undefined ? undefined : parseInstant(startAt)!.getTime();
  if (start !== undefined && start >= end)
    return [{ path: 'endAt', message: `must be later than startAt (${startAt})` }];
  if (end <= now.getTime()) {
    return [{ path: 'endAt', message: `${endAt} is in the past; the schedule would never fire` }];
  }
  // Clamped so a `now` at the very start of the Date range still yields a valid `after`.
  const after = Math.max(now.getTime() - 1, -MAX_DATE_MS);
  if (earlier > 0 || Number.isNaN(after)) return problems;
  // Only meaningful once the rest is valid: does any fire time fall inside [max(now, startAt), endAt)?
  const next = nextFireTimes(schedule, { after: new Date(after), count: 1, anchor: now });
  if (next.length === 0) {
    return [
      {
        path: 'endAt',
        message: `no fire time falls before endAt (${endAt}); move endAt later or startAt earlier`,
      },
    ];
  }
  return problems;
}

function cronProblems(schedule: CronSchedule, now: Date): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const spec = parseCron(schedule.expression);
  if (!isCronSpec(spec)) {
    problems.push(...spec.map((message) => ({ path: 'expression', message })));
  } else {
    const never = cronNeverFiresReason(spec);
    if (never !== undefined) problems.push({ path: 'expression', message: never });
    const rendered = toEventBridgeExpression({ type: 'cron', expression: schedule.expression });
    if (rendered !== undefined && rendered.expression.length > MAX_EVENTBRIDGE_EXPRESSION) {
      problems.push({
        path: 'expression',
        message: `is too long for EventBridge Scheduler once translated (${rendered.expression.length} > ${MAX_EVENTBRIDGE_EXPRESSION} characters); use fewer list items or ranges`,
      });
    }
  }
  if (schedule.timezone !== undefined && !isValidTimezone(schedule.timezone)) {
    problems.push({
      path: 'timezone',
      message: `${quote(String(schedule.timezone))} is not an IANA time zone name; use e.g. 'Europe/Berlin', 'America/New_York' or 'UTC'`,
    });
  }
  return [...problems, ...windowProblems(schedule, now, problems.length)];
}

function rateProblems(schedule: RateSchedule, now: Date): FieldProblem[] {
  const rate = parseRate(schedule.every);
  const problems = isParsedRate(rate) ? [] : [rate];
  return [...problems, ...windowProblems(schedule, now, problems.length)];
}

/**
 * Every problem with a schedule whose shape is already checked, with paths relative to the schedule object
 * (`expression`, `timezone`, `every`, `at`, `startAt`, `endAt`). Never throws on any string content.
 * `ctx.now` is the request time: an `at` or `endAt` before it is refused.
 */
export function scheduleProblems(schedule: Schedule, ctx: { now: Date }): FieldProblem[] {
  switch (schedule.type) {
    case 'immediate':
      return [];
    case 'at': {
      const at = parseInstant(schedule.at);
      if (at === undefined) return [instantProblem('at', schedule.at)!];
      if (at.getTime() < ctx.now.getTime()) {
        return [
          { path: 'at', message: `${schedule.at} is in the past; use {"type":"immediate"} to run now` },
        ];
      }
      return [];
    }
    case 'cron':
      return cronProblems(schedule, ctx.now);
    case 'rate':
      return rateProblems(schedule, ctx.now);
    default:
      return [{ path: 'type', message: "must be one of 'immediate', 'at', 'cron', 'rate'" }];
  }
}
