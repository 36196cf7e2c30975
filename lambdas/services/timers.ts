/**
 * Durable timers: the one mechanism for everything that must happen later. A timer due within SQS's longest
 * delay goes straight to its lane queue with `DelaySeconds`; a later one waits in a Schedule-table time bucket
 * until the watcher moves it to the queue.
 *
 * Invariant shared with the watcher: a timer is written to the table only when it is due more than
 * `WATCH_HORIZON_MS` (900 s) after the moment it is planned. Every watcher tick moves the items due within the
 * horizon, so the first tick that has to move an item starts after the item was written, and finds it in a
 * bucket at or after its own minute; nothing can be written into a stretch of time the watcher has already
 * swept. Conversely the watcher's horizon never exceeds 900 s, so the delay it computes always fits SQS.
 */
import { MAX_QUEUE_DELAY_SECONDS, type OutboundMessage } from '../core/messages.js';
import { bucketKey, dueKey, shardOf, timerIdOf } from '../core/time-buckets.js';
import type { Clock, DispatchQueue, TimerItem, TimerStore, Timers } from '../ports.js';

export interface TimersDeps {
  readonly queue: DispatchQueue;
  readonly store: TimerStore;
  readonly clock: Clock;
  /** Shards per time bucket; the watcher must scan the same count. */
  readonly shards: number;
}

/** How long a spent bucket item may linger before DynamoDB TTL deletes it (TTL is cleanup, never a trigger). */
const EXPIRY_AFTER_DUE_MS = 24 * 60 * 60_000;

type Planned =
  | { readonly kind: 'queue'; readonly entry: OutboundMessage }
  | { readonly kind: 'table'; readonly item: TimerItem };

/** Whole seconds from `nowMs` until `dueAtMs`, rounded up so a message never becomes visible early; ≥ 0. */
export function delaySecondsUntil(dueAtMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((dueAtMs - nowMs) / 1000));
}

/** Builds the `Timers` port on a dispatch queue and a timer store. */
export function createTimers(deps: TimersDeps): Timers {
  const { queue, store, clock, shards } = deps;

  const plan = (
    when: Date,
    message: OutboundMessage['message'],
    lane: OutboundMessage['lane'],
    nowMs: number,
  ): Planned => {
    const dueAtMs = when.getTime();
    if (!Number.isFinite(dueAtMs)) throw new RangeError('A timer needs a valid date.');
    const delaySeconds = delaySecondsUntil(dueAtMs, nowMs);
    // Due within the horizon: the watcher may already have swept that stretch of time, so never the table.
    if (delaySeconds <= MAX_QUEUE_DELAY_SECONDS) {
      return { kind: 'queue', entry: { lane, message, delaySeconds } };
    }
    const timerId = timerIdOf(message);
    return {
      kind: 'table',
      item: {
        bucket: bucketKey(dueAtMs, shardOf(timerId, shards)),
        due: dueKey(dueAtMs, timerId),
        dueAtMs,
        lane,
        message,
        expiresAt: Math.floor((dueAtMs + EXPIRY_AFTER_DUE_MS) / 1000),
      },
    };
  };

  const fireAtMany: Timers['fireAtMany'] = async (entries) => {
    // One reading of the clock for the whole batch, so every entry is judged against the same instant.
    const nowMs = clock.now().getTime();
    const planned = entries.map((entry) => plan(entry.when, entry.message, entry.lane, nowMs));
    const toQueue = planned.flatMap((p) => (p.kind === 'queue' ? [p.entry] : []));
    const toTable = planned.flatMap((p) => (p.kind === 'table' ? [p.item] : []));
    await Promise.all([
      toQueue.length > 0 ? queue.sendBatch(toQueue) : undefined,
      toTable.length > 0 ? store.put(toTable) : undefined,
    ]);
  };

  return {
    fireAt: (when, message, lane) => fireAtMany([{ when, message, lane }]),
    fireAtMany,
  };
}
