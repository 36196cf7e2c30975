import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { slotRunId } from '../../../lambdas/core/run-id.js';
import { createDispatcher } from '../../../lambdas/services/dispatch/dispatcher.js';
import { type EngineFixture, startEngineFixture } from './engine-fixture.js';

/** The EMF metrics the engine emits where it decides a run's outcome, read back from its metric sink. */

let f: EngineFixture;
beforeAll(async () => {
  f = await startEngineFixture();
});
afterAll(async () => {
  await f.close();
});

const SLOT = '2030-01-01T00:00:00.000Z';
const fireOf = (jobId: string) => ({ kind: 'fire', jobId, scheduledFor: SLOT }) as const;
type Doc = Record<string, unknown> & {
  _aws: { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[] }[] };
};

let seen = 0;
beforeEach(() => {
  seen = f.metrics.length;
  f.setNow(new Date(SLOT));
});
/** The metric documents emitted since the test began, as `Name=value` lists (one list per line). */
function emitted(): string[][] {
  return f.metrics
    .slice(seen)
    .map((line) => JSON.parse(line) as Doc)
    .map((doc) => doc._aws.CloudWatchMetrics[0]!.Metrics.map(({ Name }) => `${Name}=${String(doc[Name])}`));
}

describe('engine metrics', () => {
  it('counts a run started once, with its pick-up latency, and its success', async () => {
    const job = await f.createJob();
    f.setNow(new Date('2030-01-01T00:00:01.250Z'));
    const dispatcher = createDispatcher(f.deps);
    await dispatcher.handle(fireOf(job.jobId));
    await dispatcher.handle(fireOf(job.jobId)); // a duplicate delivery starts (and counts) nothing
    expect(emitted()).toEqual([['RunsStarted=1', 'PickupLatencyMs=1250'], ['RunsSucceeded=1']]);
    const [started] = f.metrics.slice(seen).map((line) => JSON.parse(line) as Doc);
    expect(started?._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: 'Kairos',
      Dimensions: [['Stage']],
      Metrics: [
        { Name: 'RunsStarted', Unit: 'Count' },
        { Name: 'PickupLatencyMs', Unit: 'Milliseconds' },
      ],
    });
    expect(started?.Stage).toBe('local');
  });

  it('counts a retried run once when it starts and once when it fails for good', async () => {
    const job = await f.createJob({ retry: { maxAttempts: 2, initialDelaySeconds: 1 } });
    const failure = {
      status: 'failed',
      error: { type: 'Boom', message: 'x', retryable: true },
      log: '',
    } as const;
    f.outcomes.push(failure, failure);
    const dispatcher = createDispatcher(f.deps);
    await dispatcher.handle(fireOf(job.jobId));
    const runId = slotRunId(job.jobId, SLOT);
    f.setNow(new Date('2030-01-01T00:00:02Z'));
    await dispatcher.handle({ kind: 'start', runId, attempt: 2 });
    expect(await f.deps.runs.get(runId)).toMatchObject({ status: 'FAILED', attempt: 2 });
    expect(emitted()).toEqual([['RunsStarted=1', 'PickupLatencyMs=0'], ['RunsFailed=1']]);
  });

  it('counts a run that timed out on its last attempt', async () => {
    const job = await f.createJob({ timeoutSeconds: 30, retry: { maxAttempts: 1 } });
    f.outcomes.push({ status: 'started', handle: 'exec-metrics', log: '' });
    const dispatcher = createDispatcher(f.deps);
    await dispatcher.handle(fireOf(job.jobId));
    f.setNow(new Date('2030-01-01T00:00:40Z'));
    const runId = slotRunId(job.jobId, SLOT);
    await dispatcher.handle({ kind: 'timeout', runId, attempt: 1, deadline: '2030-01-01T00:00:35.000Z' });
    expect(await f.deps.runs.get(runId)).toMatchObject({ status: 'TIMED_OUT' });
    expect(emitted()).toEqual([['RunsStarted=1', 'PickupLatencyMs=0'], ['RunsTimedOut=1']]);
  });

  it('counts a manual retry of an ended run as a new start, without a pick-up latency', async () => {
    const job = await f.createJob({ retry: { maxAttempts: 1 } });
    f.outcomes.push({ status: 'failed', error: { type: 'Boom', message: 'x' }, log: '' });
    const dispatcher = createDispatcher(f.deps);
    await dispatcher.handle(fireOf(job.jobId));
    const runId = slotRunId(job.jobId, SLOT);
    const failed = await f.deps.runs.get(runId);
    // What `POST /v1/runs/{id}/retry` writes (runs/run-service.ts), then the start it queues.
    await f.deps.runs.transition({
      runId,
      from: ['FAILED'],
      to: 'QUEUED',
      expectedAttempt: failed?.attempt,
      set: { maxAttempts: 2, endedAt: undefined },
    });
    await dispatcher.handle({ kind: 'start', runId, attempt: 2 });
    expect(emitted()).toEqual([
      ['RunsStarted=1', 'PickupLatencyMs=0'],
      ['RunsFailed=1'],
      ['RunsStarted=1'],
      ['RunsSucceeded=1'],
    ]);
  });

  it('counts no start for a slot it skips', async () => {
    const job = await f.createJob({}, 'PAUSED');
    await createDispatcher(f.deps).handle(fireOf(job.jobId));
    expect(emitted()).toEqual([['SlotsSkipped=1']]);
  });
});
