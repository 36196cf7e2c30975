import { SKIP_REASONS, type SlotFate, slotFate } from '../../core/catchup.js';
import { AlreadyExistsError } from '../../core/errors.js';
import type { JobRecord } from '../../core/job.js';
import type { Lane } from '../../core/messages.js';
import type { RunRecord } from '../../core/run.js';
import { slotRunId } from '../../core/run-id.js';
import { nextFireTimes } from '../../core/schedule/index.js';
import type { Timers } from '../../ports.js';
import { type EngineDeps, logOf } from './deps.js';
import { LEASE_MS } from './execute.js';
import { countRunStarted, countSkippedSlot } from './metrics.js';
import { buildRun, claimedRun } from './run-factory.js';
import { syncSchedule } from './schedule-sync.js';
import { planSlaChecks } from './sla.js';
import { usesSlots } from './slots.js';
import { armAttemptDeadline } from './start.js';

/**
 * How far EventBridge's name for a rate slot may be from Kairos's: it phases `rate()` from the schedule's own
 * creation, to the second, a moment after the job's. Half the shortest rate (1 minute), so the nearest slot is
 * the only one within it.
 */
const RATE_PHASE_TOLERANCE_MS = 30_000;

/**
 * The slot of the job's current schedule that `scheduledFor` names, as an ISO instant, or undefined when it
 * names none (e.g. a timer planned before an update). A `rate` job's slots are phased from its creation to the
 * millisecond; an EventBridge fire names the slot within {@link RATE_PHASE_TOLERANCE_MS} of its time.
 */
export function slotOf(job: JobRecord, scheduledFor: string): string | undefined {
  const schedule = job.definition.schedule;
  const at = Date.parse(scheduledFor);
  if (schedule.type === 'immediate') return new Date(at).toISOString();
  if (schedule.type === 'at') return Date.parse(schedule.at) === at ? new Date(at).toISOString() : undefined;
  const tolerance = schedule.type === 'rate' ? RATE_PHASE_TOLERANCE_MS : 0;
  const [slot] = nextFireTimes(schedule, {
    after: new Date(at - tolerance - 1),
    count: 1,
    anchor: new Date(job.createdAt),
  });
  return slot !== undefined && slot.getTime() <= at + tolerance ? slot.toISOString() : undefined;
}

export function laneOf(job: JobRecord): Lane {
  return job.definition.priority ?? 'normal';
}

/**
 * Plans the job's first slot after `now` (on create, update of the schedule, resume). For `immediate` the slot
 * is `stableAt` (the creation or update time), so planning twice names the same run.
 */
export async function planFirstSlot(
  timers: Timers,
  job: JobRecord,
  now: Date,
  stableAt: string,
): Promise<void> {
  const schedule = job.definition.schedule;
  const lane = laneOf(job);
  if (schedule.type === 'immediate') {
    await timers.fireAt(now, { kind: 'fire', jobId: job.jobId, scheduledFor: stableAt }, lane);
    return;
  }
  const [first] = nextFireTimes(schedule, {
    after: new Date(now.getTime() - 1),
    count: 1,
    anchor: new Date(job.createdAt),
  });
  if (first)
    await timers.fireAt(first, { kind: 'fire', jobId: job.jobId, scheduledFor: first.toISOString() }, lane);
}

/**
 * A slot is due: create its run (the id is derived from the slot, so duplicates of this message, or a second
 * timer chain after a resume, create nothing) and, only when this call created it, plan the next slot: duplicate
 * chains therefore merge instead of multiplying. A slot of a paused job, or a missed slot the catch-up policy
 * does not run (core/catchup.ts), is recorded SKIPPED with its reason; walking the chain after downtime thus
 * accounts for every missed slot. Returns what to start: the job, and the run when created here.
 */
export async function handleFire(
  deps: EngineDeps,
  jobId: string,
  named: string,
): Promise<{ readonly job: JobRecord; readonly runId: string; readonly run?: RunRecord } | undefined> {
  const log = logOf(deps);
  const job = await deps.jobs.get(jobId);
  // Repairs a schedule left out of line by a failed call when the job last changed (see schedule-sync.ts).
  if (job && job.scheduleSyncedVersion !== job.version) await syncSchedule({ ...deps, log }, job);
  if (!job || job.status === 'DELETED') {
    log({ level: 'INFO', message: 'slot dropped: job gone', jobId, scheduledFor: named });
    return undefined;
  }
  const scheduledFor = slotOf(job, named);
  if (scheduledFor === undefined) {
    log({ level: 'INFO', message: 'slot dropped: not in the current schedule', jobId, scheduledFor: named });
    return undefined;
  }
  const now = deps.clock.now();
  const fate: SlotFate =
    job.status === 'PAUSED'
      ? { run: false, reason: SKIP_REASONS.paused }
      : slotFate(job.definition, new Date(job.createdAt), new Date(scheduledFor), now);
  const runId = slotRunId(jobId, scheduledFor);
  const queued = buildRun(
    job,
    {
      runId,
      scheduledFor,
      trigger: 'schedule',
      status: fate.run ? 'QUEUED' : 'SKIPPED',
      reason: fate.run ? undefined : fate.reason,
      catchUp: fate.run && fate.missed,
    },
    now,
    deps.runRetentionDays ?? 30,
  );
  // Without slots to claim first, the run is created already claimed for attempt 1: one write, not two.
  const claimNow = fate.run && !usesSlots(job);
  if (claimNow) await armAttemptDeadline(deps, job, queued, 1, now);
  const run = claimNow ? claimedRun(queued, now, LEASE_MS) : queued;
  try {
    await deps.runs.create(run);
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    // Created by an earlier delivery, whose decision stands: start it if that one did not (the start is guarded
    // by the run's state, so a SKIPPED or running run is left alone).
    return { job, runId };
  }
  await planNextSlot(deps, job, scheduledFor);
  if (!fate.run) {
    countSkippedSlot(deps, fate.reason);
    log({ level: 'INFO', message: 'slot skipped', jobId, scheduledFor, reason: fate.reason });
    return undefined;
  }
  if (claimNow) countRunStarted(deps, queued, run);
  await planSlaChecks(deps, job, run);
  return { job, runId, run };
}

async function planNextSlot(deps: EngineDeps, job: JobRecord, scheduledFor: string): Promise<void> {
  const schedule = job.definition.schedule;
  if (schedule.type !== 'cron' && schedule.type !== 'rate') return;
  const [next] = nextFireTimes(schedule, {
    after: new Date(scheduledFor),
    count: 1,
    anchor: new Date(job.createdAt),
  });
  if (!next) return;
  await deps.timers.fireAt(
    next,
    { kind: 'fire', jobId: job.jobId, scheduledFor: next.toISOString() },
    laneOf(job),
  );
}
