import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotRunId } from '../../../lambdas/core/run-id.js';
import { createDispatcher } from '../../../lambdas/services/dispatch/dispatcher.js';
import { createSlaService } from '../../../lambdas/services/sla/sla-service.js';
import { type EngineFixture, startEngineFixture } from './engine-fixture.js';

let f: EngineFixture;
beforeAll(async () => {
  f = await startEngineFixture();
});
afterAll(async () => {
  await f.close();
});

describe('SLA checks', () => {
  it('plans the deadlines at run creation and records a finish miss once, with one alert and one metric', async () => {
    const job = await f.createJob({ sla: { startWithinSeconds: 60, finishWithinSeconds: 2 } });
    const runId = slotRunId(job.jobId, '2030-01-01T00:00:00.000Z');
    f.outcomes.push({ status: 'started', handle: 'slow-task', log: 'started' });
    const dispatcher = createDispatcher(f.deps);
    await dispatcher.handle({ kind: 'fire', jobId: job.jobId, scheduledFor: '2030-01-01T00:00:00.000Z' });
    const checks = f.planned.filter((p) => p.message.kind === 'sla' && p.message.runId === runId);
    expect(checks.map((c) => [c.message, c.when.toISOString()])).toEqual([
      [
        { kind: 'sla', runId, check: 'start', deadline: '2030-01-01T00:01:00.000Z' },
        '2030-01-01T00:01:00.000Z',
      ],
      [
        { kind: 'sla', runId, check: 'finish', deadline: '2030-01-01T00:00:02.000Z' },
        '2030-01-01T00:00:02.000Z',
      ],
    ]);

    f.setNow(new Date('2030-01-01T00:00:02Z'));
    for (const check of checks) await dispatcher.handle(check.message);
    for (const check of checks) await dispatcher.handle(check.message); // delivered twice
    expect(f.alerts).toEqual([
      {
        runId,
        jobId: job.jobId,
        kind: 'finish',
        deadline: '2030-01-01T00:00:02.000Z',
        detectedAt: '2030-01-01T00:00:02.000Z',
      },
    ]);
    const misses = f.metrics.map((m) => JSON.parse(m)).filter((m) => m.SlaMisses !== undefined);
    expect(misses.map((m) => m.SlaMisses)).toEqual([1]);
    expect(await f.deps.runs.get(runId)).toMatchObject({
      slaMissed: true,
      slaFinishMiss: { deadline: '2030-01-01T00:00:02.000Z' },
    });

    const report = await createSlaService({ ...f.deps, sla: f.deps.sla }).report(
      new Date('2030-01-01T00:00:00Z'),
    );
    expect(report.misses).toEqual(f.alerts);
    expect(report.jobs).toContainEqual({ jobId: job.jobId, runs: 1, missed: 1 });
    f.setNow(new Date('2030-01-01T00:00:00Z'));
  });

  it('does not count a run that met its deadlines, nor a skipped one', async () => {
    const job = await f.createJob({ sla: { startWithinSeconds: 5, finishWithinSeconds: 5 } });
    const runId = slotRunId(job.jobId, '2030-01-01T00:00:00.000Z');
    const dispatcher = createDispatcher(f.deps);
    await dispatcher.handle({ kind: 'fire', jobId: job.jobId, scheduledFor: '2030-01-01T00:00:00.000Z' });
    const before = f.alerts.length;
    f.setNow(new Date('2030-01-01T00:00:05Z'));
    for (const check of ['start', 'finish'] as const) {
      await dispatcher.handle({ kind: 'sla', runId, check, deadline: '2030-01-01T00:00:05.000Z' });
    }
    expect(f.alerts.length).toBe(before);
    expect((await f.deps.runs.get(runId))?.slaMissed).toBe(false);
    f.setNow(new Date('2030-01-01T00:00:00Z'));
  });
});
