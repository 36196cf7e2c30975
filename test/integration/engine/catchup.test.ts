import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKIP_REASONS } from '../../../lambdas/core/catchup.js';
import type { JobDefinition } from '../../../lambdas/core/job-schema.js';
import type { RunRecord } from '../../../lambdas/core/run.js';
import { createDispatcher } from '../../../lambdas/services/dispatch/dispatcher.js';
import { type EngineFixture, startEngineFixture } from './engine-fixture.js';

let f: EngineFixture;
beforeAll(async () => {
  f = await startEngineFixture();
});
afterAll(async () => {
  await f.close();
});

const perMinute = (catchup?: JobDefinition['catchup']): Partial<JobDefinition> => ({
  schedule: { type: 'cron', expression: '* * * * *' },
  concurrency: { max: 10, overlap: 'allow' },
  ...(catchup ? { catchup } : {}),
});

/** Delivers every planned `fire` timer that is due, as the queue would, until none is left. */
async function drainDueFires(jobId: string): Promise<void> {
  const dispatcher = createDispatcher(f.deps);
  for (;;) {
    const index = f.planned.findIndex(
      (t) => t.message.kind === 'fire' && t.message.jobId === jobId && t.when <= f.now(),
    );
    if (index < 0) return;
    const [timer] = f.planned.splice(index, 1);
    await dispatcher.handle(timer.message);
  }
}

async function runsOf(jobId: string): Promise<RunRecord[]> {
  const page = await f.deps.runs.listByJob({ jobId, limit: 100 });
  return [...page.items].sort((a, b) => a.scheduledFor.localeCompare(b.scheduledFor));
}

const minute = (m: number) => `2030-01-01T00:${String(m).padStart(2, '0')}:00.000Z`;

