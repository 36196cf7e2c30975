import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scheduleNameOf } from '../../../lambdas/adapters/aws/cron-registry.js';
import { job, type SchedulerStack, startSchedulerStack, travellingClock } from './fixtures.js';

let stack: SchedulerStack;
beforeEach(async () => {
  stack = await startSchedulerStack({ clock: travellingClock('2030-01-01T12:00:00Z') });
});
afterEach(async () => {
  await stack.close();
});

describe('local cron registry', () => {
  it('keeps the same schedule inputs as the AWS adapter for a cron job', async () => {
    const { registry } = stack;

    await registry.put(
      job('job_b', {
        schedule: {
          type: 'cron',
          expression: '0 2 * * *',
          timezone: 'Europe/Berlin',
          startAt: '2025-03-01T00:00:00Z',
          endAt: '2025-12-31T00:00:00Z',
        },
        priority: 'high',
      }),
    );

    expect(await registry.list()).toEqual([
      {
        jobId: 'job_b',
        name: scheduleNameOf('job_b'),
        description: 'Kairos job job_b (report)',
        expression: 'cron(0 2 * * ? *)',
        timezone: 'Europe/Berlin',
        startDate: new Date('2025-03-01T00:00:00Z'),
        endDate: new Date('2025-12-31T00:00:00Z'),
        state: 'ENABLED',
        lane: 'high',
        input: JSON.stringify({
          kind: 'fire',
          jobId: 'job_b',
          scheduledFor: '<aws.scheduler.scheduled-time>',
        }),
      },
    ]);
  });

  it('replaces on put (idempotent), disables paused jobs, and lists by job id', async () => {
    const { registry } = stack;
    const rate = job('job_z', { schedule: { type: 'rate', every: '5 minutes' } });

    await registry.put(rate);
    await registry.put(rate);
    await registry.put(job('job_a', { schedule: { type: 'rate', every: '1 hour' } }, { status: 'PAUSED' }));

    expect((await registry.list()).map((s) => [s.jobId, s.expression, s.state, s.lane])).toEqual([
      ['job_a', 'rate(1 hour)', 'DISABLED', 'normal'],
      ['job_z', 'rate(5 minutes)', 'ENABLED', 'normal'],
    ]);

    await registry.put(job('job_z', { schedule: { type: 'rate', every: '10 minutes' } }));
    expect((await registry.get('job_z'))?.expression).toBe('rate(10 minutes)');
  });

  it('drops the schedule when the job becomes one-off or deleted, and on remove', async () => {
    const { registry } = stack;
    for (const id of ['job_1', 'job_2', 'job_3', 'job_4'])
      await registry.put(job(id, { schedule: { type: 'cron', expression: '*/5 * * * *' } }));

    await registry.put(job('job_1', { schedule: { type: 'at', at: '2030-01-01T00:00:00Z' } }));
    await registry.put(job('job_2', { schedule: { type: 'immediate' } }));
    await registry.put(
      job('job_3', { schedule: { type: 'cron', expression: '*/5 * * * *' } }, { status: 'DELETED' }),
    );
    await registry.remove('job_4');
    await registry.remove('job_absent');

    expect(await registry.list()).toEqual([]);
    expect(await registry.get('job_1')).toBeUndefined();
  });

  it('keeps the firing state apart from the spec: creation starts it at the put, a new expression restarts it', async () => {
    const clock = travellingClock('2030-01-01T12:00:00Z');
    await stack.close();
    stack = await startSchedulerStack({ clock });
    const { registry } = stack;
    const created = clock.now().getTime();

    await registry.put(job('job_r', { schedule: { type: 'rate', every: '5 minutes' } }));
    const [first] = await registry.items();
    expect(first.firedThroughMs).toBeGreaterThanOrEqual(created);
    expect(first.anchor).toBe('2025-01-01T00:00:00.000Z');
    expect(first.schedule).toEqual({ type: 'rate', every: '5 minutes' });

    clock.travelTo('2030-01-01T13:00:00Z');
    await registry.put(job('job_r', { schedule: { type: 'rate', every: '5 minutes' }, priority: 'low' }));
    const [samePlace] = await registry.items();
    expect([samePlace.firedThroughMs, samePlace.revision, samePlace.lane]).toEqual([
      first.firedThroughMs,
      first.revision,
      'low',
    ]);

    await registry.put(job('job_r', { schedule: { type: 'rate', every: '7 minutes' } }));
    const [reset] = await registry.items();
    expect(reset.firedThroughMs).toBeGreaterThanOrEqual(Date.parse('2030-01-01T13:00:00Z'));
    expect(reset.revision).toBe(first.revision + 1);
  });
});
