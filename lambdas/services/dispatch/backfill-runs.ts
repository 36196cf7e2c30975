import { backfillSlotsKey } from '../../core/backfill/record.js';
import type { RunRecord } from '../../core/run.js';
import type { EngineDeps } from './deps.js';

/** Sends a backfill's pump message (low lane), now or at `when`. */
export function wakeBackfill(deps: EngineDeps, backfillId: string, when = deps.clock.now()): Promise<void> {
  return deps.timers.fireAt(when, { kind: 'backfill', backfillId }, 'low');
}

/**
 * A run of a backfill has ended (or will never start): frees its slot of the backfill's concurrency and wakes
 * the pump, so the next slot launches now instead of at the pump's next recheck. No-op for other runs.
 */
export async function backfillRunEnded(deps: EngineDeps, run: RunRecord): Promise<void> {
  if (run.backfillId === undefined) return;
  await deps.slots.release(backfillSlotsKey(run.backfillId), run.runId);
  await wakeBackfill(deps, run.backfillId);
}

/**
 * Whether a backfill run may start its attempt now. A run whose backfill is cancelled (or gone) is not started:
 * that closes the race between a pump that launched it and the cancel. Otherwise it needs one of the backfill's
 * concurrency slots: the pump claimed it already for a launched run (a re-claim is a no-op); a start that
 * arrives for a run the pump has not launched waits for it (the pump launches it when a slot frees).
 */
export async function backfillAdmits(
  deps: EngineDeps,
  run: RunRecord & { readonly backfillId: string },
): Promise<'start' | 'cancelled' | 'wait'> {
  const record = await deps.backfills.get(run.backfillId);
  if (!record || record.status === 'CANCELLED') return 'cancelled';
  const claimed = await deps.slots.claim(backfillSlotsKey(run.backfillId), run.runId, record.maxConcurrency);
  return claimed ? 'start' : 'wait';
}
