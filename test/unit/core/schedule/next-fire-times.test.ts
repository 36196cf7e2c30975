import { describe, expect, it } from 'vitest';
import { nextFireTimes, type Schedule } from '../../../../lambdas/core/schedule/index.js';

const iso = (dates: readonly Date[]) => dates.map((d) => d.toISOString());
const cron = (expression: string, extra: Partial<Schedule> = {}): Schedule =>
  ({ type: 'cron', expression, ...extra }) as Schedule;
const times = (schedule: Schedule, after: string, count: number, anchor?: string) =>
  iso(
    nextFireTimes(schedule, { after: new Date(after), count, anchor: anchor ? new Date(anchor) : undefined }),
  );

describe('nextFireTimes: cron calendar (UTC)', () => {
  it('day 31 skips 30-day months and February', () => {
    expect(times(cron('0 0 31 * *'), '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
      '2026-05-31T00:00:00.000Z',
      '2026-07-31T00:00:00.000Z',
    ]);
  });

  it('leap day only: 2028-02-29 from 2026, then every fourth year, skipping 2100', () => {
    expect(times(cron('0 0 29 2 *'), '2026-01-01T00:00:00Z', 2)).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
    ]);
    expect(times(cron('0 0 29 2 *'), '2096-03-01T00:00:00Z', 1)).toEqual(['2104-02-29T00:00:00.000Z']);
  });

  it('an impossible date returns nothing and terminates', () => {
    expect(times(cron('0 0 30 2 *'), '2026-01-01T00:00:00Z', 3)).toEqual([]);
    expect(
      times(cron('0 0 31 4,6,9,11 *', { timezone: 'Europe/Berlin' }), '2026-01-01T00:00:00Z', 1),
    ).toEqual([]);
  });

  it('steps, ranges and lists', () => {
    expect(times(cron('*/20 * * * *'), '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-01T00:20:00.000Z',
      '2026-01-01T00:40:00.000Z',
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T01:20:00.000Z',
    ]);
    expect(times(cron('10-30/10 8-9 * * *'), '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-01T08:10:00.000Z',
      '2026-01-01T08:20:00.000Z',
      '2026-01-01T08:30:00.000Z',
      '2026-01-01T09:10:00.000Z',
    ]);
    expect(times(cron('5,55 23 * * *'), '2026-01-01T23:30:00Z', 3)).toEqual([
      '2026-01-01T23:55:00.000Z',
      '2026-01-02T23:05:00.000Z',
      '2026-01-02T23:55:00.000Z',
    ]);
    expect(times(cron('0 12 10/10 * *'), '2026-02-01T00:00:00Z', 3)).toEqual([
      '2026-02-10T12:00:00.000Z',
      '2026-02-20T12:00:00.000Z',
      '2026-03-10T12:00:00.000Z',
    ]);
  });

  it('named weekdays: MON-FRI skips the weekend', () => {
    // 2026-01-02 is a Friday.
    expect(times(cron('0 9 * * MON-FRI'), '2026-01-02T10:00:00Z', 2)).toEqual([
      '2026-01-05T09:00:00.000Z',
      '2026-01-06T09:00:00.000Z',
    ]);
    expect(times(cron('0 9 * * mon-fri'), '2026-01-02T10:00:00Z', 1)).toEqual(['2026-01-05T09:00:00.000Z']);
  });

  it('named months', () => {
    expect(times(cron('0 0 1 JAN,JUL *'), '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-07-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
      '2027-07-01T00:00:00.000Z',
    ]);
  });

  it('day-of-week 7 and 0 are both Sunday', () => {
    const sunday7 = times(cron('0 6 * * 7'), '2026-01-01T00:00:00Z', 3);
    expect(sunday7).toEqual([
      '2026-01-04T06:00:00.000Z',
      '2026-01-11T06:00:00.000Z',
      '2026-01-18T06:00:00.000Z',
    ]);
    expect(times(cron('0 6 * * 0'), '2026-01-01T00:00:00Z', 3)).toEqual(sunday7);
    expect(times(cron('0 6 * * SUN'), '2026-01-01T00:00:00Z', 3)).toEqual(sunday7);
    // 5-7 is Friday, Saturday, Sunday.
    expect(times(cron('0 6 * * 5-7'), '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-02T06:00:00.000Z',
      '2026-01-03T06:00:00.000Z',
      '2026-01-04T06:00:00.000Z',
      '2026-01-09T06:00:00.000Z',
    ]);
  });

  it('returns instants strictly after `after`, even when `after` is a fire time or has seconds', () => {
    expect(times(cron('0 * * * *'), '2026-01-01T05:00:00Z', 1)).toEqual(['2026-01-01T06:00:00.000Z']);
    expect(times(cron('0 * * * *'), '2026-01-01T04:59:59.999Z', 1)).toEqual(['2026-01-01T05:00:00.000Z']);
    expect(times(cron('* * * * *'), '2026-01-01T05:00:30Z', 1)).toEqual(['2026-01-01T05:01:00.000Z']);
  });

  it('count 0 gives nothing; year ends roll over', () => {
    expect(times(cron('* * * * *'), '2026-01-01T00:00:00Z', 0)).toEqual([]);
    expect(times(cron('59 23 31 12 *'), '2026-06-01T00:00:00Z', 2)).toEqual([
      '2026-12-31T23:59:00.000Z',
      '2027-12-31T23:59:00.000Z',
    ]);
  });
});

