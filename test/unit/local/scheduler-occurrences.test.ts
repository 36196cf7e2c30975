import { describe, expect, it } from 'vitest';
import type { LocalScheduleItem } from '../../../lambdas/adapters/local/local-cron-registry.js';
import { schedulerMaxLateSecondsOf } from '../../../lambdas/local/local-scheduler.js';
import {
  formatScheduledTime,
  latenessMs,
  MAX_EVENT_AGE_MS,
  staleOccurrences,
} from '../../../lambdas/local/scheduler-occurrences.js';

const minute = (m: number) => new Date(Date.UTC(2030, 0, 1, 12, m));

describe('lateness of the local scheduler', () => {
  it('stays within [0, maxLateSeconds], is the same on every call, and spreads over the window', () => {
    const values = Array.from({ length: 1000 }, (_, m) => latenessMs('job-a', minute(m), 50));
    for (const v of values) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(50_000);
    }
    expect(Array.from({ length: 1000 }, (_, m) => latenessMs('job-a', minute(m), 50))).toEqual(values);
    expect(Math.min(...values)).toBeLessThan(5_000);
    expect(Math.max(...values)).toBeGreaterThan(45_000);
    // Another schedule is late by other amounts at the same occurrences.
    expect(values.slice(0, 10)).not.toEqual(
      Array.from({ length: 10 }, (_, m) => latenessMs('job-b', minute(m), 50)),
    );
  });

  it('is zero when maxLateSeconds is 0', () => {
    expect(Array.from({ length: 100 }, (_, m) => latenessMs('job-a', minute(m), 0))).toEqual(
      Array(100).fill(0),
    );
  });
});

describe('scheduled time as EventBridge writes it', () => {
  it('is an ISO UTC instant to the second', () => {
    expect(formatScheduledTime(new Date('2026-03-08T07:30:00.000Z'))).toBe('2026-03-08T07:30:00Z');
    expect(formatScheduledTime(new Date('2026-03-08T07:30:05.999Z'))).toBe('2026-03-08T07:30:05Z');
  });
});

describe('stale occurrences', () => {
  const item = {
    name: 'job-s',
    schedule: { type: 'cron', expression: '*/10 * * * *' },
    anchor: '2030-01-01T00:00:00.000Z',
  } as LocalScheduleItem;

  it('are those strictly before the cutoff: one exactly MaximumEventAgeInSeconds old is still delivered', () => {
    const now = Date.parse('2030-01-01T14:30:00Z');
    const stale = staleOccurrences(item, Date.parse('2030-01-01T12:10:00Z'), now - MAX_EVENT_AGE_MS);
    expect(stale).toEqual({ count: 7, first: minute(20), last: minute(80), capped: false });
  });

  it('are counted up to a cap', () => {
    const stale = staleOccurrences(
      item,
      Date.parse('2030-01-01T12:00:00Z'),
      Date.parse('2030-01-01T14:00:00Z'),
      5,
    );
    expect(stale).toEqual({ count: 5, first: minute(10), last: minute(50), capped: true });
    const exact = staleOccurrences(
      item,
      Date.parse('2030-01-01T12:00:00Z'),
      Date.parse('2030-01-01T13:00:00Z'),
      5,
    );
    expect(exact).toEqual({ count: 5, first: minute(10), last: minute(50), capped: false });
  });
});

describe('schedulerMaxLateSeconds', () => {
  it('defaults to 50 and takes the option before the environment', () => {
    expect(schedulerMaxLateSecondsOf()).toBe(50);
    expect(schedulerMaxLateSecondsOf(undefined, '')).toBe(50);
    expect(schedulerMaxLateSecondsOf(undefined, '0')).toBe(0);
    expect(schedulerMaxLateSecondsOf(undefined, ' 59 ')).toBe(59);
    expect(schedulerMaxLateSecondsOf(10, '30')).toBe(10);
  });

  it.each(['60', '-1', '1.5', 'abc', '1e1', '007'])(
    'refuses KAIROS_SCHEDULER_MAX_LATE_SECONDS=%s',
    (value) => {
      expect(() => schedulerMaxLateSecondsOf(undefined, value)).toThrow(
        `KAIROS_SCHEDULER_MAX_LATE_SECONDS must be a whole number of seconds from 0 to 59, got '${value}'.`,
      );
    },
  );

  it.each([60, -1, 0.5, Number.NaN])('refuses the option %s', (value) => {
    expect(() => schedulerMaxLateSecondsOf(value)).toThrow(/^schedulerMaxLateSeconds must be a whole number/);
  });
});
