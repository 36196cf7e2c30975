import { describe, expect, it } from 'vitest';
import { type Schedule, toEventBridgeExpression } from '../../../../lambdas/core/schedule/index.js';

const expressionOf = (schedule: Schedule) => toEventBridgeExpression(schedule)?.expression;
const cronOf = (expression: string) => expressionOf({ type: 'cron', expression });

describe('toEventBridgeExpression: cron', () => {
  it.each([
    // `?` placement: day-of-week is `?` unless it is restricted, then day-of-month is.
    ['0 2 * * *', 'cron(0 2 * * ? *)'],
    ['0 2 15 * *', 'cron(0 2 15 * ? *)'],
    ['0 2 1,15 JAN,JUL *', 'cron(0 2 1,15 1,7 ? *)'],
    ['0 2 * * MON', 'cron(0 2 ? * 2 *)'],
    // day-of-week renumbering: Unix 0/7 = Sunday → 1, Monday 1 → 2, … Saturday 6 → 7.
    ['0 9 * * MON-FRI', 'cron(0 9 ? * 2-6 *)'],
    ['0 9 * * 1-5', 'cron(0 9 ? * 2-6 *)'],
    ['0 9 * * 0', 'cron(0 9 ? * 1 *)'],
    ['0 9 * * 7', 'cron(0 9 ? * 1 *)'],
    ['0 9 * * SUN', 'cron(0 9 ? * 1 *)'],
    ['0 9 * * 6', 'cron(0 9 ? * 7 *)'],
    ['0 9 * * 5-7', 'cron(0 9 ? * 1,6,7 *)'],
    ['0 9 * * 6,0', 'cron(0 9 ? * 1,7 *)'],
    ['0 9 * * */2', 'cron(0 9 ? * 1,3,5,7 *)'],
    ['0 9 * * 0-7', 'cron(0 9 ? * * *)'],
    // steps: start/step only for minutes and hours when the progression runs to the end of the field.
    ['*/15 * * * *', 'cron(0/15 * * * ? *)'],
    ['5/10 */6 * * *', 'cron(5/10 0/6 * * ? *)'],
    ['0-30/10 * * * *', 'cron(0,10,20,30 * * * ? *)'],
    ['0 0 */10 * *', 'cron(0 0 1,11,21,31 * ? *)'],
    ['0 0 1 */3 *', 'cron(0 0 1 1,4,7,10 ? *)'],
    ['0,1,2,3,10 * * * *', 'cron(0-3,10 * * * ? *)'],
    ['*/1 * * * *', 'cron(* * * * ? *)'],
  ])('%s → %s', (unix, eventbridge) => {
    expect(cronOf(unix)).toBe(eventbridge);
  });

  it('returns the schedule timezone, UTC by default', () => {
    expect(
      toEventBridgeExpression({ type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Berlin' }),
    ).toEqual({
      expression: 'cron(0 2 * * ? *)',
      timezone: 'Europe/Berlin',
    });
    expect(toEventBridgeExpression({ type: 'cron', expression: '0 2 * * *' })?.timezone).toBe('UTC');
  });

  it('refuses expressions that restrict both day fields (EventBridge needs one `?`)', () => {
    expect(() => cronOf('0 0 1 * MON')).toThrow(/both restricted/);
  });
});

describe('toEventBridgeExpression: rate, at, immediate', () => {
  it.each([
    ['5 minutes', 'rate(5 minutes)'],
    ['1 minutes', 'rate(1 minute)'],
    ['1 hour', 'rate(1 hour)'],
    ['2 hour', 'rate(2 hours)'],
    ['1 day', 'rate(1 day)'],
    ['10 DAYS', 'rate(10 days)'],
  ])('rate %s → %s', (every, expression) => {
    expect(toEventBridgeExpression({ type: 'rate', every })).toEqual({ expression, timezone: 'UTC' });
  });

  it('at is written in UTC without zone designator, seconds kept', () => {
    expect(toEventBridgeExpression({ type: 'at', at: '2026-05-01T11:00:05.250+02:00' })).toEqual({
      expression: 'at(2026-05-01T09:00:05)',
      timezone: 'UTC',
    });
  });

  it('immediate has no expression', () => {
    expect(toEventBridgeExpression({ type: 'immediate' })).toBeUndefined();
  });
});
