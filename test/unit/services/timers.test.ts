import { describe, expect, it } from 'vitest';
import type { DispatchMessage } from '../../../lambdas/core/messages.js';
import { bucketKey, dueKey, shardOf, timerIdOf } from '../../../lambdas/core/time-buckets.js';
import { createTimers } from '../../../lambdas/services/timers.js';
import { manualClock, memoryTimerStore, recordingQueue } from './timer-fakes.js';

const NOW = '2030-01-01T12:00:00.000Z';
const start: DispatchMessage = { kind: 'start', runId: 'run_1', attempt: 1 };

function setup(shards = 16) {
  const queue = recordingQueue();
  const store = memoryTimerStore();
  const clock = manualClock(NOW);
  return { queue, store, clock, timers: createTimers({ queue, store, clock, shards }) };
}

const inMs = (ms: number) => new Date(Date.parse(NOW) + ms);

describe('timers.fireAt', () => {
  it('sends a timer due within 900 s to its lane with the delay rounded up', async () => {
    const { queue, store, timers } = setup();

    await timers.fireAt(inMs(42_300), start, 'high');

    expect(queue.batches).toEqual([[{ lane: 'high', message: start, delaySeconds: 43 }]]);
    expect(store.puts).toEqual([]);
  });

  it('sends a timer due in the past with no delay', async () => {
    const { queue, timers } = setup();

    await timers.fireAt(inMs(-5_000), start, 'normal');

    expect(queue.sent()).toEqual([{ lane: 'normal', message: start, delaySeconds: 0 }]);
  });

  it('sends a timer due exactly 900 s ahead to the queue (SQS takes 900)', async () => {
    const { queue, store, timers } = setup();

    await timers.fireAt(inMs(900_000), start, 'low');

    expect(queue.sent()).toEqual([{ lane: 'low', message: start, delaySeconds: 900 }]);
    expect(store.items.size).toBe(0);
  });

  it('writes a timer due 1 ms after the horizon to its time bucket', async () => {
    const { queue, store, timers } = setup();
    const when = inMs(900_001);

    await timers.fireAt(when, start, 'low');

    expect(queue.batches).toEqual([]);
    const timerId = timerIdOf(start);
    expect([...store.items.values()]).toEqual([
      {
        bucket: bucketKey(when.getTime(), shardOf(timerId, 16)),
        due: dueKey(when.getTime(), timerId),
        dueAtMs: when.getTime(),
        lane: 'low',
        message: start,
        expiresAt: Math.floor(when.getTime() / 1000) + 86_400,
      },
    ]);
    expect(store.puts[0]![0]!.bucket).toMatch(/^2030-01-01T12:15#\d\d$/);
  });

  it('writes the same timer twice onto one item', async () => {
    const { store, timers } = setup();

    await timers.fireAt(inMs(3_600_000), start, 'normal');
    await timers.fireAt(
      inMs(3_600_000),
      { runId: 'run_1', attempt: 1, kind: 'start' } as DispatchMessage,
      'normal',
    );

    expect(store.items.size).toBe(1);
  });

  it('refuses an invalid date', async () => {
    const { timers } = setup();

    await expect(timers.fireAt(new Date(Number.NaN), start, 'normal')).rejects.toThrow(RangeError);
  });
});

describe('timers.fireAtMany', () => {
  it('sends near timers in one batch and writes far ones in one put', async () => {
    const { queue, store, timers } = setup(4);
    const entries = Array.from({ length: 30 }, (_, i) => ({
      when: inMs(i % 2 === 0 ? i * 1000 : 2 * 3_600_000 + i * 1000),
      message: { kind: 'timeout', runId: `run_${i}`, attempt: 1 } as DispatchMessage,
      lane: 'normal' as const,
    }));

    await timers.fireAtMany(entries);

    expect(queue.batches).toHaveLength(1);
    expect(queue.batches[0]!.map((e) => e.delaySeconds)).toEqual(Array.from({ length: 15 }, (_, i) => i * 2));
    expect(store.puts).toHaveLength(1);
    expect(store.puts[0]).toHaveLength(15);
    const shards = new Set(store.puts[0]!.map((item) => item.bucket.slice(-2)));
    expect(shards.size).toBeGreaterThan(1);
  });

  it('makes no calls for an empty list', async () => {
    const { queue, store, timers } = setup();

    await timers.fireAtMany([]);

    expect(queue.batches).toEqual([]);
    expect(store.puts).toEqual([]);
  });
});
