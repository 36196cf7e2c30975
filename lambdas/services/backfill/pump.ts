import { type BackfillRecord, backfillSlotsKey, isExhausted } from '../../core/backfill/record.js';
import { windowSlots } from '../../core/backfill/slots.js';
import { slotRunId } from '../../core/run-id.js';
import { isTerminal } from '../../core/run-states.js';
import { wakeBackfill } from '../dispatch/backfill-runs.js';
import { type EngineDeps, logOf } from '../dispatch/deps.js';
import { type LaunchContext, launchSlot, STALE_QUEUED_MS } from './launch.js';

/** The safety net while a backfill waits for capacity: a pump this long after, in case a wake-up was lost. */
export const RECHECK_MS = 60_000;
/** Slots read per batch: the first batch is about as large as the free capacity, later ones double up to this. */
const MAX_BATCH = 100;

/**
 * The pump of a backfill (`{ kind: 'backfill' }` on the low lane): launches the slots after the cursor while the
 * backfill has free concurrency, then stops; a run that ends wakes it again. Duplicate and concurrent pumps are
 * harmless: every launch is conditional (see `launch.ts`).
 */
export async function pumpBackfill(deps: EngineDeps, backfillId: string): Promise<void> {
  const log = logOf(deps);
  const record = await deps.backfills.get(backfillId);
  if (record?.status !== 'RUNNING' || isExhausted(record)) return;
  const job = await deps.jobs.get(record.jobId);
  if (!job || job.status === 'DELETED') {
    await deps.backfills.cancel(backfillId);
    return log({
      level: 'INFO',
      message: 'backfill cancelled: job deleted',
      backfillId,
      jobId: record.jobId,
    });
  }
  let free = await freeCapacity(deps, record);
  if (free === 0) return waitForCapacity(deps, record);

  const ctx: LaunchContext = { deps, job, record, now: deps.clock.now() };
  const window = { from: new Date(record.from), to: new Date(record.to) };
  let after = record.cursor === undefined ? undefined : new Date(record.cursor);
  let batch = Math.min(MAX_BATCH, Math.max(4, free));
  for (;;) {
    const slots = windowSlots(job, window, after, batch);
    if (slots.length === 0) {
      await deps.backfills.advance(backfillId, record.to, false);
      return log({ level: 'INFO', message: 'backfill window walked', backfillId, jobId: job.jobId });
    }
    const runIds = slots.map((slot) => slotRunId(job.jobId, slot.toISOString()));
    const statuses = await deps.runs.statusesOf(runIds, { consistent: true });
    for (const [i, slot] of slots.entries()) {
      const result = await launchSlot(ctx, slot, runIds[i], statuses.get(runIds[i]));
      if (result === 'stop') return;
      // A pump launching the same slot goes on from there; the recheck covers it, should it crash.
      if (result === 'full' || result === 'busy' || (result === 'launched' && --free === 0))
        return waitForCapacity(deps, record);
    }
    after = slots[slots.length - 1];
    batch = Math.min(MAX_BATCH, batch * 2);
  }
}

/**
 * Free concurrency slots of the backfill. When none seems free, slots whose runs are gone or ended (their release
 * lost in a crash) are freed, and a queued holder whose start may have been lost is started again. Every holder
 * has its run already (runs are created before they claim), so a missing run is a leak, never a launch in flight.
 */
async function freeCapacity(deps: EngineDeps, record: BackfillRecord): Promise<number> {
  const key = backfillSlotsKey(record.backfillId);
  const holders = await deps.slots.holders(key);
  if (holders.length < record.maxConcurrency) return record.maxConcurrency - holders.length;
  const statuses = await deps.runs.statusesOf(holders, { consistent: true });
  let held = holders.length;
  for (const holder of holders) {
    const status = statuses.get(holder);
    if (status === undefined || isTerminal(status)) {
      await deps.slots.release(key, holder);
      held--;
    } else if (status === 'QUEUED') {
      await restartIfStale(deps, holder);
    }
  }
  return Math.max(0, record.maxConcurrency - held);
}

/** A holder queued long ago whose start may have been lost (a crash right after its launch) is started again. */
async function restartIfStale(deps: EngineDeps, runId: string): Promise<void> {
  const run = await deps.runs.get(runId);
  const now = deps.clock.now();
  if (run?.status !== 'QUEUED' || Date.parse(run.queuedAt ?? '') > now.getTime() - STALE_QUEUED_MS) return;
  await deps.timers.fireAt(now, { kind: 'start', runId, attempt: run.attempt + 1 }, 'low');
}

/** No free slot: the runs holding them wake the pump when they end; one recheck is planned in case one does not. */
async function waitForCapacity(deps: EngineDeps, record: BackfillRecord): Promise<void> {
  const now = deps.clock.now();
  const at = new Date(now.getTime() + RECHECK_MS);
  if (await deps.backfills.claimRecheck(record.backfillId, at.toISOString(), now.toISOString())) {
    await wakeBackfill(deps, record.backfillId, at);
  }
}
