import { isTerminal, type RunStatus } from '../run-states.js';
import type { ReprocessMode } from './request.js';

/** Stored status: a backfill launches runs until cancelled; COMPLETED is derived (see {@link backfillState}). */
export type BackfillStatus = 'RUNNING' | 'CANCELLED';
/** Reported status. */
export type BackfillState = BackfillStatus | 'COMPLETED';

/**
 * A backfill: the window of a job whose slots are launched, at most `maxConcurrency` at a time, by a pump that
 * walks the slots after `cursor`. Stored as a sibling item of the jobs (see `adapters/aws/dynamo-backfill-store.ts`).
 */
export interface BackfillRecord {
  readonly backfillId: string;
  readonly jobId: string;
  /** Window start (inclusive), ISO. */
  readonly from: string;
  /** Window end (exclusive), ISO. */
  readonly to: string;
  readonly maxConcurrency: number;
  readonly reprocess: ReprocessMode;
  readonly status: BackfillStatus;
  /**
   * The last slot launched (ISO): every slot up to it has been handled, those after it remain. Absent before the
   * first launch; equal to `to` once the window is exhausted.
   */
  readonly cursor?: string;
  /** Slots that were to get a run when the backfill was requested. */
  readonly runs: number;
  /** Slots launched so far. */
  readonly launched: number;
  readonly createdAt: string;
  /** Principal that requested it. */
  readonly createdBy: string;
  /** A run created for the next slot that found no free concurrency slot: it waits, queued, for one. */
  readonly parked?: string;
  /** When the next capacity recheck is planned (ISO), so waiting pumps plan one, not one each. */
  readonly recheckAt?: string;
}

/** What a backfill does with one slot, given the run the slot already has (if any). */
export type SlotAction = 'create' | 'reopen' | 'skip';

/**
 * The reprocess rule: a slot without a run gets one; a run still active (queued, running, retrying) is never
 * touched; an ended run is run again only as `reprocess` says (`failed`: FAILED or TIMED_OUT; `all`: any).
 */
export function slotAction(reprocess: ReprocessMode, existing: RunStatus | undefined): SlotAction {
  if (existing === undefined) return 'create';
  if (!isTerminal(existing) || reprocess === 'none') return 'skip';
  if (reprocess === 'all') return 'reopen';
  return existing === 'FAILED' || existing === 'TIMED_OUT' ? 'reopen' : 'skip';
}

/** Whether every slot of the window has been walked. */
export function isExhausted(record: Pick<BackfillRecord, 'cursor' | 'to'>): boolean {
  return record.cursor === record.to;
}

/** The reported status: COMPLETED once the window is walked and none of its runs is still active. */
export function backfillState(record: BackfillRecord, active: number): BackfillState {
  if (record.status === 'CANCELLED') return 'CANCELLED';
  return isExhausted(record) && active === 0 ? 'COMPLETED' : 'RUNNING';
}

/** `GET /v1/backfills/{backfillId}`. */
export interface BackfillView {
  readonly backfillId: string;
  readonly jobId: string;
  readonly from: string;
  readonly to: string;
  readonly maxConcurrency: number;
  readonly reprocess: ReprocessMode;
  readonly status: BackfillState;
  readonly runs: number;
  readonly launched: number;
  /** Runs of the backfill queued, running or retrying now. */
  readonly active: number;
  readonly createdAt: string;
}

export function toBackfillView(record: BackfillRecord, active: number): BackfillView {
  return {
    backfillId: record.backfillId,
    jobId: record.jobId,
    from: record.from,
    to: record.to,
    maxConcurrency: record.maxConcurrency,
    reprocess: record.reprocess,
    status: backfillState(record, active),
    runs: record.runs,
    launched: record.launched,
    active,
    createdAt: record.createdAt,
  };
}

/** Key of a backfill's concurrency slots in the `ConcurrencySlots` port (beside the jobs' own keys). */
export function backfillSlotsKey(backfillId: string): string {
  return `bf:${backfillId}`;
}
