import { describe, expect, it } from 'vitest';
import { type Schedule, scheduleProblems } from '../../../../lambdas/core/schedule/index.js';

const now = new Date('2026-06-01T12:00:00Z');
const check = (schedule: Schedule) => scheduleProblems(schedule, { now });
const paths = (schedule: Schedule) => check(schedule).map((p) => p.path);

describe('scheduleProblems: valid schedules', () => {
  it.each<Schedule>([
    { type: 'immediate' },
    { type: 'at', at: '2026-06-01T12:00:00Z' },
    { type: 'at', at: '2027-01-01T00:00:00+09:00' },
    { type: 'cron', expression: '0 2 * * *' },
    { type: 'cron', expression: '0 9 * * MON-FRI', timezone: 'Europe/Berlin' },
    { type: 'cron', expression: '0 0 29 2 *', timezone: 'UTC' },
    { type: 'cron', expression: '0 * * * *', startAt: '2020-01-01T00:00:00Z', endAt: '2030-01-01T00:00:00Z' },
    { type: 'rate', every: '5 minutes' },
    { type: 'rate', every: '1 day', startAt: '2026-06-01T12:00:00Z', endAt: '2026-06-01T12:00:01Z' },
  ])('%j', (schedule) => {
    expect(check(schedule)).toEqual([]);
  });
});

describe('scheduleProblems: at', () => {
  it('refuses a time in the past and points to immediate', () => {
    const [problem] = check({ type: 'at', at: '2026-06-01T11:59:59Z' });
    expect(problem.path).toBe('at');
    expect(problem.message).toContain('use {"type":"immediate"} to run now');
  });

  it.each(['2026-07-01', '2026-07-01T09:00:00', 'next tuesday'])('refuses %j (no explicit zone)', (at) => {
    const [problem] = check({ type: 'at', at });
    expect(problem.path).toBe('at');
    expect(problem.message).toContain('with Z or an offset');
  });
});

describe('scheduleProblems: cron', () => {
  it('reports syntax per field under `expression`', () => {
    expect(check({ type: 'cron', expression: '0 0 * * L' })).toEqual([
      {
        path: 'expression',
        message: expect.stringContaining("day-of-week: 'L' is not allowed; use 0-7 or SUN-SAT"),
      },
    ]);
  });

  it('reports both-restricted day fields with the way out', () => {
    const [problem] = check({ type: 'cron', expression: '0 0 1 * MON' });
    expect(problem.path).toBe('expression');
    expect(problem.message).toContain('restrict only one of day-of-month and day-of-week');
  });

  it('reports an expression that can never fire', () => {
    expect(check({ type: 'cron', expression: '0 0 30 2 *' })).toEqual([
      { path: 'expression', message: expect.stringMatching(/^never fires/) },
    ]);
  });

  it('reports an unknown timezone', () => {
    expect(paths({ type: 'cron', expression: '0 0 * * *', timezone: 'Foo/Bar' })).toEqual(['timezone']);
    expect(paths({ type: 'cron', expression: '0 0 * * *', timezone: '+02:00' })).toEqual(['timezone']);
    expect(paths({ type: 'cron', expression: '0 0 * * *', timezone: '' })).toEqual(['timezone']);
  });

  it('reports every independent problem at once', () => {
    expect(
      paths({
        type: 'cron',
        expression: '61 * * * *',
        timezone: 'Mars/Olympus',
        startAt: 'soon',
        endAt: 'later',
      }),
    ).toEqual(['expression', 'timezone', 'startAt', 'endAt']);
  });

  it('checks the window: startAt before endAt, endAt not past, a fire time inside', () => {
    const base = { type: 'cron', expression: '0 0 * * *' } as const;
    expect(check({ ...base, startAt: '2026-07-02T00:00:00Z', endAt: '2026-07-01T00:00:00Z' })).toEqual([
      { path: 'endAt', message: expect.stringContaining('must be later than startAt') },
    ]);
    expect(check({ ...base, startAt: '2026-07-01T00:00:00Z', endAt: '2026-07-01T00:00:00Z' })[0].path).toBe(
      'endAt',
    );
    expect(check({ ...base, endAt: '2026-05-01T00:00:00Z' })).toEqual([
      { path: 'endAt', message: expect.stringContaining('would never fire') },
    ]);
    expect(check({ ...base, startAt: '2026-07-01T00:00:01Z', endAt: '2026-07-01T23:00:00Z' })).toEqual([
      { path: 'endAt', message: expect.stringContaining('no fire time falls before endAt') },
    ]);
    expect(paths({ ...base, startAt: '2026-07-01', endAt: '2026-07-02T00:00:00' })).toEqual([
      'startAt',
      'endAt',
    ]);
  });
});

describe('scheduleProblems: rate', () => {
  it('reports bad units under `every`', () => {
    const [problem] = check({ type: 'rate', every: '30 seconds' });
    expect(problem.path).toBe('every');
    expect(problem.message).toContain('minimum rate is 1 minute');
  });

  it('reports a window with no fire time and a past endAt', () => {
    expect(
      paths({ type: 'rate', every: '1 day', startAt: '2026-05-01T13:30:00Z', endAt: '2026-06-01T13:00:00Z' }),
    ).toEqual(['endAt']);
    expect(paths({ type: 'rate', every: '1 hour', endAt: '2026-06-01T11:00:00Z' })).toEqual(['endAt']);
  });
});
