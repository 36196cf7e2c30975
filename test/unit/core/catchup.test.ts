import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SKIP_REASONS, slotFate } from '../../../lambdas/core/catchup.js';
import type { JobDefinition } from '../../../lambdas/core/job-schema.js';
import { nextFireTimes } from '../../../lambdas/core/schedule/index.js';

type Def = Pick<JobDefinition, 'schedule' | 'catchup'>;

const anchor = new Date('2026-01-01T00:00:00Z');
const perMinute: Def = { schedule: { type: 'cron', expression: '* * * * *' } };
const at = (iso: string) => new Date(iso);

/** Every slot of `def` in (from, until], each decided at `now` as the timer chain would after downtime. */
function decide(def: Def, from: Date, until: Date, now: Date) {
  const slots = nextFireTimes(def.schedule, { after: from, count: 10_000, anchor }).filter((t) => t <= until);
  return slots.map((slot) => ({ slot, fate: slotFate(def, anchor, slot, now) }));
}

describe('catch-up policy', () => {
  it('an on-time slot runs, also a few seconds late', () => {
    const slot = at('2026-03-01T10:00:00Z');
    expect(slotFate(perMinute, anchor, slot, at('2026-03-01T10:00:00Z'))).toEqual({
      run: true,
      missed: false,
    });
    expect(slotFate(perMinute, anchor, slot, at('2026-03-01T10:00:59.999Z'))).toEqual({
      run: true,
      missed: false,
    });
    expect(slotFate(perMinute, anchor, slot, at('2026-03-01T10:01:00Z'))).toEqual({
      run: false,
      reason: SKIP_REASONS.outsideWindow,
    });
  });

  it('by default only the latest missed slot runs; the others are outside the catch-up window', () => {
    // Down from 10:00:30 to 10:10:30: slots 10:01 … 10:10 are missed.
    const decided = decide(
      perMinute,
      at('2026-03-01T10:00:30Z'),
      at('2026-03-01T10:10:30Z'),
      at('2026-03-01T10:10:30Z'),
    );
    expect(decided).toHaveLength(10);
    expect(decided.filter((d) => d.fate.run).map((d) => d.slot.toISOString())).toEqual([
      '2026-03-01T10:10:00.000Z',
    ]);
    // The latest slot was due before now but no later one: on time, not a catch-up run.
    expect(decided.at(-1)?.fate).toEqual({ run: true, missed: false });
    expect(decided.filter((d) => !d.fate.run).map((d) => d.fate)).toEqual(
      Array(9).fill({ run: false, reason: SKIP_REASONS.outsideWindow }),
    );
  });

  it('with { window: 3600, maxRuns: 3 } the latest three missed slots run, the rest hit the limit', () => {
    const def: Def = { ...perMinute, catchup: { window: 3600, maxRuns: 3 } };
    const decided = decide(
      def,
      at('2026-03-01T10:00:30Z'),
      at('2026-03-01T10:10:30Z'),
      at('2026-03-01T10:10:30Z'),
    );
    expect(decided.filter((d) => d.fate.run).map((d) => d.slot.toISOString())).toEqual([
      '2026-03-01T10:08:00.000Z',
      '2026-03-01T10:09:00.000Z',
      '2026-03-01T10:10:00.000Z',
    ]);
    expect(decided.filter((d) => d.fate.run).map((d) => d.fate)).toEqual([
      { run: true, missed: true },
      { run: true, missed: true },
      { run: true, missed: false },
    ]);
    expect(new Set(decided.filter((d) => !d.fate.run).map((d) => JSON.stringify(d.fate)))).toEqual(
      new Set([JSON.stringify({ run: false, reason: SKIP_REASONS.limit })]),
    );
  });

  it('a slot later than the window is skipped even when it is the latest', () => {
    const daily: Def = {
      schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Berlin' },
      catchup: { window: 3600, maxRuns: 5 },
    };
    const now = at('2026-03-03T12:00:00Z');
    const decided = decide(daily, at('2026-02-28T12:00:00Z'), now, now);
    expect(decided.map((d) => d.fate)).toEqual(
      Array(3).fill({ run: false, reason: SKIP_REASONS.outsideWindow }),
    );
  });

  it('one-time schedules always run, however late', () => {
    const oneTime: Def = { schedule: { type: 'at', at: '2026-03-01T10:00:00Z' } };
    expect(slotFate(oneTime, anchor, at('2026-03-01T10:00:00Z'), at('2026-03-09T10:00:00Z'))).toEqual({
      run: true,
      missed: false,
    });
  });

  it('rate schedules count their slots from the anchor', () => {
    const rate: Def = {
      schedule: { type: 'rate', every: '5 minutes' },
      catchup: { window: 900, maxRuns: 2 },
    };
    const now = at('2026-01-01T01:00:10Z');
    const runs = decide(rate, at('2026-01-01T00:00:00Z'), now, now).filter((d) => d.fate.run);
    expect(runs.map((d) => d.slot.toISOString())).toEqual([
      '2026-01-01T00:55:00.000Z',
      '2026-01-01T01:00:00.000Z',
    ]);
  });

  it('property: the slots that run are the latest maxRuns missed slots inside the window (oracle)', () => {
    const expressions = ['* * * * *', '*/7 * * * *', '30 * * * *', '0 */3 * * *', '30 2 * * *'];
    const zones = ['UTC', 'America/New_York', 'Europe/Berlin', 'Australia/Sydney'];
    fc.assert(
      fc.property(
        fc.constantFrom(...expressions),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 3 * 86_400_000 }),
        fc.integer({ min: 1, max: 12 * 3_600_000 }),
        fc.option(
          fc.record({ window: fc.integer({ min: 1, max: 86_400 }), maxRuns: fc.integer({ min: 1, max: 6 }) }),
          {
            nil: undefined,
          },
        ),
        (expression, timezone, offset, downMs, catchup) => {
          const def: Def = {
            schedule: { type: 'cron', expression, timezone },
            ...(catchup ? { catchup } : {}),
          };
          const from = new Date(Date.parse('2026-03-06T00:00:00Z') + offset);
          const now = new Date(from.getTime() + downMs);
          const decided = decide(def, from, now, now);
          const due = decided.map((d) => d.slot.getTime());
          const oracle = catchup
            ? due.filter((t) => now.getTime() - t <= catchup.window * 1000).slice(-(catchup.maxRuns ?? 1))
            : due.slice(-1);
          expect(decided.filter((d) => d.fate.run).map((d) => d.slot.getTime())).toEqual(oracle);
        },
      ),
      { numRuns: 150 },
    );
  });
});