describe('catch-up after downtime (timer chain walking the missed slots)', () => {
  it('without catch-up: one run for the latest missed slot, every other slot SKIPPED and counted', async () => {
    f.setNow(new Date('2030-01-01T00:00:00Z'));
    const job = await f.createJob(perMinute());
    const dispatcher = createDispatcher(f.deps);
    f.setNow(new Date(minute(1)));
    await dispatcher.handle({ kind: 'fire', jobId: job.jobId, scheduledFor: minute(1) });
    // Down from 00:01:30 to 00:11:30: slots 00:02 … 00:11 were missed.
    const metricsBefore = f.metrics.length;
    f.setNow(new Date('2030-01-01T00:11:30Z'));
    await drainDueFires(job.jobId);
    const runs = await runsOf(job.jobId);
    expect(runs.map((r) => r.scheduledFor)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(minute));
    expect(runs.filter((r) => r.status === 'SUCCEEDED').map((r) => r.scheduledFor)).toEqual([
      minute(1),
      minute(11),
    ]);
    const skipped = runs.filter((r) => r.status === 'SKIPPED');
    expect(skipped).toHaveLength(9);
    expect(new Set(skipped.map((r) => r.reason))).toEqual(new Set([SKIP_REASONS.outsideWindow]));
    const counted = f.metrics.slice(metricsBefore).map((l) => JSON.parse(l));
    expect(
      counted.filter((m) => m.SlotsSkipped === 1 && m.Reason === SKIP_REASONS.outsideWindow),
    ).toHaveLength(9);
    // The chain goes on from the next slot, on time.
    expect(f.planned.filter((t) => t.message.kind === 'fire' && t.message.jobId === job.jobId)).toEqual([
      expect.objectContaining({ when: new Date(minute(12)) }),
    ]);
  });

  it('with { window: 3600, maxRuns: 3 }: exactly three catch-up runs, the latest ones', async () => {
    f.setNow(new Date('2030-01-01T00:00:00Z'));
    const job = await f.createJob(perMinute({ window: 3600, maxRuns: 3 }));
    const dispatcher = createDispatcher(f.deps);
    f.setNow(new Date(minute(1)));
    await dispatcher.handle({ kind: 'fire', jobId: job.jobId, scheduledFor: minute(1) });
    f.setNow(new Date('2030-01-01T00:11:30Z'));
    await drainDueFires(job.jobId);
    const runs = await runsOf(job.jobId);
    expect(runs.filter((r) => r.status === 'SUCCEEDED').map((r) => r.scheduledFor)).toEqual([
      minute(1),
      minute(9),
      minute(10),
      minute(11),
    ]);
    const skipped = runs.filter((r) => r.status === 'SKIPPED');
    expect(skipped.map((r) => r.scheduledFor)).toEqual([2, 3, 4, 5, 6, 7, 8].map(minute));
    expect(new Set(skipped.map((r) => r.reason))).toEqual(new Set([SKIP_REASONS.limit]));
  });

  it('late EventBridge deliveries of the missed slots, in any order, decide alike and add no run', async () => {
    f.setNow(new Date('2030-01-01T00:00:00Z'));
    const job = await f.createJob(perMinute({ window: 3600, maxRuns: 2 }));
    const dispatcher = createDispatcher(f.deps);
    f.setNow(new Date('2030-01-01T00:06:10Z'));
    // The scheduler's queued deliveries arrive newest first, then the timer chain walks from 00:01.
    for (const m of [6, 5, 4, 3, 2, 1])
      await dispatcher.handle({ kind: 'fire', jobId: job.jobId, scheduledFor: minute(m) });
    await dispatcher.handle({ kind: 'fire', jobId: job.jobId, scheduledFor: minute(1) });
    await drainDueFires(job.jobId);
    const runs = await runsOf(job.jobId);
    expect(runs.map((r) => [r.scheduledFor, r.status])).toEqual([
      [minute(1), 'SKIPPED'],
      [minute(2), 'SKIPPED'],
      [minute(3), 'SKIPPED'],
      [minute(4), 'SKIPPED'],
      [minute(5), 'SUCCEEDED'],
      [minute(6), 'SUCCEEDED'],
    ]);
  });

  it('catch-up runs of a max-1 "skip" job arriving together start one after another instead of skipping', async () => {
    f.setNow(new Date('2030-01-01T00:00:00Z'));
    const job = await f.createJob({
      schedule: { type: 'cron', expression: '* * * * *' },
      catchup: { window: 3600, maxRuns: 3 },
    });
    const dispatcher = createDispatcher(f.deps);
    f.setNow(new Date('2030-01-01T00:05:30Z'));
    // The scheduler's queued deliveries of the missed slots, handled side by side.
    await Promise.all(
      [1, 2, 3, 4, 5].map((m) =>
        dispatcher.handle({ kind: 'fire', jobId: job.jobId, scheduledFor: minute(m) }),
      ),
    );
    for (let round = 0; round < 10; round++) {
      f.setNow(new Date(f.now().getTime() + 2_000));
      const due = f.planned.filter((t) => t.message.kind === 'start' && t.when <= f.now());
      for (const timer of due) f.planned.splice(f.planned.indexOf(timer), 1);
      await Promise.all(due.map((t) => dispatcher.handle(t.message)));
    }
    const runs = await runsOf(job.jobId);
    expect(runs.map((r) => [r.scheduledFor, r.status, r.catchUp ?? false])).toEqual([
      [minute(1), 'SKIPPED', false],
      [minute(2), 'SKIPPED', false],
      [minute(3), 'SUCCEEDED', true],
      [minute(4), 'SUCCEEDED', true],
      [minute(5), 'SUCCEEDED', false],
    ]);
  });

  it('an overlap skip is counted too', async () => {
    f.setNow(new Date('2030-01-01T00:00:00Z'));
    const job = await f.createJob({ schedule: { type: 'cron', expression: '* * * * *' } });
    const dispatcher = createDispatcher(f.deps);
    f.outcomes.push({ status: 'started', handle: 'arn:aws:states:execution:long', log: '' }); // still running
    f.setNow(new Date(minute(1)));
    await dispatcher.handle({ kind: 'fire', jobId: job.jobId, scheduledFor: minute(1) });
    const metricsBefore = f.metrics.length;
    f.setNow(new Date(minute(2)));
    await dispatcher.handle({ kind: 'fire', jobId: job.jobId, scheduledFor: minute(2) });
    expect((await runsOf(job.jobId)).map((r) => [r.status, r.reason])).toEqual([
      ['RUNNING', undefined],
      ['SKIPPED', 'overlap'],
    ]);
    expect(f.metrics.slice(metricsBefore).map((l) => JSON.parse(l).Reason)).toEqual(['overlap']);
  });

  it('a paused job records its slots SKIPPED (paused) and counts them', async () => {
    f.setNow(new Date('2030-01-01T00:00:00Z'));
    const job = await f.createJob(perMinute(), 'PAUSED');
    const metricsBefore = f.metrics.length;
    f.setNow(new Date(minute(1)));
    await createDispatcher(f.deps).handle({ kind: 'fire', jobId: job.jobId, scheduledFor: minute(1) });
    expect((await runsOf(job.jobId)).map((r) => [r.status, r.reason])).toEqual([['SKIPPED', 'paused']]);
    expect(f.metrics.slice(metricsBefore).map((l) => JSON.parse(l).Reason)).toEqual(['paused']);
  });
});