describe('nextFireTimes: startAt (inclusive) and endAt (exclusive)', () => {
  const bounded = cron('0 * * * *', { startAt: '2026-01-01T03:00:00Z', endAt: '2026-01-01T06:00:00Z' });

  it('starts at startAt inclusive and stops before endAt', () => {
    expect(times(bounded, '2025-12-01T00:00:00Z', 10)).toEqual([
      '2026-01-01T03:00:00.000Z',
      '2026-01-01T04:00:00.000Z',
      '2026-01-01T05:00:00.000Z',
    ]);
  });

  it('returns nothing after endAt', () => {
    expect(times(bounded, '2026-01-01T05:00:00Z', 10)).toEqual([]);
  });

  it('startAt with an offset is honoured in a zone', () => {
    const s = cron('30 9 * * *', { timezone: 'Europe/Berlin', startAt: '2026-06-02T09:30:00+02:00' });
    expect(times(s, '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-06-02T07:30:00.000Z',
      '2026-06-03T07:30:00.000Z',
    ]);
  });
});

describe('nextFireTimes: rate', () => {
  const every = (value: string, extra: Partial<Schedule> = {}) =>
    ({ type: 'rate', every: value, ...extra }) as Schedule;

  it('is anchored at startAt: anchor + k × interval', () => {
    const s = every('5 minutes', { startAt: '2026-01-01T00:02:00Z' });
    expect(times(s, '2026-01-01T00:10:00Z', 3)).toEqual([
      '2026-01-01T00:12:00.000Z',
      '2026-01-01T00:17:00.000Z',
      '2026-01-01T00:22:00.000Z',
    ]);
    expect(times(s, '2025-01-01T00:00:00Z', 1)).toEqual(['2026-01-01T00:02:00.000Z']);
  });

  it('uses opts.anchor without startAt, and startAt wins over it', () => {
    expect(times(every('1 hour'), '2026-01-01T00:00:00Z', 2, '2025-12-31T23:30:00Z')).toEqual([
      '2026-01-01T00:30:00.000Z',
      '2026-01-01T01:30:00.000Z',
    ]);
    const s = every('1 day', { startAt: '2026-01-01T08:00:00Z' });
    expect(times(s, '2026-01-05T00:00:00Z', 1, '2020-01-01T00:00:00Z')).toEqual(['2026-01-05T08:00:00.000Z']);
  });

  it('stops before endAt', () => {
    const s = every('2 hours', { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-01T04:00:00Z' });
    expect(times(s, '2025-01-01T00:00:00Z', 10)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
    ]);
  });

  it('throws without any anchor (a programming error)', () => {
    expect(() => nextFireTimes(every('1 hour'), { after: new Date(0), count: 1 })).toThrow(/anchor/);
  });
});

describe('nextFireTimes: at and immediate', () => {
  it('at returns the instant only when it is after `after`', () => {
    const s = { type: 'at', at: '2026-05-01T11:00:00+02:00' } as const;
    expect(times(s, '2026-01-01T00:00:00Z', 5)).toEqual(['2026-05-01T09:00:00.000Z']);
    expect(times(s, '2026-05-01T09:00:00Z', 5)).toEqual([]);
  });

  it('immediate has no timetable', () => {
    expect(times({ type: 'immediate' }, '2026-01-01T00:00:00Z', 5)).toEqual([]);
  });

  it('throws on a schedule that scheduleProblems would reject', () => {
    expect(() => times(cron('0 0 1 * MON'), '2026-01-01T00:00:00Z', 1)).toThrow(/both restricted/);
    expect(() => times(cron('0 0 * * *', { timezone: 'Foo/Bar' }), '2026-01-01T00:00:00Z', 1)).toThrow(
      /Foo\/Bar/,
    );
    expect(() => nextFireTimes(cron('* * * * *'), { after: new Date(Number.NaN), count: 1 })).toThrow(
      RangeError,
    );
  });
});
