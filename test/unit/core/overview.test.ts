import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile, pickupLatencyOf, summarizeRuns } from '../../../lambdas/core/overview.js';
import type { RunRecord } from '../../../lambdas/core/run.js';
import { RUN_STATUSES, type RunStatus } from '../../../lambdas/core/run-states.js';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const run = (patch: Partial<RunRecord> & { slot?: number; startMs?: number; endMs?: number }): RunRecord => {
  const { slot = T0, startMs, endMs, ...rest } = patch;
  return {
    runId: `r${slot}`,
    jobId: 'j',
    scheduledFor: iso(slot),
    trigger: 'schedule',
    status: 'SUCCEEDED',
    attempt: 1,
    maxAttempts: 1,
    attempts: startMs === undefined ? [] : [{ attempt: 1, status: 'SUCCEEDED', startedAt: iso(startMs) }],
    ...(endMs === undefined ? {} : { endedAt: iso(endMs) }),
    slaMissed: false,
    ...rest,
  };
};

describe('percentile (nearest rank)', () => {
  it('is null for no values and picks by rank', () => {
    expect(percentile([], 99)).toBeNull();
    expect(percentile([5], 99)).toBe(5);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile([3, 1, 2], 50)).toBe(2);
  });

  it('is one of the values, between min and max, and p50 ≤ p99', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1e6 }), { minLength: 1, maxLength: 300 }), (values) => {
        const p50 = percentile(values, 50) as number;
        const p99 = percentile(values, 99) as number;
        expect(values).toContain(p99);
        expect(p50).toBeLessThanOrEqual(p99);
        expect(p99).toBeLessThanOrEqual(Math.max(...values));
        expect(p50).toBeGreaterThanOrEqual(Math.min(...values));
        // At least 99% of the values are at or below p99.
        expect(values.filter((v) => v <= p99).length).toBeGreaterThanOrEqual(Math.ceil(0.99 * values.length));
      }),
    );
  });
});

describe('pickup latency of a stored run', () => {
  it('is the first attempt start minus the slot; none for backfills, catch-ups and buffered runs', () => {
    expect(pickupLatencyOf(run({ startMs: T0 + 1_250 }))).toBe(1_250);
    expect(pickupLatencyOf(run({ startMs: T0 - 5 }))).toBe(0);
    expect(pickupLatencyOf(run({ startMs: T0 + 1, backfillId: 'b' }))).toBeUndefined();
    expect(pickupLatencyOf(run({ startMs: T0 + 1, catchUp: true }))).toBeUndefined();
    expect(pickupLatencyOf(run({ startMs: T0 + 1, reason: 'buffered' }))).toBeUndefined();
    expect(pickupLatencyOf(run({ status: 'QUEUED' }))).toBeUndefined();
  });
});

describe('summarizeRuns', () => {
  it('counts starts and ends by minute, totals by outcome, and lists failures newest first', () => {
    const since = new Date(T0);
    const until = new Date(T0 + 3 * 60_000 + 5_000);
    const overview = summarizeRuns(
      [
        run({ slot: T0, startMs: T0 + 100, endMs: T0 + 61_000 }),
        run({
          slot: T0 + 60_000,
          status: 'FAILED',
          startMs: T0 + 60_300,
          endMs: T0 + 125_000,
          error: { type: 'Boom', message: 'boom' },
        }),
        run({ slot: T0 + 120_000, status: 'TIMED_OUT', startMs: T0 + 120_200, endMs: T0 + 150_000 }),
        run({ slot: T0 + 130_000, status: 'RUNNING', startMs: T0 + 130_050 }),
        run({ slot: T0 + 140_000, status: 'SKIPPED' }),
        run({ slot: T0 + 150_000, status: 'CANCELLED' }),
      ],
      since,
      until,
    );
    expect(overview.runsPerMinute.map((m) => [m.started, m.succeeded, m.failed])).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [2, 0, 2],
      [0, 0, 0],
    ]);
    expect(overview.totals).toEqual({
      runs: 5,
      succeeded: 1,
      failed: 1,
      timedOut: 1,
      cancelled: 1,
      active: 1,
    });
    expect(overview.pickupLatencyMs).toEqual({ p50: 100, p99: 300, samples: 4 });
    expect(overview.failures.map((f) => f.status)).toEqual(['TIMED_OUT', 'FAILED']);
    expect(overview.failures[1].error?.type).toBe('Boom');
    expect(overview.truncated).toBe(false);
  });

  it('covers every minute of the window once and never counts more than the runs', () => {
    const arbRun = fc.record({
      slot: fc.integer({ min: T0, max: T0 + 3_600_000 }),
      start: fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
      duration: fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: undefined }),
      status: fc.constantFrom<RunStatus>(...RUN_STATUSES),
    });
    fc.assert(
      fc.property(fc.array(arbRun, { maxLength: 60 }), fc.integer({ min: 0, max: 7_200_000 }), (rs, span) => {
        const runs = rs.map((r, i) => {
          const startMs = r.start === undefined ? undefined : r.slot + r.start;
          const endMs = startMs === undefined || r.duration === undefined ? undefined : startMs + r.duration;
          return run({ runId: `r${i}`, slot: r.slot, status: r.status, startMs, endMs });
        });
        const since = new Date(T0);
        const until = new Date(T0 + span);
        const o = summarizeRuns(runs, since, until);
        expect(o.runsPerMinute.length).toBe(Math.floor(span / 60_000) + 1);
        const minutes = o.runsPerMinute.map((m) => Date.parse(m.minute));
        for (let i = 1; i < minutes.length; i++) expect(minutes[i] - minutes[i - 1]).toBe(60_000);
        const counted = runs.filter((r) => r.status !== 'SKIPPED');
        const sum = (pick: (m: (typeof o.runsPerMinute)[number]) => number) =>
          o.runsPerMinute.reduce((total, m) => total + pick(m), 0);
        expect(sum((m) => m.started)).toBeLessThanOrEqual(counted.length);
        expect(sum((m) => m.succeeded)).toBeLessThanOrEqual(o.totals.succeeded);
        expect(sum((m) => m.failed)).toBeLessThanOrEqual(o.totals.failed + o.totals.timedOut);
        const t = o.totals;
        expect(t.runs).toBe(counted.length);
        expect(t.succeeded + t.failed + t.timedOut + t.cancelled + t.active).toBeLessThanOrEqual(t.runs);
        expect(o.failures.length).toBe(Math.min(20, t.failed + t.timedOut));
      }),
    );
  });
});
