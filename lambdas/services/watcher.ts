/**
 * The watcher: every tick (EventBridge Scheduler `rate(1 minute)` on AWS, a loop locally) moves the timers that
 * come within the horizon from their Schedule-table buckets to the lane queues, with the remaining delay.
 */
import { MAX_QUEUE_DELAY_SECONDS } from '../core/messages.js';
import { bucketsBetween, WATCH_HORIZON_MS } from '../core/time-buckets.js';
import type { Clock, DispatchQueue, TimerStore } from '../ports.js';
import { delaySecondsUntil } from './timers.js';

export interface WatcherDeps {
  readonly queue: DispatchQueue;
  readonly store: TimerStore;
  readonly clock: Clock;
  /** Shards per time bucket: the count the timers service writes with. */
  readonly shards: number;
  /**
   * Timers due within this span are moved; at most 900 s (SQS's longest delay) and well above the tick
   * interval, or a timer could be moved only after it was due. @default WATCH_HORIZON_MS (15 min)
   */
  readonly horizonMs?: number;
  /**
   * Past minutes scanned too, so timers a stopped or failing watcher left behind still go out (late) once it
   * is back; a watcher down for longer leaves them to TTL. @default 10 min
   */
  readonly lookbackMs?: number;
  /** Buckets read and moved at once. @default 16 */
  readonly concurrency?: number;
}

export interface Watcher {
  /** Moves every timer due by now + horizon; throws (after trying every bucket) if any bucket failed. */
  tick(): Promise<{ moved: number }>;
}

/** Builds the watcher over a timer store and a dispatch queue. */
export function createWatcher(deps: WatcherDeps): Watcher {
  const { queue, store, clock, shards } = deps;
  const horizonMs = deps.horizonMs ?? WATCH_HORIZON_MS;
  const lookbackMs = deps.lookbackMs ?? 10 * 60_000;
  const concurrency = deps.concurrency ?? 16;
  if (!(horizonMs > 0 && horizonMs <= MAX_QUEUE_DELAY_SECONDS * 1000)) {
    // A longer horizon would need delays SQS refuses; clamping them would fire timers early.
    throw new RangeError(`The watch horizon must be in (0, ${MAX_QUEUE_DELAY_SECONDS * 1000}] ms.`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`The watcher concurrency must be a positive integer, got ${concurrency}.`);
  }

  const moveBucket = async (bucket: string, untilMs: number): Promise<number> => {
    const items = await store.listDue(bucket, untilMs);
    if (items.length === 0) return 0;
    // The clock is read again here, not at the start of the tick, so a slow tick makes no timer late.
    const nowMs = clock.now().getTime();
    await queue.sendBatch(
      items.map((item) => ({
        lane: item.lane,
        message: item.message,
        delaySeconds: Math.min(MAX_QUEUE_DELAY_SECONDS, delaySecondsUntil(item.dueAtMs, nowMs)),
      })),
    );
    // Removed only after the send: a crash in between sends these again on the next tick. A duplicate is
    // harmless because a run starts only through a conditional write on its state (status + attempt), while
    // removing first would lose the timer for good.
    await store.remove(items);
    return items.length;
  };

  return {
    async tick() {
      const nowMs = clock.now().getTime();
      const untilMs = nowMs + horizonMs;
      const pending = bucketsBetween(nowMs - lookbackMs, untilMs, shards);
      let moved = 0;
      const errors: unknown[] = [];
      const worker = async (): Promise<void> => {
        for (let bucket = pending.shift(); bucket !== undefined; bucket = pending.shift()) {
          try {
            // Awaited first: `moved += await …` would read `moved` before the await and lose other workers' counts.
            const count = await moveBucket(bucket, untilMs);
            moved += count;
          } catch (error) {
            // One failing bucket must not keep the others' timers back; the failure is reported below.
            errors.push(error);
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      if (errors.length > 0) {
        throw new AggregateError(errors, `The watcher could not move timers of ${errors.length} bucket(s).`);
      }
      return { moved };
    },
  };
}
