import { describe, expect, it } from 'vitest';
import type { Job, Run } from '../../../dashboard/src/api-types.js';
import { runGraph } from '../../../dashboard/src/graph/run-graph.js';

const run = (overrides: Partial<Run> = {}): Run => ({
  runId: 'run_1',
  jobId: 'job_1',
  scheduledFor: '2026-11-24T00:00:00Z',
  trigger: 'manual',
  status: 'RUNNING',
  attempt: 1,
  maxAttempts: 1,
  attempts: [],
  slaMissed: false,
  jobVersion: 1,
  ...overrides,
});

const job = (tasks: Job['tasks'], version = 1): Job => ({
  jobId: 'job_1',
  name: 'etl',
  schedule: { type: 'immediate' },
  tasks,
  status: 'ACTIVE',
  version,
  createdAt: '2026-11-24T00:00:00Z',
  updatedAt: '2026-11-24T00:00:00Z',
  nextRunAt: null,
});

const cmd = { type: 'command', command: ['true'] };
const pending = { status: 'PENDING', attempt: 0 };

describe('the graph drawn for a run', () => {
  it("uses the run's own edges, whatever the job looks like now", () => {
    const shape = runGraph(
      run({ graph: { old: [], older: ['old'] }, tasks: { old: pending, older: pending } }),
      job([{ id: 'new', target: cmd }], 7),
    );
    expect(shape).toEqual({
      tasks: [
        { id: 'old', dependsOn: [] },
        { id: 'older', dependsOn: ['old'] },
      ],
    });
  });

  it('falls back to the job definition, in its order, for a run without edges', () => {
    const shape = runGraph(
      run({ tasks: { b: pending, a: pending } }),
      job([
        { id: 'a', target: cmd },
        { id: 'b', target: cmd, dependsOn: ['a'] },
      ]),
    );
    expect(shape).toEqual({
      tasks: [
        { id: 'a', dependsOn: [] },
        { id: 'b', dependsOn: ['a'] },
      ],
      note: undefined,
    });
  });

  it('says so when the job changed since the run was created', () => {
    const shape = runGraph(run({ jobVersion: 1, tasks: { a: pending } }), job([{ id: 'a', target: cmd }], 3));
    expect(shape?.note).toMatch(/job version 1.*current version 3/);
  });

  it('draws every task of a run whose job is gone, without edges', () => {
    const shape = runGraph(run({ tasks: { x: pending, y: pending } }), undefined);
    expect(shape?.tasks).toEqual([{ id: 'x' }, { id: 'y' }]);
    expect(shape?.note).toMatch(/without their dependencies/);
  });

  it('draws the DAG of a run that has not started (all pending), and nothing for a single-target job', () => {
    expect(runGraph(run({ status: 'QUEUED' }), job([{ id: 'a', target: cmd }]))?.tasks).toEqual([
      { id: 'a', dependsOn: [] },
    ]);
    expect(runGraph(run(), { ...job(undefined), target: cmd })).toBeUndefined();
  });
});
