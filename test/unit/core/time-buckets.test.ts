import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DispatchMessage } from '../../../lambdas/core/messages.js';
import {
  bucketKey,
  bucketsBetween,
  dueKey,
  dueKeyAfter,
  minuteOf,
  shardOf,
  timerIdOf,
} from '../../../lambdas/core/time-buckets.js';

const at = (iso: string) => Date.parse(iso);
/** Instants between 2000 and 2200. */
const instant = fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2200-01-01T00:00:00Z') });
const timerId = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('#'));
const message: fc.Arbitrary<DispatchMessage> = fc.oneof(
  fc.record({
    kind: fc.constant('fire' as const),
    jobId: fc.string({ minLength: 1, maxLength: 20 }),
    scheduledFor: instant.map((ms) => new Date(ms).toISOString()),
  }),
  fc.record({
    kind: fc.constantFrom('start' as const, 'timeout' as const),
    runId: fc.string({ minLength: 1, maxLength: 20 }),
    attempt: fc.integer({ min: 1, max: 20 }),
  }),
);

describe('bucketKey', () => {
  it('names the minute in ISO form and the shard with two digits', () => {
    expect(bucketKey(at('2030-05-06T07:08:59.999Z'), 3)).toBe('2030-05-06T07:08#03');
    expect(bucketKey(at('2030-05-06T07:09:00.000Z'), 42)).toBe('2030-05-06T07:09#42');
  });

  it('is the same for every instant of one minute', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 59_999 }), (ms, offset) => {
        expect(bucketKey(minuteOf(ms) + offset, 7)).toBe(bucketKey(minuteOf(ms), 7));
      }),
    );
  });

  it('refuses shards a two-digit key cannot hold', () => {
    expect(() => bucketKey(0, 100)).toThrow(RangeError);
    expect(() => bucketKey(0, -1)).toThrow(RangeError);
  });
});

describe('shardOf', () => {
  it('is stable and within [0, shards)', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 100 }), (id, shards) => {
        const shard = shardOf(id, shards);
        expect(shard).toBeGreaterThanOrEqual(0);
        expect(shard).toBeLessThan(shards);
        expect(shardOf(id, shards)).toBe(shard);
      }),
    );
  });

  it('spreads ids over every shard', () => {
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[shardOf(`run-${i}`, 16)]++;
    // Uniform would be 1,000 each; a poor hash would leave shards empty or doubled.
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  it('keeps its values across releases (FNV-1a; a new hash would split timers written before and after)', () => {
    expect([shardOf('', 16), shardOf('a', 16), shardOf('start-abc', 16), shardOf('run_123', 100)]).toEqual([
      5, 12, 2, 61,
    ]);
  });
});

describe('dueKey', () => {
  it('sorts as strings in the order of due times, ties broken by id', () => {
    fc.assert(
      fc.property(instant, timerId, instant, timerId, (a, idA, b, idB) => {
        const [ka, kb] = [dueKey(a, idA), dueKey(b, idB)];
        const stringOrder = ka < kb ? -1 : ka > kb ? 1 : 0;
        if (a !== b) expect(stringOrder).toBe(Math.sign(a - b));
        else expect(stringOrder).toBe(idA < idB ? -1 : idA > idB ? 1 : 0);
      }),
    );
  });

  it('refuses instants it cannot pad', () => {
    expect(() => dueKey(-1, 'x')).toThrow(RangeError);
    expect(() => dueKey(1.5, 'x')).toThrow(RangeError);
    expect(() => dueKey(Number.NaN, 'x')).toThrow(RangeError);
  });
});

describe('dueKeyAfter', () => {
  it('separates keys due by `until` from keys due later', () => {
    fc.assert(
      fc.property(instant, instant, timerId, (until, due, id) => {
        expect(dueKey(due, id) < dueKeyAfter(until)).toBe(due <= until);
      }),
    );
  });
});

describe('bucketsBetween', () => {
  it('lists every shard of every minute from the first to the last, inclusive', () => {
    const keys = bucketsBetween(at('2030-01-01T00:00:30Z'), at('2030-01-01T00:02:00Z'), 2);

    expect(keys).toEqual([
      '2030-01-01T00:00#00',
      '2030-01-01T00:00#01',
      '2030-01-01T00:01#00',
      '2030-01-01T00:01#01',
      '2030-01-01T00:02#00',
      '2030-01-01T00:02#01',
    ]);
  });

  it('holds the bucket of every instant in the range', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 0, max: 30 * 60_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (from, span, f) => {
          const shards = 4;
          const keys = new Set(bucketsBetween(from, from + span, shards));
          const inside = from + Math.floor(span * f);
          expect(keys.has(bucketKey(inside, shardOf(String(inside), shards)))).toBe(true);
          expect(keys.size).toBe(((minuteOf(from + span) - minuteOf(from)) / 60_000) * shards + shards);
        },
      ),
    );
  });

  it('is empty when the range is reversed by more than a minute', () => {
    expect(bucketsBetween(at('2030-01-01T00:05:00Z'), at('2030-01-01T00:03:00Z'), 4)).toEqual([]);
  });
});

describe('timerIdOf', () => {
  it('is the same for equal messages, whatever their key order', () => {
    const a = timerIdOf({ kind: 'start', runId: 'run_1', attempt: 2 });
    const b = timerIdOf({ attempt: 2, runId: 'run_1', kind: 'start' } as DispatchMessage);

    expect(a).toBe(b);
    expect(a).toBe('start-Q11R6RRMUPlFUqwXUFFZ1V');
  });

  it('differs for different messages', () => {
    fc.assert(
      fc.property(message, message, (m1, m2) => {
        fc.pre(JSON.stringify(m1) !== JSON.stringify(m2));
        expect(timerIdOf(m1)).not.toBe(timerIdOf(m2));
      }),
    );
  });

  it('never contains the key separator', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(timerIdOf(m)).not.toContain('#');
      }),
    );
  });
});
