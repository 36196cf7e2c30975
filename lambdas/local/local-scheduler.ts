/**
 * The local EventBridge Scheduler: fires the schedules of the local cron registry into the lane queues, as
 * EventBridge Scheduler fires a job's schedule into its lane queue on AWS (ARCHITECTURE.md "durable timers" →
 * "Cron"), with the same occurrences, the same message and the same retry window, and late within the minute.
 *
 * Each tick reads the clock (never a timer per occurrence: tests move the clock in jumps) and, per ENABLED
 * schedule, delivers every occurrence after `firedThroughMs` whose delivery time (occurrence + its lateness) has
 * come, oldest first, moving `firedThroughMs` to it with a conditional write after each send. A restart thus
 * resumes where the last run stopped: occurrences missed meanwhile are delivered late, up to the retry policy's
 * maximum event age, and older ones are dropped with a log line. A crash between a send and its write delivers
 * that occurrence again after the restart: at least once, like EventBridge, and harmless since the run id
 * derives from (jobId, scheduledFor).
 */
import { SCHEDULED_TIME_ATTRIBUTE } from '../adapters/aws/cron-registry.js';
import type { LocalCronRegistry, LocalScheduleItem } from '../adapters/local/local-cron-registry.js';
import type { Clock } from '../ports.js';
import { type LocalQueue, laneQueue } from './local-queue.js';
import { type Stoppable, sleeper } from './queue-worker.js';
import {
  DEFAULT_MAX_LATE_SECONDS,
  formatScheduledTime,
  isMaxLateSeconds,
  latenessMs,
  MAX_EVENT_AGE_MS,
  occurrencesAfter,
  staleOccurrences,
} from './scheduler-occurrences.js';

export interface LocalSchedulerOptions {
  readonly registry: LocalCronRegistry;
  readonly queue: LocalQueue;
  readonly clock: Clock;
  /** Most seconds an occurrence is delivered after its scheduled time (0-59). @default 50 */
  readonly maxLateSeconds?: number;
  /** Receives the lines about dropped occurrences. @default - JSON on stdout */
  readonly log?: (entry: Record<string, unknown>) => void;
  /** A schedule that failed to fire (it is tried again next tick). @default - `console.error` */
  readonly onError?: (error: unknown, schedule: string) => void;
}

export interface SchedulerTick {
  /** Occurrences sent to a lane queue. */
  readonly delivered: number;
  /** Occurrences dropped as older than the maximum event age. */
  readonly dropped: number;
}

export interface LocalScheduler {
  /** Fires what is due by the clock now; one tick at a time. */
  tick(): Promise<SchedulerTick>;
  /** Ticks now and then every `intervalMs` of real time; `stop()` waits for a running tick. */
  start(options?: { readonly intervalMs?: number }): Stoppable;
}

/**
 * The lateness bound from the runtime option, else `KAIROS_SCHEDULER_MAX_LATE_SECONDS`, else 50; throws a
 * message naming the source on anything but a whole number from 0 to 59.
 */
export function schedulerMaxLateSecondsOf(option?: number, env?: string): number {
  const allowed = 'must be a whole number of seconds from 0 to 59';
  if (option !== undefined) {
    if (!isMaxLateSeconds(option)) throw new RangeError(`schedulerMaxLateSeconds ${allowed}, got ${option}.`);
    return option;
  }
  if (env === undefined || env.trim() === '') return DEFAULT_MAX_LATE_SECONDS;
  const value = /^\s*\d{1,2}\s*$/.test(env) ? Number(env) : Number.NaN;
  if (!isMaxLateSeconds(value))
    throw new RangeError(`KAIROS_SCHEDULER_MAX_LATE_SECONDS ${allowed}, got '${env}'.`);
  return value;
}

