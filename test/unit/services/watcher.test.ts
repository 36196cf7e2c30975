import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DispatchMessage, Lane } from '../../../lambdas/core/messages.js';
import { bucketKey, dueKey, shardOf, timerIdOf } from '../../../lambdas/core/time-buckets.js';
import type { TimerItem } from '../../../lambdas/ports.js';
import { createTimers } from '../../../lambdas/services/timers.js';
import { createWatcher } from '../../../lambdas/services/watcher.js';
import { manualClock, memoryTimerStore, recordingQueue } from './timer-fakes.js';

const NOW = Date.parse('2030-01-01T12:00:00.000Z');
const SHARDS = 4;

function item(runId: string, dueAtMs: number, lane: Lane = 'normal'): TimerItem {
  const message: DispatchMessage = { kind: 'start', runId, attempt: 1 };
  const id = timerIdOf(message);
  return {
    bucket: bucketKey(dueAtMs, shardOf(id, SHARDS)),
    due: dueKey(dueAtMs, id),
    dueAtMs,
    lane,
    message,
    expiresAt: 0,
  };
}

function setup() {
  const queue = recordingQueue();
  const store = memoryTimerStore();
  const clock = manualClock(new Date(NOW).toISOString());
  const watcher = createWatcher({ queue, store, clock, shards: SHARDS });
  return { queue, store, clock, watcher };
}

const runIds = (messages: { message: DispatchMessage }[]) =>
  messages.map((m) => (m.message as { runId: string }).runId).sort();

describe('watcher.tick', () => {
  it('moves the timers due within 15 min with their remaining delay and leaves later ones', async () => {
    const { queue, store, watcher } = setup();
    await store.put([
      item('soon', NOW + 5 * 60_000 + 200, 'high'),
      item('edge', NOW + 15 * 60_000),
      item('after-edge', NOW + 15 * 60_000 + 1),
      item('later', NOW + 40 * 60_000),
      item('overdue', NOW - 5 * 60_000, 'low'),
    ]);

    const { moved } = await watcher.tick();

    expect(moved).toBe(3);
    expect(queue.sent().sort((a, b) => a.delaySeconds - b.delaySeconds)).toEqual([
      { lane: 'low', message: item('overdue', 0).message, delaySeconds: 0 },
      { lane: 'high', message: item('soon', 0).message, delaySeconds: 301 },
      { lane: 'normal', message: item('edge', 0).message, delaySeconds: 900 },
    ]);
    expect(runIds([...store.items.values()])).toEqual(['after-edge', 'later']);
  });

  it('removes timers only after they were sent', async () => {
    const { store, clock } = setup();
    await store.put([item('a', NOW + 60_000)]);
    const seenInStore: number[] = [];
    const queue = {
      async sendBatch() {
        seenInStore.push(store.items.size);
      },
    };

    await createWatcher({ queue, store, clock, shards: SHARDS }).tick();

    expect(seenInStore).toEqual([1]);
    expect(store.items.size).toBe(0);
  });

  it('sends again after a crash between send and remove, and loses nothing', async () => {
    const { queue, store, clock, watcher } = setup();
    await store.put([item('a', NOW + 60_000), item('b', NOW + 61_000)]);
    const bucketsWithItems = new Set([...store.items.values()].map((i) => i.bucket)).size;
    store.failNextRemove();

    await expect(watcher.tick()).rejects.toThrow(AggregateError);
    clock.advance(60_000);
    await watcher.tick();

    // a and b went out at least once each; the bucket whose remove failed went out twice.
    expect(runIds(queue.sent()).filter((id, i, all) => all.indexOf(id) === i)).toEqual(['a', 'b']);
    expect(queue.sent().length).toBe(2 + (bucketsWithItems === 1 ? 2 : 1));
    expect(store.items.size).toBe(0);
  });

  it('moves timers left behind while the watcher was down for less than the lookback', async () => {
    const { queue, store, watcher } = setup();
    await store.put([item('missed', NOW - 9 * 60_000)]);

    await watcher.tick();

    expect(queue.sent()).toEqual([{ lane: 'normal', message: item('missed', 0).message, delaySeconds: 0 }]);
  });

  it('keeps moving the other buckets when one fails, then reports the failure', async () => {
    const { queue, store, clock } = setup();
    const good = item('good', NOW + 60_000);
    const bad = [1, 2, 3, 4, 5]
      .map((i) => item(`bad-${i}`, NOW + 60_000))
      .find((b) => b.bucket !== good.bucket)!;
    await store.put([good, bad]);
    const failing = {
      ...store,
      listDue: (bucket: string, until: number) =>
        bucket === bad.bucket ? Promise.reject(new Error('throttled')) : store.listDue(bucket, until),
    };

    const tick = createWatcher({ queue, store: failing, clock, shards: SHARDS }).tick();

    await expect(tick).rejects.toThrow(/1 bucket/);
    expect(runIds(queue.sent())).toEqual(['good']);
  });

  it('refuses a horizon longer than SQS can delay', () => {
    const { queue, store, clock } = setup();

    expect(() => createWatcher({ queue, store, clock, shards: 4, horizonMs: 900_001 })).toThrow(RangeError);
  });

  it('never releases a timer early and releases it within a tick of its due time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 15 * 60_000 + 1, max: 3 * 3_600_000 }),
        fc.integer({ min: 0, max: 59_999 }),
        async (offsetMs, phaseMs) => {
          const { queue, store, clock, watcher } = setup();
          const timers = createTimers({ queue, store, clock, shards: SHARDS });
          const due = NOW + offsetMs;
          await timers.fireAt(new Date(due), { kind: 'timeout', runId: 'r', attempt: 1 }, 'normal');
          clock.advance(phaseMs);
          let visibleAt: number | undefined;
          while (visibleAt === undefined) {
            await watcher.tick();
            const sent = queue.sent();
            if (sent.length > 0) visibleAt = clock.now().getTime() + sent[0]!.delaySeconds * 1000;
            else clock.advance(60_000);
          }
          expect(queue.sent()).toHaveLength(1);
          expect(visibleAt).toBeGreaterThanOrEqual(due);
          expect(visibleAt - due).toBeLessThan(1000);
          expect(store.items.size).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });
});
