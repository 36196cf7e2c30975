import { describe, expect, it } from 'vitest';
import { cronNeverFiresReason, isCronSpec, parseCron } from '../../../../lambdas/core/schedule/index.js';

function problemsOf(expression: string): readonly string[] {
  const result = parseCron(expression);
  return isCronSpec(result) ? [] : result;
}

describe('parseCron: accepted syntax', () => {
  it.each([
    ['* * * * *', [0, 59], [0, 23]],
    ['0 0 * * *', [0], [0]],
    ['*/15 9-17 * * MON-FRI', [0, 15, 30, 45], [9, 10, 11, 12, 13, 14, 15, 16, 17]],
    ['0-30/10 */6 * * *', [0, 10, 20, 30], [0, 6, 12, 18]],
    ['5/20 1,3 * * *', [5, 25, 45], [1, 3]],
    ['00 07 * * *', [0], [7]],
  ])('%s', (expression, minutes, hours) => {
    const spec = parseCron(expression);
    if (!isCronSpec(spec)) throw new Error(spec.join('; '));
    if (expression === '* * * * *') {
      expect(spec.minute.values).toHaveLength(60);
      expect(spec.hour.values).toHaveLength(24);
    } else {
      expect(spec.minute.values).toEqual(minutes);
      expect(spec.hour.values).toEqual(hours);
    }
  });

  it('reads month and day names case-insensitively and folds day 7 to Sunday', () => {
    const spec = parseCron('0 0 * jan,Jul,DEC sun,7,Sat');
    if (!isCronSpec(spec)) throw new Error(spec.join('; '));
    expect(spec.month.values).toEqual([1, 7, 12]);
    expect(spec.dayOfWeek.values).toEqual([0, 6]);
  });

  it('day-of-week ranges and steps: 5-7, */2, 1/2', () => {
    const values = (e: string) => {
      const spec = parseCron(`0 0 * * ${e}`);
      return isCronSpec(spec) ? spec.dayOfWeek.values : spec;
    };
    expect(values('5-7')).toEqual([0, 5, 6]);
    expect(values('*/2')).toEqual([0, 2, 4, 6]);
    // a/n runs to the field maximum 7 (Sunday), as in cron-parser.
    expect(values('1/2')).toEqual([0, 1, 3, 5]);
  });

  it('only the literal * leaves a day field unrestricted', () => {
    const spec = parseCron('0 0 */1 * *');
    if (!isCronSpec(spec)) throw new Error(spec.join('; '));
    expect(spec.dayOfMonth.restricted).toBe(true);
    expect(spec.dayOfWeek.restricted).toBe(false);
  });
});

describe('parseCron: rejected syntax names the field and what it allows', () => {
  it.each([
    ['0 0 * * L', "day-of-week: 'L' is not allowed; use 0-7 or SUN-SAT"],
    ['0 0 L * *', "day-of-month: 'L' is not allowed; use 1-31"],
    [
      '0 0 ? * MON',
      "day-of-month: '?' is not allowed ('?' belongs to EventBridge's 6-field syntax; use * here)",
    ],
    ['0 0 15W * *', "day-of-month: '15W' is not allowed; use 1-31"],
    ['0 0 * * 1#2', "day-of-week: '1#2' is not allowed; use 0-7 or SUN-SAT"],
    ['H * * * *', "minute: 'H' is not allowed; use 0-59"],
    ['60 * * * *', 'minute: 60 is out of range; use 0-59'],
    ['0 24 * * *', 'hour: 24 is out of range; use 0-23'],
    ['0 0 0 * *', 'day-of-month: 0 is out of range; use 1-31'],
    ['0 0 32 * *', 'day-of-month: 32 is out of range; use 1-31'],
    ['0 0 * 13 *', 'month: 13 is out of range; use 1-12 or JAN-DEC'],
    ['0 0 * * 8', 'day-of-week: 8 is out of range; use 0-7 or SUN-SAT'],
    ['0 0 * FOO *', "month: 'FOO' is not allowed; use 1-12 or JAN-DEC"],
    ['0 0 * MON *', "month: 'MON' is not allowed; use 1-12 or JAN-DEC"],
    ['5-1 * * * *', 'minute: range 5-1 is reversed; write the smaller value first'],
    ['0 0 * * FRI-MON', 'day-of-week: range FRI-MON is reversed'],
    ['*/0 * * * *', "minute: step '0' is not allowed; use a whole number from 1 to 59"],
    ['0 */24 * * *', "hour: step '24' is not allowed; use a whole number from 1 to 23"],
    ['1,,2 * * * *', "minute: '1,,2' has an empty list item"],
    ['*-5 * * * *', "minute: '*-5' is not allowed"],
    ['1.5 * * * *', "minute: '1.5' is not allowed"],
    ['-1 * * * *', "minute: '-1' is not allowed"],
  ])('%s', (expression, message) => {
    const problems = problemsOf(expression);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['@daily', "macros such as '@daily' are not supported"],
    [
      '0 0 * * * *',
      'has 6 fields; expected 5 (minute hour day-of-month month day-of-week); seconds and year',
    ],
    ['0 0 0 * * * 2026', 'has 7 fields'],
    ['0 0 *', 'has 3 fields; expected 5'],
    ['cron(0 10 * * ? *)', "without 'cron(...)'"],
    ['* '.repeat(200), 'longer than 256 characters'],
  ])('shape #%#', (expression, message) => {
    expect(problemsOf(expression).join('\n')).toContain(message);
  });

  it('reports every bad field, not just the first', () => {
    expect(problemsOf('61 25 * * *')).toEqual([
      'minute: 61 is out of range; use 0-59',
      'hour: 25 is out of range; use 0-23',
    ]);
  });

  it('rejects restricting both day-of-month and day-of-week, and says what to do instead', () => {
    for (const e of ['0 0 1 * MON', '0 0 1-31 * 1-5', '0 0 */2 * */2', '0 0 15 * 0-7']) {
      const [problem] = problemsOf(e);
      expect(problem).toContain('both restricted');
      expect(problem).toContain('restrict only one of day-of-month and day-of-week');
      expect(problem).toContain('or create two jobs');
    }
  });

  it('tolerates surrounding and repeated whitespace', () => {
    expect(problemsOf('  0\t0  *  * *  ')).toEqual([]);
  });
});

describe('cronNeverFiresReason', () => {
  const reason = (e: string) => {
    const spec = parseCron(e);
    if (!isCronSpec(spec)) throw new Error(spec.join('; '));
    return cronNeverFiresReason(spec);
  };

  it.each(['0 0 30 2 *', '0 0 31 4,6,9,11 *', '0 0 30,31 FEB *'])('%s never fires', (e) => {
    expect(reason(e)).toMatch(/^never fires/);
  });

  it.each(['0 0 29 2 *', '0 0 31 * *', '0 0 * 2 SUN', '0 0 1-31 2 *'])('%s can fire', (e) => {
    expect(reason(e)).toBeUndefined();
  });
});
