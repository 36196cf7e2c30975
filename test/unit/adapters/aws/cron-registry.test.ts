import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEventBridgeCronRegistry,
  scheduleNameOf,
} from '../../../../lambdas/adapters/aws/cron-registry.js';
import type { JobRecord } from '../../../../lambdas/core/job.js';
import type { JobDefinition } from '../../../../lambdas/core/job-schema.js';
import { parseDispatchMessage } from '../../../../lambdas/core/messages.js';

const schedulerMock = mockClient(SchedulerClient);

afterEach(() => {
  schedulerMock.reset();
});

const options = {
  groupName: 'kairos-test',
  roleArn: 'arn:aws:iam::123456789012:role/kairos-scheduler',
  queueArns: {
    high: 'arn:aws:sqs:eu-central-1:123456789012:kairos-high',
    normal: 'arn:aws:sqs:eu-central-1:123456789012:kairos-normal',
    low: 'arn:aws:sqs:eu-central-1:123456789012:kairos-low',
  },
  deadLetterArn: 'arn:aws:sqs:eu-central-1:123456789012:kairos-dlq',
};

const registry = () => createEventBridgeCronRegistry({ client: new SchedulerClient({}), ...options });

function job(
  jobId: string,
  definition: Partial<JobDefinition> & Pick<JobDefinition, 'schedule'>,
  status: JobRecord['status'] = 'ACTIVE',
): JobRecord {
  return {
    jobId,
    definition: {
      name: 'nightly report',
      target: { type: 'http', url: 'https://example.com' },
      ...definition,
    },
    status,
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  } as JobRecord;
}

const fireInput = (jobId: string) =>
  JSON.stringify({ kind: 'fire', jobId, scheduledFor: '<aws.scheduler.scheduled-time>' });

const expectedTarget = (jobId: string, lane: 'high' | 'normal' | 'low' = 'normal') => ({
  Arn: options.queueArns[lane],
  RoleArn: options.roleArn,
  Input: fireInput(jobId),
  RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
  DeadLetterConfig: { Arn: options.deadLetterArn },
});

const updates = () => schedulerMock.commandCalls(UpdateScheduleCommand).map((c) => c.args[0].input);
const creates = () => schedulerMock.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
const deletes = () => schedulerMock.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input);

const notFound = () =>
  new ResourceNotFoundException({
    message: 'Schedule not found',
    Message: 'Schedule not found',
    $metadata: {},
  });
const conflict = () =>
  new ConflictException({
    message: 'Schedule already exists',
    Message: 'Schedule already exists',
    $metadata: {},
  });

