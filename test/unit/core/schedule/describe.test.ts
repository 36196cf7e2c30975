import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeSchedule,
  isCronSpec,
  parseCron,
  type Schedule,
} from '../../../../lambdas/core/schedule/index.js';

const cron = (expression: string, timezone?: string): Schedule => ({ type: 'cron', expression, timezone });

describe('describeSchedule', () => {
  it.each([
    ['0 2 * * *', 'At 02:00 every day'],
    ['30 9 * * 1-5', 'At 09:30 on Monday to Friday'],
    ['30 9 * * MON-FRI', 'At 09:30 on Monday to Friday'],
    ['0 9 * * 1,3,5', 'At 09:00 on Monday, Wednesday and Friday'],
    ['0 0 * * 6,0', 'At 00:00 on Saturday and Sunday'],
    ['0 0 * * 5-6,0', 'At 00:00 on Friday to Sunday'],
    ['0 0 * * 0', 'At 00:00 on Sunday'],
    ['0 0 * * 7', 'At 00:00 on Sunday'],
    ['0 0 * * 1-7', 'At 00:00 every day'],
    ['0 9,17 * * *', 'At 09:00 and 17:00 every day'],
    ['0,30 9 * * *', 'At 09:00 and 09:30 every day'],
    ['0 9,12,15,18,20 * * *', 'At 09:00, 12:00, 15:00, 18:00 and 20:00 every day'],
    ['0 0-23/5 * * *', 'At 00:00, 05:00, 10:00, 15:00 and 20:00 every day'],
    ['* * * * *', 'Every minute'],
    ['*/1 * * * *', 'Every minute'],
    ['*/5 * * * *', 'Every 5 minutes'],
    ['0,30 * * * *', 'Every 30 minutes'],
    ['5/15 * * * *', 'Every 15 minutes from minute 5'],
    ['1-59/2 * * * *', 'Every 2 minutes from minute 1'],
    ['*/7 * * * *', 'At every 7th minute past every hour'],
    ['0-10 * * * *', 'At minutes 0 to 10 past every hour'],
    ['*/15 9-17 * * 1-5', 'Every 15 minutes between 09:00 and 17:59 on Monday to Friday'],
    ['* 9 * * *', 'Every minute between 09:00 and 09:59'],
    ['* 9,17 * * *', 'Every minute past hours 9 and 17'],
    ['*/10 */3 * * *', 'Every 10 minutes past every 3rd hour'],
    ['0 * * * *', 'Every hour'],
    ['15 * * * *', 'At minute 15 past every hour'],
    ['0 */2 * * *', 'At minute 0 past every 2nd hour'],
    ['0 1-23/2 * * *', 'At minute 0 past every 2nd hour from 1 to 23'],
    ['15,45 */4 * * 1-5', 'At minutes 15 and 45 past every 4th hour on Monday to Friday'],
    ['0 9-17 * * *', 'Every hour from 09:00 to 17:00'],
    ['30 9-17 * * *', 'Every hour from 09:30 to 17:30'],
    ['0 0 1 * *', 'At 00:00 on day 1 of the month'],
    ['0 0 1,15 * *', 'At 00:00 on days 1 and 15 of the month'],
    ['0 0 1-7 * *', 'At 00:00 on days 1 to 7 of the month'],
    ['0 0 */2 * *', 'At 00:00 on every 2nd day of the month'],
    ['0 0 1-15/2 * *', 'At 00:00 on every 2nd day from 1 to 15 of the month'],
    ['0 0 1 1 *', 'At 00:00 on day 1 of January'],
    ['0 0 29 2 *', 'At 00:00 on day 29 of February'],
    ['0 0 1 1,4,7,10 *', 'At 00:00 on day 1 of January, April, July and October'],
    ['0 12 * 3-5 *', 'At 12:00 every day from March to May'],
    ['0 12 * JUL,AUG *', 'At 12:00 every day in July and August'],
    ['0 8 * 12 1', 'At 08:00 on Monday in December'],
  ])('cron %j reads %j', (expression, text) => {
    expect(describeSchedule(cron(expression))).toBe(`${text}, UTC`);
  });

  it('ends a cron description with the zone', () => {
    expect(describeSchedule(cron('0 2 * * *', 'Europe/Berlin'))).toBe('At 02:00 every day, Europe/Berlin');
    expect(describeSchedule(cron('*/5 * * * *', 'America/New_York'))).toBe(
      'Every 5 minutes, America/New_York',
    );
  });

  it('falls back to the expression when the phrase would be longer than it is useful', () => {
    const expression = '1,2,3,5,7,11,13,17,19,23,29,31,37,41,43,47 * 1,3,5,7,9,11,13,17,19,23 * *';
    expect(describeSchedule(cron(expression, 'Asia/Tokyo'))).toBe(`Cron ${expression}, Asia/Tokyo`);
  });

  it.each([
    ['5 minutes', 'Every 5 minutes'],
    ['1 minute', 'Every minute'],
    ['1 hour', 'Every hour'],
    ['12 hours', 'Every 12 hours'],
    ['1 day', 'Every day'],
    ['2 days', 'Every 2 days'],
  ])('rate %j reads %j', (every, text) => {
    expect(describeSchedule({ type: 'rate', every, startAt: '2026-01-01T00:00:00Z' })).toBe(text);
  });

  it.each([
    ['2026-12-01T09:00:00Z', 'Once at 2026-12-01 09:00 UTC'],
    ['2026-12-01T10:00:00+01:00', 'Once at 2026-12-01 09:00 UTC'],
    ['2026-12-01T09:00:30.250Z', 'Once at 2026-12-01 09:00:30 UTC'],
  ])('at %j reads %j', (at, text) => {
    expect(describeSchedule({ type: 'at', at })).toBe(text);
  });

  it('describes an immediate schedule', () => {
    expect(describeSchedule({ type: 'immediate' })).toBe('Once, immediately');
  });

  // ---- any valid expression gets a description ----

  const item = (min: number, max: number) => {
    const value = fc.integer({ min, max });
    const pair = fc.tuple(value, value).map(([a, b]) => (a <= b ? [a, b] : [b, a]));
    const step = fc.integer({ min: 1, max: max - min });
    return fc.oneof(
      value.map(String),
      pair.map(([a, b]) => `${a}-${b}`),
      step.map((n) => `*/${n}`),
      fc.tuple(pair, step).map(([[a, b], n]) => `${a}-${b}/${n}`),
      fc.tuple(value, step).map(([a, n]) => `${a}/${n}`),
    );
  };
  const field = (min: number, max: number) =>
    fc.oneof(
      fc.constant('*'),
      fc.array(item(min, max), { minLength: 1, maxLength: 4 }).map((items) => items.join(',')),
    );
  const expressionArb = fc
    .tuple(
      field(0, 59),
      field(0, 23),
      fc.oneof(
        field(1, 31).map((dom) => [dom, '*']),
        field(0, 7).map((dow) => ['*', dow]),
      ),
      field(1, 12),
    )
    .map(([minute, hour, [dom, dow], month]) => `${minute} ${hour} ${dom} ${month} ${dow}`);
  const zoneArb = fc.constantFrom(
    undefined,
    'UTC',
    'Europe/Berlin',
    'Australia/Lord_Howe',
    'America/New_York',
  );

  it('describes every valid cron expression in a non-empty phrase that names the zone', () => {
    fc.assert(
      fc.property(expressionArb, zoneArb, (expression, timezone) => {
        const schedule = cron(expression, timezone);
        expect(isCronSpec(parseCron(expression))).toBe(true);
        const text = describeSchedule(schedule);
        expect(text.length).toBeGreaterThan(0);
        expect(text.endsWith(`, ${timezone ?? 'UTC'}`)).toBe(true);
        expect(text).not.toMatch(/undefined|NaN/);
      }),
      { numRuns: 500 },
    );
  });
});
