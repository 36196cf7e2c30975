import { describe, expect, it } from 'vitest';
import { type BackfillRecord, backfillState, slotAction } from '../../../../lambdas/core/backfill/record.js';
import { REPROCESS_MODES } from '../../../../lambdas/core/backfill/request.js';
import { RUN_STATUSES } from '../../../../lambdas/core/run-states.js';

describe('backfill record', () => {
  it('creates a run for a slot without one, and never touches an active run', () => {
    for (const mode of REPROCESS_MODES) {
      expect(slotAction(mode, undefined)).toBe('create');
      for (const status of ['SCHEDULED', 'QUEUED', 'RUNNING', 'RETRYING'] as const)
        expect(slotAction(mode, status)).toBe('skip');
    }
  });

  it('reopens ended runs as reprocess says', () => {
    const reopened = (mode: (typeof REPROCESS_MODES)[number]) =>
      RUN_STATUSES.filter((status) => slotAction(mode, status) === 'reopen');
    expect(reopened('none')).toEqual([]);
    expect(reopened('failed')).toEqual(['FAILED', 'TIMED_OUT']);
    expect(reopened('all')).toEqual(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'SKIPPED']);
  });

  it('is COMPLETED once the window is walked and no run is active', () => {
    const record: BackfillRecord = {
      backfillId: 'bf_1',
      jobId: 'job_1',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-02T00:00:00.000Z',
      maxConcurrency: 1,
      reprocess: 'none',
      status: 'RUNNING',
      runs: 24,
      launched: 24,
      createdAt: '2026-01-03T00:00:00.000Z',
      createdBy: 'alice',
    };
    expect(backfillState(record, 0)).toBe('RUNNING');
    expect(backfillState({ ...record, cursor: record.to }, 1)).toBe('RUNNING');
    expect(backfillState({ ...record, cursor: record.to }, 0)).toBe('COMPLETED');
    expect(backfillState({ ...record, cursor: record.to, status: 'CANCELLED' }, 0)).toBe('CANCELLED');
  });
});
