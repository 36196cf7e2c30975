import type { JobRecord } from '../job.js';
import {
  type CronSchedule,
  isParsedRate,
  nextFireTimes,
  parseInstant,
  parseRate,
  type RateSchedule,
} from '../schedule/index.js';

/** The schedules that have slots to backfill. */
export type RecurringSchedule = CronSchedule | RateSchedule;

/** A backfill window: slots t with from <= t < to. */
export interface SlotWindow {
  readonly from: Date;
  readonly to: Date;
}

/** The job's schedule when it is recurring (cron or rate); one-time jobs have no slots to backfill. */
export function recurringScheduleOf(job: Pick<JobRecord, 'definition'>): RecurringSchedule | undefined {
  const schedule = job.definition.schedule;
  return schedule.type === 'cron' || schedule.type === 'rate' ? schedule : undefined;
}

/**
 * The schedule with `endAt` brought forward to the window's end, so enumeration stops at `to` instead of
 * computing slots past it (`endAt` is exclusive, like `to`).
 */
function boundedBy(schedule: RecurringSchedule, to: Date): RecurringSchedule {
  const end = schedule.endAt === undefined ? undefined : parseInstant(schedule.endAt);
  if (end !== undefined && end.getTime() <= to.getTime()) return schedule;
  return { ...schedule, endAt: to.toISOString() };
}

/**
 * The anchor of a rate schedule without `startAt`: the job's creation time, moved back by whole intervals to
 * at or before the window's start. Slots keep the phase of the job's own slots (`createdAt + k × interval`),
 * and a window before the job existed still has them (as a cron job's has); `startAt`, when set, wins.
 */
function rateAnchor(job: Pick<JobRecord, 'createdAt'>, schedule: RecurringSchedule, from: Date): Date {
  const created = Date.parse(job.createdAt);
  if (schedule.type !== 'rate' || created <= from.getTime()) return new Date(created);
  const rate = parseRate(schedule.every);
  if (!isParsedRate(rate)) return new Date(created);
  return new Date(created - Math.ceil((created - from.getTime()) / rate.ms) * rate.ms);
}

/**
 * Up to `count` slots of the job in the window, strictly after `after` (from the window's start when
 * absent), ascending: the same slots, with the same DST semantics, as the job's schedule fires.
 */
export function windowSlots(
  job: Pick<JobRecord, 'definition' | 'createdAt'>,
  window: SlotWindow,
  after: Date | undefined,
  count: number,
): Date[] {
  const schedule = recurringScheduleOf(job);
  if (!schedule || count < 1) return [];
  const start =
    after && after.getTime() >= window.from.getTime() ? after : new Date(window.from.getTime() - 1);
  return nextFireTimes(boundedBy(schedule, window.to), {
    after: start,
    count,
    anchor: rateAnchor(job, schedule, window.from),
  });
}

/** Slots counted past the limit before a "too many" answer gives up on the exact count. */
export const SLOT_COUNT_CAP = 100_000;
const COUNT_CHUNK = 10_000;

export type BackfillSlots =
  | { readonly kind: 'slots'; readonly times: Date[] }
  /** More than `limit`: `count` is exact unless `atLeast` (counting stopped at {@link SLOT_COUNT_CAP}). */
  | { readonly kind: 'too-many'; readonly count: number; readonly atLeast: boolean };

/**
 * Every slot of the job in the window, or, when there are more than `limit`, how many there are (so the
 * caller can say how to split the window). Enumerates at most `limit + 1` slots in the normal case.
 */
export function backfillSlots(
  job: Pick<JobRecord, 'definition' | 'createdAt'>,
  window: SlotWindow,
  limit: number,
): BackfillSlots {
  const times = windowSlots(job, window, undefined, limit + 1);
  if (times.length <= limit) return { kind: 'slots', times };
  let count = times.length;
  let last = times[times.length - 1];
  while (count < SLOT_COUNT_CAP) {
    const more = windowSlots(job, window, last, Math.min(COUNT_CHUNK, SLOT_COUNT_CAP - count));
    if (more.length === 0) return { kind: 'too-many', count, atLeast: false };
    count += more.length;
    last = more[more.length - 1];
  }
  const beyond = windowSlots(job, window, last, 1).length > 0;
  return { kind: 'too-many', count, atLeast: beyond };
}
