import { describe, expect, it } from 'vitest';
import { scheduleNameOf } from '../../../../lambdas/adapters/aws/cron-registry.js';
import { createLocalCronRegistry } from '../../../../lambdas/adapters/local/local-cron-registry.js';
import type { JobRecord } from '../../../../lambdas/core/job.js';
import type { JobDefinition } from '../../../../lambdas/core/job-schema.js';

function job(
  jobId: string,
  definition: Partial<JobDefinition> & Pick<JobDefinition, 'schedule'>,
  status: JobRecord['status'] = 'ACTIVE',
): JobRecord {
  return {
    jobId,
    definition: { name: 'report', target: { type: 'http', url: 'https://example.com' }, ...definition },
    status,
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  } as JobRecord;
}

describe('local cron registry', () => {
  it('keeps the same schedule inputs as the AWS adapter for a cron job', async () => {
    const registry = createLocalCronRegistry();

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

    expect(registry.list()).toEqual([
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
    const registry = createLocalCronRegistry();
    const rate = job('job_z', { schedule: { type: 'rate', every: '5 minutes' } });

    await registry.put(rate);
    await registry.put(rate);
    await registry.put(job('job_a', { schedule: { type: 'rate', every: '1 hour' } }, 'PAUSED'));

    expect(registry.list().map((s) => [s.jobId, s.expression, s.state, s.lane])).toEqual([
      ['job_a', 'rate(1 hour)', 'DISABLED', 'normal'],
      ['job_z', 'rate(5 minutes)', 'ENABLED', 'normal'],
    ]);

    await registry.put(job('job_z', { schedule: { type: 'rate', every: '10 minutes' } }));
    expect(registry.get('job_z')?.expression).toBe('rate(10 minutes)');
  });

  it('drops the schedule when the job becomes one-off or deleted, and on remove', async () => {
    const registry = createLocalCronRegistry();
    for (const id of ['job_1', 'job_2', 'job_3', 'job_4'])
      await registry.put(job(id, { schedule: { type: 'cron', expression: '*/5 * * * *' } }));

    await registry.put(job('job_1', { schedule: { type: 'at', at: '2030-01-01T00:00:00Z' } }));
    await registry.put(job('job_2', { schedule: { type: 'immediate' } }));
    await registry.put(job('job_3', { schedule: { type: 'cron', expression: '*/5 * * * *' } }, 'DELETED'));
    await registry.remove('job_4');
    await registry.remove('job_absent');

    expect(registry.list()).toEqual([]);
    expect(registry.get('job_1')).toBeUndefined();
  });
});
