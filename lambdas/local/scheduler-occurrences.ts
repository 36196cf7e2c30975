/**
 * The timing rules of the local EventBridge Scheduler stand-in, free of I/O: which occurrences a schedule has,
 * how late each one is delivered, how the scheduled time is written into the message, and how late a delivery
 * may still be made.
 */
import { createHash } from 'node:crypto';
import { CRON_RETRY_POLICY } from '../adapters/aws/cron-registry.js';
import type { LocalScheduleItem } from '../adapters/local/local-cron-registry.js';
import { nextFireTimes } from '../core/schedule/index.js';

/** Occurrences older than this at delivery time are not delivered (EventBridge sends them to the DLQ). */
export const MAX_EVENT_AGE_MS = CRON_RETRY_POLICY.MaximumEventAgeInSeconds * 1000;

/** EventBridge "fires anywhere in the minute": by default up to 50 s late, leaving room for the poll interval. */
export const DEFAULT_MAX_LATE_SECONDS = 50;

/**
 * Bounds of the lateness. Below a minute, because the shortest interval between two occurrences (cron and
 * `rate()` alike) is one minute: occurrences then always come due in order, which the loop relies on.
 */
export const MAX_LATE_SECONDS_LIMIT = 59;

/** Whether `value` is an allowed `maxLateSeconds`: a whole number from 0 to 59. */
export function isMaxLateSeconds(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_LATE_SECONDS_LIMIT;
}

/**
 * The occurrences of a stored schedule strictly after `afterMs`, ascending: the same instants the timer path
 * computes with `nextFireTimes(job.definition.schedule, { anchor: job.createdAt })`. The schedule's `startAt` /
 * `endAt` (the EventBridge StartDate / EndDate) bound them there, start inclusive and end exclusive.
 */
export function occurrencesAfter(item: LocalScheduleItem, afterMs: number, count: number): Date[] {
  return nextFireTimes(item.schedule, { after: new Date(afterMs), count, anchor: new Date(item.anchor) });
}

/**
 * How late (ms, within [0, maxLateSeconds·1000]) an occurrence is delivered: derived from a hash of the schedule
 * name and the occurrence, so it is spread over the minute like EventBridge's, yet the same after a restart and
 * in every test run, and need not be stored.
 */
export function latenessMs(name: string, occurrence: Date, maxLateSeconds: number): number {
  const digest = createHash('sha256').update(`${name}\n${occurrence.toISOString()}`).digest();
  return Math.floor((digest.readUInt32BE(0) / 2 ** 32) * (maxLateSeconds * 1000 + 1));
}

/** An instant as EventBridge Scheduler writes `<aws.scheduler.scheduled-time>`: `2026-03-08T07:30:00Z`. */
export function formatScheduledTime(instant: Date): string {
  return `${instant.toISOString().slice(0, 19)}Z`;
}

/** What lies before `cutoffMs` after `afterMs`: counted up to `cap`, beyond which only `capped` is known. */
export interface StaleOccurrences {
  readonly count: number;
  readonly first?: Date;
  readonly last?: Date;
  readonly capped: boolean;
}

/** The occurrences in (afterMs, cutoffMs), counted in pages so a clock jump of years stays cheap enough. */
export function staleOccurrences(
  item: LocalScheduleItem,
  afterMs: number,
  cutoffMs: number,
  cap = 100_000,
): StaleOccurrences {
  let count = 0;
  let first: Date | undefined;
  let last: Date | undefined;
  let after = afterMs;
  while (count < cap) {
    const page = occurrencesAfter(item, after, Math.min(1000, cap - count)).filter(
      (o) => o.getTime() < cutoffMs,
    );
    if (page.length === 0) return { count, first, last, capped: false };
    first ??= page[0];
    last = page[page.length - 1];
    count += page.length;
    after = last.getTime();
  }
  // Exactly `cap` found: whether more follow is one more look away.
  const more = occurrencesAfter(item, after, 1).some((o) => o.getTime() < cutoffMs);
  return { count, first, last, capped: more };
}
