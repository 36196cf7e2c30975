/**
 * What the pages show, computed without the DOM: the schedule's words, the search match, the fire times with
 * their DST notes, compliance order. Unit-tested in Node; the pages only lay it out.
 */
import { describeSchedule } from '../../lambdas/core/schedule/describe.js';
import { dstChangeOn } from '../../lambdas/core/schedule/dst.js';
import type { Job, SlaReport } from './api-types.js';
import { formatDstChange, formatInZone, formatTags, formatUtc } from './format.js';

/** The schedule in words; a phrasing problem never breaks a table. */
export function scheduleText(job: Pick<Job, 'schedule'>): string {
  try {
    return describeSchedule(job.schedule);
  } catch {
    return job.schedule.type;
  }
}

/** Whether a job matches the search box: name, id, schedule words or a tag, case-insensitively. */
export function matchesSearch(job: Job, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  const haystack = [job.name, job.jobId, scheduleText(job), ...formatTags(job.tags)].join('\n').toLowerCase();
  return haystack.includes(needle);
}

/** The zone fire times are read in: a cron job's own, else UTC. */
export function zoneOf(job: Pick<Job, 'schedule'>): string {
  return job.schedule.type === 'cron' ? (job.schedule.timezone ?? 'UTC') : 'UTC';
}

export interface FireTimeRow {
  readonly time: string;
  /** Wall clock in the job's zone, e.g. `Sun 2027-03-28 03:00`. */
  readonly local: string;
  readonly utc: string;
  /** Set on a DST day of the zone: which way the clocks go, in words. */
  readonly dst?: { readonly kind: 'forward' | 'back'; readonly text: string };
}

export function fireTimeRows(times: readonly string[], zone: string): FireTimeRow[] {
  return times.map((time) => {
    const change = zone === 'UTC' ? undefined : dstChangeSafe(time, zone);
    return {
      time,
      local: formatInZone(time, zone),
      utc: formatUtc(time),
      dst: change ? { kind: change.kind, text: formatDstChange(change, zone) } : undefined,
    };
  });
}

/** No DST note rather than no fire times, should the browser not know the zone. */
function dstChangeSafe(time: string, zone: string) {
  try {
    return dstChangeOn(new Date(time), zone);
  } catch {
    return undefined;
  }
}

/** Jobs by compliance, worst first; ties by most misses, then id, so the order is stable between refreshes. */
export function complianceOrder(jobs: SlaReport['jobs']): SlaReport['jobs'] {
  const ratio = (j: SlaReport['jobs'][number]) => (j.runs === 0 ? 1 : (j.runs - j.missed) / j.runs);
  return [...jobs].sort(
    (a, b) => ratio(a) - ratio(b) || b.missed - a.missed || a.jobId.localeCompare(b.jobId),
  );
}

/** A round axis maximum at or above `max`: 1, 2, 5 × 10ⁿ (never 0, so an empty chart still has an axis). */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].find((m) => m * power >= max - 1e-9)!;
  return step * power;
}
