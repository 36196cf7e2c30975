import { type BackfillRecord, backfillSlotsKey, slotAction } from '../../core/backfill/record.js';
import { AlreadyExistsError, IllegalStateError, NotFoundError } from '../../core/errors.js';
import type { JobRecord } from '../../core/job.js';
import { resolveRetryPolicy } from '../../core/retry.js';
import type { RunRecord } from '../../core/run.js';
import { isTerminal, type RunStatus } from '../../core/run-states.js';
import type { EngineDeps } from '../dispatch/deps.js';
import { buildRun } from '../dispatch/run-factory.js';
import { cancelRun } from '../dispatch/start.js';

/**
 * What became of a slot. These end the walk: `full` (no free concurrency slot), `stop` (cancelled, or another
 * pump is ahead), `busy` (another pump is launching this slot right now: it walks on from there).
 */
export type LaunchResult = 'launched' | 'skipped' | 'full' | 'stop' | 'busy';

/** A run of the backfill queued this long ago and still not launched was left by a pump that crashed. */
export const STALE_QUEUED_MS = 60_000;

export interface LaunchContext {
  readonly deps: EngineDeps;
  readonly job: JobRecord;
  readonly record: BackfillRecord;
  readonly now: Date;
}

/**
 * Launches one slot of the backfill if the reprocess rule says so: creates its run (QUEUED, low lane), or reopens
 * the slot's ended run with a new attempt (one record per slot, never a second), then claims one of the
 * backfill's concurrency slots, sends the start of the next attempt and moves the cursor onto the slot.
 *
 * The run exists before its claim, so a pump that finds the backfill full can free the slots of runs that are
 * gone or ended without ever freeing one whose run is still being created. Every step is conditional, so two
 * pumps walking the same slot create one run and at most a duplicate start, which the run's own guard ignores.
 * `known` is the status of the slot's run as read in the pump's batch, if it has one.
 */
export async function launchSlot(
  ctx: LaunchContext,
  slot: Date,
  runId: string,
  known: RunStatus | undefined,
): Promise<LaunchResult> {
  const { deps, job, record, now } = ctx;
  const action = slotAction(record.reprocess, known);
  if (action === 'create') {
    const run: RunRecord = {
      ...buildRun(
        job,
        { runId, scheduledFor: slot.toISOString(), trigger: 'backfill', status: 'QUEUED' },
        now,
        deps.runRetentionDays ?? 30,
      ),
      backfillId: record.backfillId,
    };
    try {
      await deps.runs.create(run);
      return claimAndStart(ctx, run, slot);
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
  } else if (action === 'skip' && known !== undefined && isTerminal(known)) {
    return 'skipped';
  }
  // An active run may be this backfill's own, created but not launched yet; the rest is decided on the run as
  // it is now (the batch read may be older than a run another path created or reopened meanwhile).
  return fromExisting(ctx, await deps.runs.get(runId), slot);
}

async function fromExisting(
  ctx: LaunchContext,
  run: RunRecord | undefined,
  slot: Date,
): Promise<LaunchResult> {
  if (!run) return 'skipped';
  const ours = run.backfillId === ctx.record.backfillId;
  if (ours && run.status === 'QUEUED') return relaunch(ctx, run, slot);
  // A backfill runs each slot at most once: a run it launched is never reopened by it, whatever its status.
  if (ours || slotAction(ctx.record.reprocess, run.status) !== 'reopen') return 'skipped';
  const reopened = await reopen(ctx, run);
  if (reopened) return claimAndStart(ctx, reopened, slot);
  const current = await ctx.deps.runs.get(run.runId);
  return current?.backfillId === ctx.record.backfillId && current.status === 'QUEUED'
    ? relaunch(ctx, current, slot)
    : 'skipped';
}

/**
 * A run of this backfill, queued and not started: launched by another pump (the cursor is on or past it), being
 * launched by one right now (created moments ago), parked for want of a free slot, or left by a pump that
 * crashed. Only the last two are launched here, so concurrent pumps do not each send it a start.
 */
async function relaunch(ctx: LaunchContext, run: RunRecord, slot: Date): Promise<LaunchResult> {
  const current = await ctx.deps.backfills.get(ctx.record.backfillId);
  if (current?.status !== 'RUNNING') return 'stop';
  if (current.cursor !== undefined && current.cursor >= slot.toISOString()) return 'stop';
  const stale = Date.parse(run.queuedAt ?? '') <= ctx.now.getTime() - STALE_QUEUED_MS;
  return current.parked === run.runId || stale ? claimAndStart(ctx, run, slot) : 'busy';
}

/**
 * An ended run of the slot, queued again for a new attempt like a retry (`runs/run-service.ts`): one
 * conditional write from the status and attempt read, so two pumps (or a pump and a retry) reopen it once.
 * It gets the policy's attempts again, the backfill's lane, and a fresh retention.
 */
async function reopen(ctx: LaunchContext, run: RunRecord): Promise<RunRecord | undefined> {
  const { deps, job, record, now } = ctx;
  const retentionDays = deps.runRetentionDays ?? 30;
  try {
    return await deps.runs.transition({
      runId: run.runId,
      from: [run.status],
      to: 'QUEUED',
      expectedAttempt: run.attempt,
      set: {
        backfillId: record.backfillId,
        lane: 'low',
        maxAttempts: run.attempt + resolveRetryPolicy(job.definition.retry).maxAttempts,
        queuedAt: now.toISOString(),
        startedAt: undefined,
        endedAt: undefined,
        error: undefined,
        reason: undefined,
        retryAt: undefined,
        leaseUntil: undefined,
        handle: undefined,
        expiresAt: Math.floor(now.getTime() / 1000) + retentionDays * 86_400,
      },
    });
  } catch (error) {
    if (error instanceof IllegalStateError || error instanceof NotFoundError) return undefined;
    throw error;
  }
}

async function claimAndStart(ctx: LaunchContext, run: RunRecord, slot: Date): Promise<LaunchResult> {
  const { deps, record } = ctx;
  const key = backfillSlotsKey(record.backfillId);
  if (!(await deps.slots.claim(key, run.runId, record.maxConcurrency))) {
    // The run waits, queued, for a free slot; a cancel meanwhile must not leave it waiting for ever.
    if (!(await deps.backfills.park(record.backfillId, run.runId))) await cancelQuietly(deps, run.runId);
    return 'full';
  }
  // The start goes before the cursor: a crash in between leaves the slot for the next pump, which starts it again
  // (a duplicate start is ignored); the other order could leave a queued run that nothing starts.
  await deps.timers.fireAt(ctx.now, { kind: 'start', runId: run.runId, attempt: run.attempt + 1 }, 'low');
  return (await deps.backfills.advance(record.backfillId, slot.toISOString(), true)) ? 'launched' : 'stop';
}

/** Cancels a run of a cancelled backfill, unless it has ended already. */
export async function cancelQuietly(
  deps: EngineDeps,
  runId: string,
  reason = 'backfill cancelled',
): Promise<void> {
  try {
    await cancelRun(deps, runId, reason);
  } catch (error) {
    if (!(error instanceof IllegalStateError) && !(error instanceof NotFoundError)) throw error;
  }
}
