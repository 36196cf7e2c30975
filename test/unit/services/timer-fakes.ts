/** In-memory stand-ins for the timer ports, recording every call (unit tests of the timers and the watcher). */

import type { OutboundMessage } from '../../../lambdas/core/messages.js';
import { dueKeyAfter } from '../../../lambdas/core/time-buckets.js';
import type { Clock, DispatchQueue, TimerItem, TimerStore } from '../../../lambdas/ports.js';

export interface RecordingQueue extends DispatchQueue {
  readonly batches: OutboundMessage[][];
  readonly sent: () => OutboundMessage[];
}

export function recordingQueue(): RecordingQueue {
  const batches: OutboundMessage[][] = [];
  return {
    batches,
    sent: () => batches.flat(),
    async sendBatch(entries) {
      batches.push([...entries]);
    },
  };
}

export interface MemoryTimerStore extends TimerStore {
  readonly items: Map<string, TimerItem>;
  readonly puts: TimerItem[][];
  /** Makes the next `remove` throw, as a crash between send and remove would leave things. */
  failNextRemove(): void;
}

export function memoryTimerStore(): MemoryTimerStore {
  const items = new Map<string, TimerItem>();
  const puts: TimerItem[][] = [];
  const key = (i: Pick<TimerItem, 'bucket' | 'due'>) => `${i.bucket}\n${i.due}`;
  let failRemove = false;
  return {
    items,
    puts,
    failNextRemove: () => {
      failRemove = true;
    },
    async put(batch) {
      puts.push([...batch]);
      for (const item of batch) items.set(key(item), item);
    },
    async listDue(bucket, untilMs) {
      return [...items.values()]
        .filter((i) => i.bucket === bucket && i.due < dueKeyAfter(untilMs))
        .sort((a, b) => (a.due < b.due ? -1 : 1));
    },
    async remove(keys) {
      if (failRemove) {
        failRemove = false;
        throw new Error('crashed before remove');
      }
      for (const k of keys) items.delete(key(k));
    },
  };
}

/** A clock tests move by hand. */
export function manualClock(iso: string): Clock & { advance(ms: number): void; set(iso: string): void } {
  let now = Date.parse(iso);
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
    set: (value) => {
      now = Date.parse(value);
    },
  };
}