describe('EventBridge cron registry: put', () => {
  it('updates the schedule of a cron job in Europe/Berlin with its start and end', async () => {
    schedulerMock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    await registry().put(
      job('job_cron', {
        schedule: {
          type: 'cron',
          expression: '0 2 * * 1-5',
          timezone: 'Europe/Berlin',
          startAt: '2025-03-01T00:00:00+01:00',
          endAt: '2025-12-31T23:00:00Z',
        },
      }),
    );

    expect(updates()).toEqual([
      {
        Name: 'job-job_cron',
        GroupName: 'kairos-test',
        Description: 'Kairos job job_cron (nightly report)',
        ScheduleExpression: 'cron(0 2 ? * 2-6 *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        StartDate: new Date('2025-02-28T23:00:00.000Z'),
        EndDate: new Date('2025-12-31T23:00:00.000Z'),
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: expectedTarget('job_cron'),
        ActionAfterCompletion: 'NONE',
      },
    ]);
    expect(creates()).toEqual([]);
    expect(deletes()).toEqual([]);
  });

  it('updates a rate job in UTC without start or end dates', async () => {
    schedulerMock.on(UpdateScheduleCommand).resolves({});

    await registry().put(job('job_rate', { schedule: { type: 'rate', every: '5 minutes' } }));

    expect(updates()).toEqual([
      {
        Name: 'job-job_rate',
        GroupName: 'kairos-test',
        Description: 'Kairos job job_rate (nightly report)',
        ScheduleExpression: 'rate(5 minutes)',
        ScheduleExpressionTimezone: 'UTC',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: expectedTarget('job_rate'),
        ActionAfterCompletion: 'NONE',
      },
    ]);
  });

  it('disables the schedule of a paused job', async () => {
    schedulerMock.on(UpdateScheduleCommand).resolves({});

    await registry().put(job('job_paused', { schedule: { type: 'rate', every: '1 hour' } }, 'PAUSED'));

    expect(updates()).toHaveLength(1);
    expect(updates()[0]).toMatchObject({ Name: 'job-job_paused', State: 'DISABLED' });
  });

  it.each([
    ['high', 'high'],
    ['normal', 'normal'],
    ['low', 'low'],
    [undefined, 'normal'],
  ] as const)('targets the lane queue of priority %s', async (priority, lane) => {
    schedulerMock.on(UpdateScheduleCommand).resolves({});

    await registry().put(
      job('job_lane', {
        schedule: { type: 'cron', expression: '*/5 * * * *' },
        ...(priority === undefined ? {} : { priority }),
      }),
    );

    expect(updates()[0]?.Target).toEqual(expectedTarget('job_lane', lane));
  });

  it('sends a fire message the dispatcher accepts once the scheduler fills in the scheduled time', async () => {
    schedulerMock.on(UpdateScheduleCommand).resolves({});

    await registry().put(job('job_msg', { schedule: { type: 'rate', every: '1 day' } }));

    // What EventBridge Scheduler substitutes, per its documented example value.
    const body = updates()[0]!.Target!.Input!.replace(
      '<aws.scheduler.scheduled-time>',
      '2022-03-22T18:59:43Z',
    );
    expect(parseDispatchMessage(body)).toEqual({
      kind: 'fire',
      jobId: 'job_msg',
      scheduledFor: '2022-03-22T18:59:43Z',
    });
  });

  it('creates the schedule when the update finds none, with the same input', async () => {
    schedulerMock.on(UpdateScheduleCommand).rejects(notFound());
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    await registry().put(job('job_new', { schedule: { type: 'cron', expression: '0 2 * * *' } }));

    expect(updates()).toHaveLength(1);
    expect(creates()).toEqual([
      {
        Name: 'job-job_new',
        GroupName: 'kairos-test',
        Description: 'Kairos job job_new (nightly report)',
        ScheduleExpression: 'cron(0 2 * * ? *)',
        ScheduleExpressionTimezone: 'UTC',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: expectedTarget('job_new'),
        ActionAfterCompletion: 'NONE',
      },
    ]);
    expect(creates()[0]).toEqual(updates()[0]);
  });

  it('retries the update once when a concurrent put created the schedule first', async () => {
    schedulerMock.on(UpdateScheduleCommand).rejectsOnce(notFound()).resolves({});
    schedulerMock.on(CreateScheduleCommand).rejects(conflict());

    await registry().put(job('job_race', { schedule: { type: 'rate', every: '2 hours' } }));

    expect(updates()).toHaveLength(2);
    expect(creates()).toHaveLength(1);
    expect(updates()[1]).toEqual(updates()[0]);
    expect(updates()[1]).toMatchObject({ Name: 'job-job_race', ScheduleExpression: 'rate(2 hours)' });
  });

  it('gives up after the one retry, naming the job', async () => {
    schedulerMock.on(UpdateScheduleCommand).rejectsOnce(notFound()).rejects(notFound());
    schedulerMock.on(CreateScheduleCommand).rejects(conflict());

    const error = await registry()
      .put(job('job_flap', { schedule: { type: 'rate', every: '2 hours' } }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('job_flap');
    expect((error as Error).cause).toBeInstanceOf(ResourceNotFoundException);
    expect(updates()).toHaveLength(2);
    expect(creates()).toHaveLength(1);
  });

  it('rethrows other update errors with the job id and the cause, without creating', async () => {
    const throttled = new ThrottlingException({
      message: 'Rate exceeded',
      Message: 'Rate exceeded',
      $metadata: {},
    });
    schedulerMock.on(UpdateScheduleCommand).rejects(throttled);

    const error = await registry()
      .put(job('job_throttled', { schedule: { type: 'rate', every: '1 minute' } }))
      .catch((e: unknown) => e);

    expect((error as Error).message).toMatch(/job_throttled.*Rate exceeded/);
    expect((error as Error).cause).toBe(throttled);
    expect(creates()).toEqual([]);
  });

  it('rethrows create errors other than a conflict with the job id', async () => {
    schedulerMock.on(UpdateScheduleCommand).rejects(notFound());
    schedulerMock.on(CreateScheduleCommand).rejects(new Error('quota exceeded'));

    await expect(
      registry().put(job('job_quota', { schedule: { type: 'rate', every: '1 minute' } })),
    ).rejects.toThrow(/job_quota.*quota exceeded/);
    expect(updates()).toHaveLength(1);
  });

  it.each([
    ['an at job', job('job_at', { schedule: { type: 'at', at: '2030-01-01T00:00:00Z' } })],
    ['an immediate job', job('job_now', { schedule: { type: 'immediate' } })],
    [
      'a deleted cron job',
      job('job_gone', { schedule: { type: 'cron', expression: '0 * * * *' } }, 'DELETED'),
    ],
  ])('removes the schedule of %s', async (_, record) => {
    schedulerMock.on(DeleteScheduleCommand).resolves({});

    await registry().put(record);

    expect(deletes()).toEqual([{ Name: scheduleNameOf(record.jobId), GroupName: 'kairos-test' }]);
    expect(updates()).toEqual([]);
    expect(creates()).toEqual([]);
  });

  it('rejects an unparseable startAt naming the job, without calling AWS', async () => {
    await expect(
      registry().put(
        job('job_bad', { schedule: { type: 'rate', every: '1 hour', startAt: 'next tuesday' } }),
      ),
    ).rejects.toThrow(/job_bad.*startAt/);
    expect(schedulerMock.calls()).toHaveLength(0);
  });
});

describe('EventBridge cron registry: remove', () => {
  it('deletes the schedule from the group', async () => {
    schedulerMock.on(DeleteScheduleCommand).resolves({});

    await registry().remove('job_1');

    expect(deletes()).toEqual([{ Name: 'job-job_1', GroupName: 'kairos-test' }]);
  });

  it('ignores a schedule that does not exist', async () => {
    schedulerMock.on(DeleteScheduleCommand).rejects(notFound());

    await expect(registry().remove('job_absent')).resolves.toBeUndefined();
  });

  it('rethrows other errors with the job id and the cause', async () => {
    const throttled = new ThrottlingException({
      message: 'Rate exceeded',
      Message: 'Rate exceeded',
      $metadata: {},
    });
    schedulerMock.on(DeleteScheduleCommand).rejects(throttled);

    const error = await registry()
      .remove('job_busy')
      .catch((e: unknown) => e);

    expect((error as Error).message).toContain('job_busy');
    expect((error as Error).cause).toBe(throttled);
  });
});

describe('scheduleNameOf', () => {
  const VALID = /^[0-9A-Za-z_.-]{1,64}$/;
  const jobId = fc.oneof(
    fc.string({ minLength: 1, maxLength: 128 }),
    fc.string({ minLength: 1, maxLength: 128, unit: 'grapheme' }),
    fc.stringMatching(/^[0-9A-Za-z_.-]{1,80}$/),
  );

  it('gives a valid, deterministic Scheduler name for any job id', () => {
    fc.assert(
      fc.property(jobId, (id) => {
        const name = scheduleNameOf(id);
        expect(name).toMatch(VALID);
        expect(scheduleNameOf(id)).toBe(name);
      }),
      { numRuns: 500 },
    );
  });

  it('gives distinct names to distinct job ids', () => {
    fc.assert(
      fc.property(jobId, jobId, (a, b) => {
        fc.pre(a !== b);
        expect(scheduleNameOf(a)).not.toBe(scheduleNameOf(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps short ids readable and hashes long or unusual ones', () => {
    expect(scheduleNameOf('01JABCDEF')).toBe('job-01JABCDEF');
    expect(scheduleNameOf('a'.repeat(60))).toBe(`job-${'a'.repeat(60)}`);
    expect(scheduleNameOf('a'.repeat(61))).toMatch(/^jh\.[0-9A-Za-z_-]{43}$/);
    expect(scheduleNameOf('job with spaces')).toMatch(/^jh\./);
    // A plain-looking id that starts like a hashed name still cannot collide with one.
    expect(scheduleNameOf('h.x')).toBe('job-h.x');
  });
});
