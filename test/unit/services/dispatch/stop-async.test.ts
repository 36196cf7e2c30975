import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../../lambdas/core/job.js';
import type { DagExecutor, Executors } from '../../../../lambdas/ports.js';
import type { EngineDeps } from '../../../../lambdas/services/dispatch/deps.js';
import { stopAsync } from '../../../../lambdas/services/dispatch/stop-async.js';

function setup() {
  const stopped: string[] = [];
  const dags: DagExecutor = {
    execute: () => Promise.reject(new Error('not here')),
    stop: async (handle) => void stopped.push(`dag ${handle}`),
  };
  const executors: Executors = {
    stepfunctions: {
      execute: () => Promise.reject(new Error('not here')),
      stop: async (handle) => void stopped.push(`target ${handle}`),
    },
  };
  // Only what stopAsync reads; the rest of the engine is not involved.
  const deps = { dags, executors } as unknown as EngineDeps;
  return { deps, stopped };
}

const job = (definition: Record<string, unknown>) => ({ jobId: 'job1', definition }) as unknown as JobRecord;

describe('stopAsync', () => {
  it('stops a DAG run through the DAG executor', async () => {
    const { deps, stopped } = setup();
    await stopAsync(deps, job({ tasks: [{ id: 'a' }] }), 'arn:x', 'cancel');
    expect(stopped).toEqual(['dag arn:x']);
  });

  it("stops a single-target run through its target's executor", async () => {
    const { deps, stopped } = setup();
    await stopAsync(deps, job({ target: { type: 'stepfunctions' } }), 'arn:y', 'cancel');
    expect(stopped).toEqual(['target arn:y']);
  });
});
