import { describe, expect, it } from 'vitest';
import { emfLine } from '../../../lambdas/adapters/metrics/emf.js';
import type { RunRecord } from '../../../lambdas/core/run.js';
import { missedSla, slaDeadlines } from '../../../lambdas/core/sla.js';

const run = (patch: Partial<RunRecord>): RunRecord => ({
  runId: 'r',
  jobId: 'j',
  scheduledFor: '2030-01-01T00:00:00.000Z',
  trigger: 'schedule',
  status: 'RUNNING',
  attempt: 1,
  maxAttempts: 1,
  attempts: [{ attempt: 1, status: 'RUNNING', startedAt: '2030-01-01T00:00:01.000Z' }],
  slaMissed: false,
  ...patch,
});

describe('SLA rules', () => {
  it('counts deadlines from the scheduled time', () => {
    expect(
      slaDeadlines('2030-01-01T00:00:00Z', { startWithinSeconds: 60, finishWithinSeconds: 900 }),
    ).toEqual([
      { kind: 'start', deadline: new Date('2030-01-01T00:01:00Z') },
      { kind: 'finish', deadline: new Date('2030-01-01T00:15:00Z') },
    ]);
    expect(slaDeadlines('2030-01-01T00:00:00Z', undefined)).toEqual([]);
  });

  it('misses when not started/finished by the deadline, or later than it; never for skipped runs', () => {
    const at = (iso: string) => new Date(iso);
    expect(missedSla(run({}), 'start', at('2030-01-01T00:00:05Z'))).toBe(false);
    expect(missedSla(run({}), 'start', at('2030-01-01T00:00:00.500Z'))).toBe(true);
    expect(
      missedSla(
        run({ attempts: [], startedAt: undefined, status: 'QUEUED' }),
        'start',
        at('2030-01-01T00:01:00Z'),
      ),
    ).toBe(true);
    expect(missedSla(run({}), 'finish', at('2030-01-01T00:00:05Z'))).toBe(true);
    expect(
      missedSla(
        run({ status: 'SUCCEEDED', endedAt: '2030-01-01T00:00:03.000Z' }),
        'finish',
        at('2030-01-01T00:00:05Z'),
      ),
    ).toBe(false);
    expect(missedSla(run({ status: 'SKIPPED', attempts: [] }), 'start', at('2030-01-01T00:00:00Z'))).toBe(
      false,
    );
  });

  it('writes an EMF line CloudWatch turns into the metric', () => {
    const line = JSON.parse(emfLine('SlaMisses', 1, { Stage: 'prod' }, new Date('2030-01-01T00:00:00Z')));
    expect(line).toEqual({
      _aws: {
        Timestamp: 1893456000000,
        CloudWatchMetrics: [
          { Namespace: 'Kairos', Dimensions: [['Stage']], Metrics: [{ Name: 'SlaMisses', Unit: 'Count' }] },
        ],
      },
      Stage: 'prod',
      SlaMisses: 1,
    });
  });
});
