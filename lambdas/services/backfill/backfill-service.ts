import {
  type BackfillRecord,
  type BackfillView,
  backfillSlotsKey,
  isExhausted,
  slotAction,
  toBackfillView,
} from '../../core/backfill/record.js';
import { MAX_BACKFILL_SLOTS, parseBackfillRequest } from '../../core/backfill/request.js';
import { backfillSlots, recurringScheduleOf } from '../../core/backfill/slots.js';
import { IllegalStateError, NotFoundError, ValidationError } from '../../core/errors.js';
import { newBackfillId } from '../../core/ids.js';
import { slotRunId } from '../../core/run-id.js';
import { isTerminal } from '../../core/run-states.js';
import { wakeBackfill } from '../dispatch/backfill-runs.js';
import type { EngineDeps } from '../dispatch/deps.js';
import { cancelQuietly } from './launch.js';

/** `POST /v1/jobs/{jobId}/backfill` → 202. */
export interface BackfillCreated {
  /** Null for a dry run, which creates nothing. */
  readonly backfillId: string | null;
  /** Slots that get a run now (those without one, and those `reprocess` runs again). */
  readonly runs: number;
  /** Slots in the window. */
  readonly slots: number;
  /** Slots left as they are because they already have a run. */
  readonly skipped: number;
  /** Dry run only: the slots that would run, ascending. */
  readonly times?: string[];
}

/** Use cases of backfills: request (or dry-run) one, read its progress, cancel it. */
export function createBackfillService(engine: EngineDeps) {
  const { jobs, runs, backfills, slots, clock } = engine;

  async function mustGet(backfillId: string): Promise<BackfillRecord> {
    const record = await backfills.get(backfillId);
    if (!record) throw new NotFoundError(`No backfill with id '${backfillId}'.`);
    return record;
  }

  /** Runs of the backfill queued, running or retrying: the holders of its concurrency slots, and a parked run. */
  async function activeRuns(record: BackfillRecord): Promise<string[]> {
    const holders = await slots.holders(backfillSlotsKey(record.backfillId));
    const ids = record.parked && !holders.includes(record.parked) ? [...holders, record.parked] : holders;
    const statuses = await runs.statusesOf(ids, { consistent: true });
    return ids.filter((id) => {
      const status = statuses.get(id);
      return status !== undefined && !isTerminal(status);
    });
  }

  const view = async (record: BackfillRecord): Promise<BackfillView> =>
    toBackfillView(record, (await activeRuns(record)).length);

  return {
    async create(jobId: string, body: unknown, principal: string): Promise<BackfillCreated> {
      const now = clock.now();
      const request = parseBackfillRequest(body, now);
      const job = await jobs.get(jobId);
      if (!job) throw new NotFoundError(`No job with id '${jobId}'.`);
      if (job.status === 'DELETED') throw new IllegalStateError(`Job '${jobId}' is deleted.`);
      const type = job.definition.schedule.type;
      if (!recurringScheduleOf(job)) {
        throw ValidationError.at(
          'path.jobId',
          `job '${jobId}' has an '${type}' schedule: only cron and rate jobs have slots to backfill`,
        );
      }
      const found = backfillSlots(job, request, MAX_BACKFILL_SLOTS);
      if (found.kind === 'too-many') throw tooManySlots(found.count, found.atLeast);
      const runIds = found.times.map((t) => slotRunId(jobId, t.toISOString()));
      const existing = await runs.statusesOf(runIds);
      const toRun = found.times.filter(
        (_, i) => slotAction(request.reprocess, existing.get(runIds[i])) !== 'skip',
      );
      const counts = {
        runs: toRun.length,
        slots: found.times.length,
        skipped: found.times.length - toRun.length,
      };
      if (request.dryRun) return { backfillId: null, ...counts, times: toRun.map((t) => t.toISOString()) };

      const record: BackfillRecord = {
        backfillId: newBackfillId(),
        jobId,
        from: request.from.toISOString(),
        to: request.to.toISOString(),
        maxConcurrency: request.maxConcurrency,
        reprocess: request.reprocess,
        status: 'RUNNING',
        // Nothing to run: walked already, so no pump has to read every slot to find that out.
        ...(toRun.length === 0 ? { cursor: request.to.toISOString() } : {}),
        runs: toRun.length,
        launched: 0,
        createdAt: now.toISOString(),
        createdBy: principal,
      };
      await backfills.create(record);
      if (toRun.length > 0) await wakeBackfill(engine, record.backfillId, now);
      return { backfillId: record.backfillId, ...counts };
    },

    get: async (backfillId: string): Promise<BackfillView> => view(await mustGet(backfillId)),

    /**
     * Stops the backfill launching runs and cancels every run of it still queued or running. Repeating it is
     * harmless: the record stays CANCELLED and there is nothing left to cancel. A completed backfill is left as is.
     */
    async cancel(backfillId: string, principal: string): Promise<BackfillView> {
      const before = await mustGet(backfillId);
      if (before.status === 'RUNNING' && isExhausted(before) && (await activeRuns(before)).length === 0) {
        return toBackfillView(before, 0);
      }
      const record = (await backfills.cancel(backfillId)) ?? before;
      // The holders read after the record is CANCELLED: a pump launching meanwhile either claimed before this read
      // (and is cancelled here) or sends a start that finds the backfill cancelled (see dispatch/start.ts).
      for (const runId of await activeRuns(record)) {
        await cancelQuietly(engine, runId, `backfill ${backfillId} cancelled by ${principal}`);
      }
      return view(record);
    },
  };
}

/** 400 for a window beyond the limit, saying how many slots it holds and how to split it. */
function tooManySlots(count: number, atLeast: boolean): ValidationError {
  const n = (value: number) => value.toLocaleString('en-US');
  const split = atLeast
    ? 'split it into smaller windows'
    : `split it into ${Math.ceil(count / MAX_BACKFILL_SLOTS)} windows`;
  return ValidationError.at(
    '$.to',
    `the window holds ${atLeast ? 'more than ' : ''}${n(count)} slots; one backfill covers at most ` +
      `${n(MAX_BACKFILL_SLOTS)}: ${split}`,
  );
}

export type BackfillService = ReturnType<typeof createBackfillService>;
