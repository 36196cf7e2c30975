import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../../lambdas/core/run.js';
import type { EngineDeps } from '../../../../lambdas/services/dispatch/deps.js';
import {
  countRunEnded,
  countRunStarted,
  countSkippedSlot,
  countSlaMiss,
  pickupLatencyMs,
} from '../../../../lambdas/services/dispatch/metrics.js';

const NOW = new Date('2030-01-01T00:00:03Z');

/** Only what the metric functions read: the stage, the clock and the sink. */
function setup(stage: string | null = 'prod') {
  const lines: string[] = [];
  const deps = {
    ...(stage === null ? {} : { stage }),
    clock: { now: () => NOW },
    metrics: (line: string) => void lines.push(line),
  } as unknown as EngineDeps;
  return { deps, docs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const run = (patch: Partial<RunRecord> = {}): RunRecord => ({
  runId: 'run_1',
  jobId: 'job_1',
  scheduledFor: '2030-01-01T00:00:00.000Z',
  trigger: 'schedule',
  status: 'QUEUED',
  attempt: 0,
  maxAttempts: 3,
  attempts: [],
  slaMissed: false,
  ...patch,
});
const claimed = (attempt = 1, startedAt = '2030-01-01T00:00:02.500Z') =>
  run({ status: 'RUNNING', attempt, attempts: [{ attempt, status: 'RUNNING', startedAt }] });

describe('countRunStarted', () => {
  it('writes one EMF document: RunsStarted and PickupLatencyMs, namespace Kairos, dimension Stage', () => {
    const { deps, docs } = setup();
    countRunStarted(deps, run(), claimed());
    expect(docs()).toEqual([
      {
        _aws: {
          Timestamp: NOW.getTime(),
          CloudWatchMetrics: [
            {
              Namespace: 'Kairos',
              Dimensions: [['Stage']],
              Metrics: [
                { Name: 'RunsStarted', Unit: 'Count' },
                { Name: 'PickupLatencyMs', Unit: 'Milliseconds' },
              ],
            },
          ],
        },
        Stage: 'prod',
        RunsStarted: 1,
        PickupLatencyMs: 2500,
      },
    ]);
  });

  it('counts nothing for a retry after backoff: the run was counted when it started', () => {
    const { deps, docs } = setup();
    countRunStarted(deps, run({ status: 'RETRYING', attempt: 1 }), claimed(2));
    expect(docs()).toEqual([]);
  });

  it('counts a reopened run (manual retry, backfill reprocess) without a latency', () => {
    const { deps, docs } = setup();
    countRunStarted(deps, run({ status: 'QUEUED', attempt: 1 }), claimed(2));
    expect(docs().map((d) => [d.RunsStarted, d.PickupLatencyMs])).toEqual([[1, undefined]]);
  });
});

describe('pickupLatencyMs', () => {
  it('is the first start after the slot, never negative', () => {
    expect(pickupLatencyMs(run(), claimed())).toBe(2500);
    expect(pickupLatencyMs(run(), claimed(1, '2029-12-31T23:59:59.000Z'))).toBe(0);
  });

  it('leaves out lateness by design: backfill and catch-up slots, runs buffered behind the limit, later attempts', () => {
    expect(pickupLatencyMs(run({ backfillId: 'bf_1' }), claimed())).toBeUndefined();
    expect(pickupLatencyMs(run({ catchUp: true }), claimed())).toBeUndefined();
    expect(pickupLatencyMs(run({ reason: 'buffered' }), claimed())).toBeUndefined();
    expect(pickupLatencyMs(run({ attempt: 1 }), claimed(2))).toBeUndefined();
  });
});

describe('countRunEnded', () => {
  it.each([
    ['SUCCEEDED', 'RunsSucceeded'],
    ['FAILED', 'RunsFailed'],
    ['TIMED_OUT', 'RunsTimedOut'],
  ] as const)('counts a run ended %s as %s', (status, name) => {
    const { deps, docs } = setup();
    countRunEnded(deps, status);
    expect(docs()).toEqual([
      {
        _aws: {
          Timestamp: NOW.getTime(),
          CloudWatchMetrics: [
            { Namespace: 'Kairos', Dimensions: [['Stage']], Metrics: [{ Name: name, Unit: 'Count' }] },
          ],
        },
        Stage: 'prod',
        [name]: 1,
      },
    ]);
  });

  it.each(['RETRYING', 'CANCELLED', 'SKIPPED'] as const)('counts nothing for %s', (status) => {
    const { deps, docs } = setup();
    countRunEnded(deps, status);
    expect(docs()).toEqual([]);
  });
});

describe('SLA misses and skipped slots', () => {
  it('count with the stage (and the reason), the local runtime as stage "local"', () => {
    const { deps, docs } = setup();
    countSlaMiss(deps);
    countSkippedSlot(deps, 'paused');
    const local = setup(null);
    countSlaMiss(local.deps);
    expect(docs().map(({ _aws, ...values }) => values)).toEqual([
      { Stage: 'prod', SlaMisses: 1 },
      { Stage: 'prod', Reason: 'paused', SlotsSkipped: 1 },
    ]);
    expect(docs()[1]?._aws).toMatchObject({ CloudWatchMetrics: [{ Dimensions: [['Stage', 'Reason']] }] });
    expect(local.docs()[0]?.Stage).toBe('local');
  });
});
