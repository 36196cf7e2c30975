import type { JobDefinition } from './job-schema.js';
import { nextFireTimes } from './schedule/index.js';

/** Why a slot of a recurring job did not run (stored as the SKIPPED run's `reason`). */
export const SKIP_REASONS = {
  paused: 'paused',
  overlap: 'overlap',
  outsideWindow: 'outside catch-up window',
  limit: 'catch-up limit',
} as const;

export type SkipReason = (typeof SKIP_REASONS)[keyof typeof SKIP_REASONS];

/** A slot that runs is `missed` when later slots were already due: a catch-up run. */
export type SlotFate =
  | { readonly run: true; readonly missed: boolean }
  | { readonly run: false; readonly reason: SkipReason };

const ON_TIME: SlotFate = { run: true, missed: false };

/**
 * Whether a slot that comes due at `now` runs or is SKIPPED, by the job's catch-up policy. A slot is *missed*
 * when later slots are already due by the time it is handled (after downtime, a pause of the consumers, a long
 * backlog); an on-time slot always has none.
 *
 * - No `catchup` (default): only the latest missed slot runs; every earlier one is outside the (empty) window.
 * - `catchup: { window, maxRuns }`: a slot runs when it is at most `window` seconds late and fewer than
 *   `maxRuns` later slots are due, so the latest `maxRuns` missed slots inside the window run.
 *
 * The decision depends only on the slot, the schedule and `now`, so every path that handles a slot (the timer
 * chain walking the missed slots one by one, a late EventBridge delivery) decides alike; whichever creates the
 * slot's run first records the decision. Reads no clock.
 */
export function slotFate(
  definition: Pick<JobDefinition, 'schedule' | 'catchup'>,
  anchor: Date,
  slot: Date,
  now: Date,
): SlotFate {
  const { schedule, catchup } = definition;
  if (schedule.type !== 'cron' && schedule.type !== 'rate') return ON_TIME;
  const maxRuns = catchup ? (catchup.maxRuns ?? 1) : 1;
  const later = nextFireTimes(schedule, { after: slot, count: maxRuns, anchor });
  const laterDue = later.filter((t) => t.getTime() <= now.getTime()).length;
  if (laterDue >= maxRuns)
    return { run: false, reason: catchup ? SKIP_REASONS.limit : SKIP_REASONS.outsideWindow };
  if (catchup && now.getTime() - slot.getTime() > catchup.window * 1000)
    return { run: false, reason: SKIP_REASONS.outsideWindow };
  return laterDue > 0 ? { run: true, missed: true } : ON_TIME;
}