export function createLocalScheduler(options: LocalSchedulerOptions): LocalScheduler {
  const { registry, queue, clock } = options;
  const maxLateSeconds = schedulerMaxLateSecondsOf(options.maxLateSeconds);
  const log = options.log ?? ((entry: Record<string, unknown>) => console.log(JSON.stringify(entry)));
  const onError = options.onError ?? ((error, schedule) => console.error('scheduler:', schedule, error));

  /** Skips the occurrences too old to deliver at `nowMs`; returns the item as it now stands, or undefined. */
  const dropStale = async (item: LocalScheduleItem, nowMs: number) => {
    const cutoff = nowMs - MAX_EVENT_AGE_MS; // an occurrence exactly this old is still delivered
    const stale = staleOccurrences(item, item.firedThroughMs, cutoff);
    if (stale.count === 0) return { item, dropped: 0 };
    log({
      level: 'WARN',
      message:
        'scheduler: occurrences older than MaximumEventAgeInSeconds dropped (EventBridge would send them to the dead-letter queue)',
      schedule: item.name,
      jobId: item.jobId,
      count: stale.capped ? `more than ${stale.count}` : stale.count,
      first: stale.first && formatScheduledTime(stale.first),
      last: stale.capped ? undefined : stale.last && formatScheduledTime(stale.last),
      maximumEventAgeSeconds: MAX_EVENT_AGE_MS / 1000,
    });
    // Capped: every occurrence before the cutoff is stale, counted or not.
    const through = stale.capped ? cutoff - 1 : stale.last!.getTime();
    if (!(await registry.advance(item, through))) return { item: undefined, dropped: 0 };
    return { item: { ...item, firedThroughMs: through }, dropped: stale.count };
  };

  /** Delivers what is due of one schedule; stops at the first occurrence not yet due (they come due in order). */
  const fire = async (stored: LocalScheduleItem, nowMs: number): Promise<SchedulerTick> => {
    const { item: fresh, dropped } = await dropStale(stored, nowMs);
    let item = fresh;
    let delivered = 0;
    while (item !== undefined) {
      const page = occurrencesAfter(item, item.firedThroughMs, 16);
      if (page.length === 0) break;
      for (const occurrence of page) {
        if (occurrence.getTime() + latenessMs(item.name, occurrence, maxLateSeconds) > nowMs) {
          return { delivered, dropped };
        }
        const body = item.input.replaceAll(SCHEDULED_TIME_ATTRIBUTE, formatScheduledTime(occurrence));
        await queue.send(laneQueue(item.lane), body);
        delivered++;
        // Lost to a put (updated, paused, removed) since the read: the next tick starts from what it wrote.
        if (!(await registry.advance(item, occurrence.getTime()))) return { delivered, dropped };
        item = { ...item, firedThroughMs: occurrence.getTime() };
      }
    }
    return { delivered, dropped };
  };

  /**
   * When each schedule's next occurrence is to be delivered, for the state (revision, firedThroughMs) it was
   * computed from: a tick skips a schedule with nothing due at the cost of one comparison, not a cron search.
   */
  const nextDue = new Map<string, { readonly state: string; readonly atMs: number }>();
  const dueMsOf = (item: LocalScheduleItem): number => {
    const state = `${item.revision}:${item.firedThroughMs}`;
    const known = nextDue.get(item.name);
    if (known?.state === state) return known.atMs;
    const [next] = occurrencesAfter(item, item.firedThroughMs, 1);
    const atMs =
      next === undefined
        ? Number.POSITIVE_INFINITY
        : next.getTime() + latenessMs(item.name, next, maxLateSeconds);
    nextDue.set(item.name, { state, atMs });
    return atMs;
  };

  const tickOnce = async (): Promise<SchedulerTick> => {
    const nowMs = clock.now().getTime();
    let delivered = 0;
    let dropped = 0;
    const items = await registry.items();
    if (nextDue.size > items.length) {
      const names = new Set(items.map((i) => i.name));
      for (const name of nextDue.keys()) if (!names.has(name)) nextDue.delete(name);
    }
    for (const item of items) {
      // Nothing due also means nothing stale: an occurrence due later than now is under a minute old.
      if (item.state !== 'ENABLED' || dueMsOf(item) > nowMs) continue;
      try {
        const fired = await fire(item, nowMs);
        delivered += fired.delivered;
        dropped += fired.dropped;
      } catch (error) {
        onError(error, item.name);
      }
    }
    return { delivered, dropped };
  };

  // Ticks run one after another: two at once would both send an occurrence before either could advance.
  let previous: Promise<unknown> = Promise.resolve();
  const tick = (): Promise<SchedulerTick> => {
    const run = previous.then(tickOnce);
    previous = run.catch(() => {});
    return run;
  };

  return {
    tick,
    start({ intervalMs = 250 } = {}) {
      const idle = sleeper();
      let stopping = false;
      const loop = (async () => {
        while (!stopping) {
          await tick().catch((error) => onError(error, '*'));
          if (!stopping) await idle.sleep(intervalMs);
        }
      })();
      return {
        async stop() {
          stopping = true;
          idle.wake();
          await loop;
        },
      };
    },
  };
}
