import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../lambdas/core/job.js';
import { EMPTY_ALLOW_LIST } from '../../../lambdas/core/ssrf.js';
import type { CronRegistry } from '../../../lambdas/ports.js';
import { buildServices } from '../../../lambdas/services/build-services.js';
import { createDispatcher } from '../../../lambdas/services/dispatch/dispatcher.js';
import { type EngineFixture, startEngineFixture } from './engine-fixture.js';

let f: EngineFixture;
beforeAll(async () => {
  f = await startEngineFixture();
});
afterAll(async () => {
  await f.close();
});

/** A registry that records calls and fails while `down` is set. */
function fakeRegistry() {
  const calls: string[] = [];
  const state = { down: false };
  const registry: CronRegistry = {
    async put(job: JobRecord) {
      if (state.down) throw new Error('Scheduler unavailable');
      calls.push(`put ${job.jobId} ${job.status} v${job.version}`);
    },
    async remove(jobId: string) {
      if (state.down) throw new Error('Scheduler unavailable');
      calls.push(`remove ${jobId}`);
    },
  };
  return { registry, calls, state };
}

const cronJob = {
  name: 'nightly',
  schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Berlin' },
  target: { type: 'lambda', functionArn: 'fn' },
};

describe('EventBridge schedules kept in step with jobs', () => {
  it('puts the schedule on create, pause and resume, removes it on delete, and skips one-time jobs', async () => {
    const { registry, calls } = fakeRegistry();
    const engine = { ...f.deps, cron: registry };
    const { jobs } = buildServices(engine, 'aws', EMPTY_ALLOW_LIST, '0');
    const { job } = await jobs.create(cronJob, { principal: 'test' });
    await jobs.pause(job.jobId);
    await jobs.resume(job.jobId);
    await jobs.remove(job.jobId, { cancelRunning: false, principal: 'test' });
    expect(calls).toEqual([
      `put ${job.jobId} ACTIVE v1`,
      `put ${job.jobId} PAUSED v2`,
      `put ${job.jobId} ACTIVE v3`,
      `remove ${job.jobId}`,
    ]);
    expect((await f.deps.jobs.get(job.jobId))?.scheduleSyncedVersion).toBe(4);
    await jobs.create(
      { ...cronJob, schedule: { type: 'at', at: '2030-06-01T00:00:00Z' } },
      { principal: 'test' },
    );
    expect(calls).toHaveLength(4);
  });

  it('keeps the job when the scheduler call fails, and the next slot of its chain repairs the schedule', async () => {
    const { registry, calls, state } = fakeRegistry();
    const engine = { ...f.deps, cron: registry };
    const { jobs } = buildServices(engine, 'aws', EMPTY_ALLOW_LIST, '0');
    const { job } = await jobs.create(cronJob, { principal: 'test' });
    state.down = true;
    const { job: updated } = await jobs.update(
      job.jobId,
      { schedule: { ...cronJob.schedule, expression: '0 3 * * *' } },
      1,
    );
    expect(updated.version).toBe(2);
    expect((await f.deps.jobs.get(job.jobId))?.scheduleSyncedVersion).toBe(1);
    state.down = false;
    // A slot of the old schedule still fires from the timer chain: it is dropped, but the schedule is repaired.
    await createDispatcher(engine).handle({
      kind: 'fire',
      jobId: job.jobId,
      scheduledFor: '2030-01-02T01:00:00.000Z',
    });
    expect(calls.at(-1)).toBe(`put ${job.jobId} ACTIVE v2`);
    expect((await f.deps.jobs.get(job.jobId))?.scheduleSyncedVersion).toBe(2);
  });
});
