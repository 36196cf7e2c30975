import {
  ClientException,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RunTaskCommand,
  ServerException,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFargateExecutor,
  type FargateTarget,
} from '../../../../lambdas/adapters/aws/fargate-executor.js';
import type { ExecutionContext } from '../../../../lambdas/ports.js';

const client = new ECSClient({ region: 'us-east-1' });
const mock = mockClient(client);
afterEach(() => mock.reset());

const TASK_DEF = 'arn:aws:ecs:us-east-1:123456789012:task-definition/etl:7';
const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/kairos/0123456789abcdef';
const executor = createFargateExecutor({
  client,
  cluster: 'kairos',
  subnets: ['subnet-a', 'subnet-b'],
  securityGroups: ['sg-1'],
});
const target = (extra: Partial<FargateTarget> = {}): FargateTarget => ({
  type: 'fargate',
  taskDefinitionArn: TASK_DEF,
  containerName: 'app',
  ...extra,
});
const ctx: ExecutionContext = {
  jobId: 'job_1',
  runId: 'run_0123456789abcdef0123456789abcdef0123',
  attempt: 2,
  payload: {},
  timeoutMs: 10_000,
  signal: new AbortController().signal,
};

describe('Fargate executor', () => {
  it('runs the task with the network, overrides, run variables and tags, and reports it started', async () => {
    mock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }], failures: [] });

    const outcome = await executor.execute(
      target({ command: ['python', 'etl.py'], environment: { MODE: 'full' } }),
      ctx,
    );

    expect(outcome).toMatchObject({ status: 'started', handle: TASK });
    expect(mock.commandCalls(RunTaskCommand)[0]!.args[0].input).toEqual({
      cluster: 'kairos',
      taskDefinition: TASK_DEF,
      launchType: 'FARGATE',
      count: 1,
      clientToken: `${ctx.runId}-2`,
      startedBy: ctx.runId.slice(0, 36),
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-a', 'subnet-b'],
          securityGroups: ['sg-1'],
          assignPublicIp: 'DISABLED',
        },
      },
      overrides: {
        containerOverrides: [
          {
            name: 'app',
            command: ['python', 'etl.py'],
            environment: [
              { name: 'MODE', value: 'full' },
              { name: 'KAIROS_JOB_ID', value: 'job_1' },
              { name: 'KAIROS_RUN_ID', value: ctx.runId },
              { name: 'KAIROS_ATTEMPT', value: '2' },
            ],
          },
        ],
      },
      tags: [
        { key: 'kairos:job-id', value: 'job_1' },
        { key: 'kairos:run-id', value: ctx.runId },
        { key: 'kairos:attempt', value: '2' },
      ],
    });
  });

  it("overrides the task definition's first essential container when the target names none, looked up once", async () => {
    mock.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        taskDefinitionArn: TASK_DEF,
        containerDefinitions: [{ name: 'log-router', essential: false }, { name: 'worker' }],
      },
    });
    mock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }] });

    await executor.execute(target({ containerName: undefined }), ctx);
    await executor.execute(target({ containerName: undefined }), ctx);

    expect(mock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    const override = mock.commandCalls(RunTaskCommand)[1]!.args[0].input.overrides?.containerOverrides?.[0];
    expect(override?.name).toBe('worker');
    expect(override).not.toHaveProperty('command');
  });

  it('fails on RunTask failures: capacity is retryable, a missing resource is not', async () => {
    mock
      .on(RunTaskCommand)
      .resolvesOnce({ failures: [{ arn: TASK_DEF, reason: 'Capacity is unavailable at this time' }] })
      .resolvesOnce({ failures: [{ arn: TASK_DEF, reason: 'MISSING' }] });

    const capacity = await executor.execute(target(), ctx);
    const missing = await executor.execute(target(), ctx);

    expect(capacity).toMatchObject({ status: 'failed', error: { type: 'RunTaskFailed', retryable: true } });
    expect((capacity as { error: { message: string } }).error.message).toContain('Capacity is unavailable');
    expect(missing).toMatchObject({ status: 'failed', error: { type: 'RunTaskFailed', retryable: false } });
  });

  it('classifies SDK errors', async () => {
    mock
      .on(RunTaskCommand)
      .rejectsOnce(new ClientException({ message: 'bad subnet', $metadata: {} }))
      .rejectsOnce(new ServerException({ message: 'oops', $metadata: {} }));

    expect(await executor.execute(target(), ctx)).toMatchObject({
      error: { type: 'ClientException', message: 'bad subnet', retryable: false },
    });
    expect(await executor.execute(target(), ctx)).toMatchObject({
      error: { type: 'ServerException', retryable: true },
    });
  });

  it('stops a task by its handle with the reason', async () => {
    mock.on(StopTaskCommand).resolves({});

    await executor.stop!(TASK, `cancelled by frank ${'!'.repeat(300)}`);

    const input = mock.commandCalls(StopTaskCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ cluster: 'kairos', task: TASK });
    expect(input.reason).toHaveLength(255);
  });

  it('assigns a public IP when configured', async () => {
    mock.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK }] });
    const publicExecutor = createFargateExecutor({
      client,
      cluster: 'kairos',
      subnets: ['subnet-a'],
      securityGroups: [],
      assignPublicIp: true,
    });

    await publicExecutor.execute(target(), ctx);

    expect(
      mock.commandCalls(RunTaskCommand)[0]!.args[0].input.networkConfiguration?.awsvpcConfiguration
        ?.assignPublicIp,
    ).toBe('ENABLED');
  });
});
