import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backfillSlots, SLOT_COUNT_CAP, windowSlots } from '../../../../lambdas/core/backfill/slots.js';
import type { JobRecord } from '../../../../lambdas/core/job.js';
import type { Schedule } from '../../../../lambdas/core/schedule/index.js';
import { cronOracle, EVERY_HOUR } from '../../../support/cron-oracle.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function jobWith(schedule: Schedule, createdAt = '2026-01-01T00:00:00.000Z'): JobRecord {
  return {
    jobId: 'job_backfill',
    definition: {
      name: 'b',
      schedule,
      target: { type: 'lambda', functionArn: 'fn' },
    } as JobRecord['definition'],
    status: 'ACTIVE',
    version: 1,
    createdAt,
    updatedAt: createdAt,
  };
}

const windowOf = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });
const iso = (dates: readonly Date[]) => dates.map((d) => d.toISOString());

/** The DST changes of 2026 in the three zones (spring forward and fall back). */
const DST_CHANGES: Record<string, string[]> = {
  'America/New_York': ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z'],
  'Europe/Berlin': ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z'],
  'Australia/Sydney': ['2026-04-04T16:00:00Z', '2026-10-03T16:00:00Z'],
};

describe('backfill slots', () => {
  it.each([
    ['America/New_York', '2026-03-07T00:00:00Z', 72],
    ['America/New_York', '2026-10-31T00:00:00Z', 71],
    ['Europe/Berlin', '2026-03-28T00:00:00Z', 72],
    ['Europe/Berlin', '2026-10-24T00:00:00Z', 71],
    ['Australia/Sydney', '2026-04-04T00:00:00Z', 71],
    ['Australia/Sydney', '2026-10-03T00:00:00Z', 72],
  ])('hourly in %s over 3 days from %s: %i slots, as the oracle says', (zone, from, expected) => {
    const job = jobWith({ type: 'cron', expression: '0 * * * *', timezone: zone });
    const to = new Date(Date.parse(from) + 3 * DAY).toISOString();
    const result = backfillSlots(job, windowOf(from, to), 10_000);
    expect(result.kind).toBe('slots');
    const times = result.kind === 'slots' ? iso(result.times) : [];
    expect(times).toEqual(cronOracle(0, EVERY_HOUR, zone, Date.parse(from), Date.parse(to)));
    expect(times).toHaveLength(expected);
  });

  it('skips a daily 02:30 on the spring-forward day and runs a daily 01:30 once on the fall-back day', () => {
    const spring = jobWith({ type: 'cron', expression: '30 2 * * *', timezone: 'America/New_York' });
    const fall = jobWith({ type: 'cron', expression: '30 1 * * *', timezone: 'America/New_York' });
    const springTimes = windowSlots(
      spring,
      windowOf('2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z'),
      undefined,
      10,
    );
    expect(iso(springTimes)).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
    const fallTimes = windowSlots(
      fall,
      windowOf('2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z'),
      undefined,
      10,
    );
    expect(iso(fallTimes)).toEqual([
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('matches the brute-force oracle around DST changes: same slots, all in [from, to), ascending, no duplicates', () => {
    const zone = fc.constantFrom(...Object.keys(DST_CHANGES));
    const hours = fc.oneof(
      fc.constant({ text: '*', values: new Set(Array.from({ length: 24 }, (_, h) => h)) }),
      fc.integer({ min: 2, max: 6 }).map((n) => ({
        text: `*/${n}`,
        values: new Set(Array.from({ length: 24 }, (_, h) => h).filter((h) => h % n === 0)),
      })),
      fc.integer({ min: 0, max: 23 }).map((h) => ({ text: String(h), values: new Set([h]) })),
    );
    fc.assert(
      fc.property(
        zone,
        fc.integer({ min: 0, max: 59 }),
        hours,
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: -2 * 24 * 60, max: 24 * 60 }),
        fc.integer({ min: 1, max: 3 * 24 * 60 }),
        (tz, minute, hour, change, startOffsetMin, lengthMin) => {
          const from = Date.parse(DST_CHANGES[tz][change]) + startOffsetMin * MINUTE;
          const to = from + lengthMin * MINUTE;
          const job = jobWith({ type: 'cron', expression: `${minute} ${hour.text} * * *`, timezone: tz });
          const result = backfillSlots(job, { from: new Date(from), to: new Date(to) }, 10_000);
          if (result.kind !== 'slots') return false;
          const times = result.times.map((t) => t.getTime());
          expect(iso(result.times)).toEqual(cronOracle(minute, hour.values, tz, from, to));
          expect(times.every((t) => t >= from && t < to)).toBe(true);
          expect(times.every((t, i) => i === 0 || t > times[i - 1])).toBe(true);
          return true;
        },
      ),
      { numRuns: 60 },
    );
  });

  it('enumerates in chunks after a cursor exactly the slots of one pass', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (chunk) => {
        const job = jobWith({ type: 'cron', expression: '*/7 * * * *', timezone: 'Europe/Berlin' });
        const window = windowOf('2026-10-24T22:00:00Z', '2026-10-25T04:00:00Z');
        const whole = windowSlots(job, window, undefined, 10_000);
        const walked: Date[] = [];
        for (let part = windowSlots(job, window, undefined, chunk); part.length > 0; ) {
          walked.push(...part);
          part = windowSlots(job, window, part[part.length - 1], chunk);
        }
        expect(iso(walked)).toEqual(iso(whole));
      }),
      { numRuns: 20 },
    );
  });

  it('keeps the phase of a rate job, back to before its creation, and respects startAt and endAt', () => {
    const rate = jobWith({ type: 'rate', every: '1 hour' }, '2026-06-01T00:07:00.000Z');
    const before = backfillSlots(rate, windowOf('2026-05-01T00:00:00Z', '2026-05-02T00:00:00Z'), 10_000);
    expect(before.kind === 'slots' && iso(before.times)).toEqual(
      Array.from({ length: 24 }, (_, h) => `2026-05-01T${String(h).padStart(2, '0')}:07:00.000Z`),
    );
    const bounded = jobWith(
      { type: 'rate', every: '30 minutes', startAt: '2026-05-01T10:10:00Z', endAt: '2026-05-01T12:00:00Z' },
      '2026-06-01T00:00:00.000Z',
    );
    const within = backfillSlots(bounded, windowOf('2026-05-01T00:00:00Z', '2026-05-02T00:00:00Z'), 10_000);
    expect(within.kind === 'slots' && iso(within.times)).toEqual([
      '2026-05-01T10:10:00.000Z',
      '2026-05-01T10:40:00.000Z',
      '2026-05-01T11:10:00.000Z',
      '2026-05-01T11:40:00.000Z',
    ]);
  });

  it('rate slots equal anchor + k × interval inside the window (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 180 }),
        fc.integer({ min: 0, max: 10 * DAY }),
        fc.integer({ min: -5 * DAY, max: 5 * DAY }),
        fc.integer({ min: 1, max: 2 * DAY }),
        (minutes, createdOffset, fromOffset, length) => {
          const base = Date.parse('2026-03-01T00:00:00Z');
          const created = base + Math.floor(createdOffset / 1000) * 1000;
          const from = base + fromOffset;
          const to = from + length;
          const job = jobWith({ type: 'rate', every: `${minutes} minutes` }, new Date(created).toISOString());
          const result = backfillSlots(job, { from: new Date(from), to: new Date(to) }, 10_000);
          const step = minutes * MINUTE;
          const expected: number[] = [];
          for (let t = created + Math.ceil((from - created) / step) * step; t < to; t += step)
            expected.push(t);
          expect(result.kind === 'slots' && result.times.map((t) => t.getTime())).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('answers a window beyond the limit with its exact slot count, or a lower bound past the counting cap', () => {
    const everyMinute = jobWith({ type: 'cron', expression: '* * * * *' });
    const eightDays = backfillSlots(
      everyMinute,
      windowOf('2026-01-01T00:00:00Z', '2026-01-09T00:00:00Z'),
      10_000,
    );
    expect(eightDays).toEqual({ kind: 'too-many', count: 8 * 1440, atLeast: false });
    const exactly = backfillSlots(everyMinute, windowOf('2026-01-01T00:00:00Z', '2026-01-01T00:10:00Z'), 10);
    expect(exactly.kind).toBe('slots');
    const year = backfillSlots(everyMinute, windowOf('2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z'), 10_000);
    expect(year).toEqual({ kind: 'too-many', count: SLOT_COUNT_CAP, atLeast: true });
  });

  it('has no slots for one-time jobs', () => {
    const at = jobWith({ type: 'at', at: '2026-01-01T10:00:00Z' });
    expect(windowSlots(at, windowOf('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'), undefined, 10)).toEqual(
      [],
    );
  });
});
