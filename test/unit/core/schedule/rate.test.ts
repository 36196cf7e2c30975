import { describe, expect, it } from 'vitest';
import { parseRate } from '../../../../lambdas/core/schedule/index.js';

describe('parseRate', () => {
  it.each([
    ['5 minutes', { value: 5, unit: 'minute', ms: 300_000 }],
    ['1 minute', { value: 1, unit: 'minute', ms: 60_000 }],
    ['1 minutes', { value: 1, unit: 'minute', ms: 60_000 }],
    ['2 hours', { value: 2, unit: 'hour', ms: 7_200_000 }],
    ['1 hour', { value: 1, unit: 'hour', ms: 3_600_000 }],
    ['1 day', { value: 1, unit: 'day', ms: 86_400_000 }],
    [' 3  Days ', { value: 3, unit: 'day', ms: 259_200_000 }],
  ])('accepts %j', (every, parsed) => {
    expect(parseRate(every)).toEqual(parsed);
  });

  it.each([
    ['30 seconds', "EventBridge Scheduler's minimum rate is 1 minute"],
    ['1 second', 'seconds are not supported'],
    ['2 weeks', "weeks are not supported; write them as days ('14 days')"],
    ['0 minutes', "'0' is not a whole number of at least 1"],
    ['-5 minutes', "'-5' is not a whole number of at least 1"],
    ['1.5 hours', "'1.5' is not a whole number of at least 1"],
    ['5 fortnights', "unknown unit 'fortnights'"],
    ['five minutes', 'is not a rate'],
    ['5minutes', 'is not a rate'],
    ['', 'is not a rate'],
    ['99999999999 days', 'too long'],
  ])('rejects %j and says what is allowed', (every, message) => {
    const result = parseRate(every);
    expect(result).toMatchObject({ path: 'every' });
    if (!('message' in result)) throw new Error('expected a problem');
    expect(result.message).toContain(message);
    expect(result.message).toContain("use '<n> minutes', '<n> hours' or '<n> days'");
  });
});
