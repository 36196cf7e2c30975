import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../../lambdas/services/dispatch/dispatcher.js';
import { type EngineFixture, startEngineFixture } from './engine-fixture.js';

let f: EngineFixture;
beforeAll(async () => {
  f = await startEngineFixture();
});
afterAll(async () => {
  await f.close();
});

describe('which slot a fire names', () => {
  it("EventBridge's whole-second fire of a rate job and the millisecond timer make one run", async () => {
    f.setNow(new Date('2030-01-01T00:00:00.123Z'));
    const job = await f.createJob({ schedule: { type: 'rate', every: '5 minutes' } });
    const dispatcher = createDispatcher(f.deps);
    f.setNow(new Date('2030-01-01T00:05:00.500Z'));
    // EventBridge phases rate(5 minutes) from the schedule's creation, to the second.
    await dispatcher.handle({ kind: 'fire', jobId: job.jobId, scheduledFor: '2030-01-01T00:05:00Z' });
    const first = await f.deps.runs.listByJob({ jobId: job.jobId, limit: 10 });
    expect(first.items.map((r) => r.scheduledFor)).toEqual(['2030-01-01T00:05:00.123Z']);
    await dispatcher.handle({ kind: 'fire', jobId: job.jobId, scheduledFor: '2030-01-01T00:05:00.123Z' });
    const { items } = await f.deps.runs.listByJob({ jobId: job.jobId, limit: 10 });
    expect(items.map((r) => [r.scheduledFor, r.status])).toEqual([['2030-01-01T00:05:00.123Z', 'SUCCEEDED']]);
    expect(f.executions.filter((e) => e.runId === items[0].runId)).toHaveLength(1);
  });

  it('drops a fire that names no slot of the current schedule', async () => {
    f.setNow(new Date('2030-01-02T00:00:00Z'));
    const job = await f.createJob({ schedule: { type: 'cron', expression: '0 * * * *' } });
    f.setNow(new Date('2030-01-02T00:30:00Z'));
    await createDispatcher(f.deps).handle({
      kind: 'fire',
      jobId: job.jobId,
      scheduledFor: '2030-01-02T00:30:00Z',
    });
    expect((await f.deps.runs.listByJob({ jobId: job.jobId, limit: 10 })).items).toEqual([]);
  });
});
