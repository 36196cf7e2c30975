import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { KairosArtifacts } from '../../lib/constructs/artifacts.js';
import { KairosDispatcher, VISIBILITY_TIMEOUT_FACTOR } from '../../lib/constructs/dispatcher.js';
import { KairosQueues } from '../../lib/constructs/queues.js';
import { KairosTables } from '../../lib/constructs/tables.js';
import { TargetAccess } from '../../lib/constructs/target-access.js';
import { createKairosApp, type KairosApp } from '../../lib/kairos-app.js';
import { resourcesOfType } from './support/template.js';

let kairos: KairosApp;
let template: Template;
let resources: Record<string, { Type: string; Properties: Record<string, any> }>;
const ids: Record<string, string> = {};
const clusterArn = {
  'Fn::Sub': `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/jobs`,
};

beforeAll(() => {
  kairos = createKairosApp({
    context: {
      'kairos:stage': 'test',
      'kairos:httpAllowList': ['10.0.0.0/8', 'hooks.internal'],
      'kairos:fargate': {
        cluster: 'jobs',
        subnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        securityGroups: ['sg-0123456789abcdef0'],
      },
      // Function code is not under test here (api.test.ts checks the bundle): skip esbuild to stay fast.
      'aws:cdk:bundling-stacks': [],
    },
  });
  const { stack } = kairos;
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
  const fn = (f: { node: { defaultChild: unknown } }) =>
    stack.getLogicalId(f.node.defaultChild as CfnFunction);
  const queue = (q: { node: { defaultChild: unknown } }) =>
    stack.getLogicalId(q.node.defaultChild as CfnQueue);
  Object.assign(ids, {
    dispatcher: fn(stack.dispatcher.handler),
    watcher: fn(stack.watcher.handler),
    completion: fn(stack.completion.handler),
    api: fn(stack.api.handler),
    high: queue(stack.queues.lanes.high),
    normal: queue(stack.queues.lanes.normal),
    low: queue(stack.queues.lanes.low),
    deadLetters: queue(stack.queues.deadLetters),
  });
});

const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const mappings = () =>
  Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')).map(
    (m) => m.Properties as Record<string, any>,
  );
const mappingOf = (lane: string) =>
  mappings().find((m) => JSON.stringify(m.EventSourceArn) === JSON.stringify(arnOf(ids[lane])));

describe('dispatcher', () => {
  it('runs up to 15 minutes with 1024 MB', () => {
    expect(resources[ids.dispatcher].Properties).toMatchObject({ Timeout: 900, MemorySize: 1024 });
  });

  it.each(['high', 'normal', 'low'])(
    'the %s lane hides a message for ≥ 6 × the dispatcher timeout',
    (lane) => {
      const timeout = resources[ids.dispatcher].Properties.Timeout as number;
      const visibility = resources[ids[lane]].Properties.VisibilityTimeout as number;
      expect(visibility).toBeGreaterThanOrEqual(VISIBILITY_TIMEOUT_FACTOR * timeout);
      expect(resources[ids[lane]].Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: arnOf(ids.deadLetters),
        maxReceiveCount: 5,
      });
    },
  );

  it('consumes each lane in batches of 10 with partial batch responses', () => {
    expect(mappings()).toHaveLength(3);
    for (const lane of ['high', 'normal', 'low']) {
      expect(mappingOf(lane)).toMatchObject({
        FunctionName: { Ref: ids.dispatcher },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
  });

  it('gives the high lane the most concurrent invocations and the low lane the fewest (50 > 20 > 5)', () => {
    const concurrency = (lane: string) => mappingOf(lane)?.ScalingConfig?.MaximumConcurrency;
    expect([concurrency('high'), concurrency('normal'), concurrency('low')]).toEqual([50, 20, 5]);
  });

  it('refuses lanes whose visibility timeout is shorter than 6 × its timeout', () => {
    const stack = new Stack(new App(), 'ShortVisibility');
    const tables = new KairosTables(stack, 'Tables');
    const queues = new KairosQueues(stack, 'Queues', {
      key: tables.key,
      visibilityTimeout: Duration.minutes(30),
    });
    const artifacts = new KairosArtifacts(stack, 'Artifacts', { key: tables.key, runRetentionDays: 30 });
    const targets = new TargetAccess({ allowedTargetArns: [] });
    const build = () =>
      new KairosDispatcher(stack, 'Dispatcher', {
        stage: 't',
        tables,
        queues,
        artifacts,
        targets,
        environment: {},
      });
    expect(build).toThrow(
      /visibility timeout \(1800 s\) must be at least 6 × the dispatcher timeout \(5400 s\)/,
    );
  });
});

describe('watcher', () => {
  it('runs up to a minute', () => {
    expect(resources[ids.watcher].Properties.Timeout).toBe(60);
    expect(resources[ids.completion].Properties.Timeout).toBe(60);
  });

  it('is invoked every minute by a schedule in the stage group, with a role that may invoke only it', () => {
    const schedules = Object.values(resourcesOfType(template, 'AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(1);
    const schedule = schedules[0].Properties!;
    expect(schedule).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: arnOf(ids.watcher),
        RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 },
      },
    });
    const [group] = Object.entries(resourcesOfType(template, 'AWS::Scheduler::ScheduleGroup'));
    expect(group[1].Properties).toEqual({ Name: 'kairos-test' });
    expect(schedule.GroupName).toBe('kairos-test');
    const [scheduleEntry] = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    expect(scheduleEntry.DependsOn).toContain(group[0]);

    const roleId = (schedule.Target as { RoleArn: { 'Fn::GetAtt': [string, string] } }).RoleArn[
      'Fn::GetAtt'
    ][0];
    expect(resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' }, 'aws:SourceArn': arnOf(group[0]) },
        },
      },
    ]);
    const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties?.Roles).includes(roleId),
    );
    expect(policies.map((p) => (p.Properties as any).PolicyDocument.Statement)).toEqual([
      [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: arnOf(ids.watcher) }],
    ]);
    // The only managed policies are the API's role policies (api-auth.test.ts); none reaches the scheduler's role.
    const managed = Object.values(resourcesOfType(template, 'AWS::IAM::ManagedPolicy'));
    expect(managed.filter((p) => JSON.stringify(p.Properties).includes(roleId))).toEqual([]);
  });
});

describe('completion', () => {
  const rules = () => Object.values(resourcesOfType(template, 'AWS::Events::Rule')).map((r) => r.Properties!);

  it('receives stopped ECS tasks that Kairos started in its cluster', () => {
    const rule = rules().find((r) => JSON.stringify(r.EventPattern).includes('aws.ecs'));
    expect(rule).toMatchObject({
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: { lastStatus: ['STOPPED'], startedBy: [{ prefix: 'run_' }], clusterArn: [clusterArn] },
      },
      Targets: [expect.objectContaining({ Arn: arnOf(ids.completion) })],
    });
  });

  it('receives finished Step Functions executions that Kairos started', () => {
    const rule = rules().find((r) => JSON.stringify(r.EventPattern).includes('aws.states'));
    expect(rule).toMatchObject({
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'], name: [{ prefix: 'run_' }] },
      },
      Targets: [expect.objectContaining({ Arn: arnOf(ids.completion) })],
    });
  });

  it('lets EventBridge invoke the completion function from exactly those two rules', () => {
    const permissions = Object.values(resourcesOfType(template, 'AWS::Lambda::Permission'))
      .map((p) => p.Properties!)
      .filter((p) => p.Principal === 'events.amazonaws.com');
    expect(permissions).toHaveLength(2);
    for (const permission of permissions) {
      expect(permission).toMatchObject({
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(ids.completion),
      });
      expect(permission.SourceArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Completion/), 'Arn'] });
    }
  });
});

describe('environment', () => {
  const env = (id: string) => resources[ids[id]].Properties.Environment.Variables as Record<string, unknown>;

  it.each(['dispatcher', 'completion', 'api'])(
    '%s gets tables, queues, bucket, targets settings and the secret',
    (id) => {
      expect(env(id)).toMatchObject({
        KAIROS_RUNTIME: 'aws',
        KAIROS_JOBS_TABLE: { Ref: expect.stringMatching(/^TablesJobs/) },
        KAIROS_RUNS_TABLE: { Ref: expect.stringMatching(/^TablesRuns/) },
        KAIROS_SCHEDULE_TABLE: { Ref: expect.stringMatching(/^TablesSchedule/) },
        KAIROS_QUEUE_URL_HIGH: { Ref: ids.high },
        KAIROS_QUEUE_URL_NORMAL: { Ref: ids.normal },
        KAIROS_QUEUE_URL_LOW: { Ref: ids.low },
        KAIROS_FAILURES_QUEUE_URL: { Ref: expect.stringMatching(/^QueuesFailures/) },
        KAIROS_ARTIFACTS_BUCKET: { Ref: expect.stringMatching(/^ArtifactsBucket/) },
        KAIROS_SCHEDULE_SHARDS: '16',
        KAIROS_HTTP_ALLOW: '10.0.0.0/8,hooks.internal',
        KAIROS_FARGATE_CLUSTER: clusterArn,
        KAIROS_FARGATE_SUBNETS: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1',
        KAIROS_FARGATE_SECURITY_GROUPS: 'sg-0123456789abcdef0',
        KAIROS_FARGATE_ASSIGN_PUBLIC_IP: 'false',
      });
      expect(env(id).KAIROS_CURSOR_SECRET).toEqual(env('api').KAIROS_CURSOR_SECRET);
    },
  );

  it('gives the watcher only what timers need: no secret, no Jobs/Runs tables, no bucket', () => {
    expect(Object.keys(env('watcher')).sort()).toEqual(
      [
        'KAIROS_RUNTIME',
        'KAIROS_STAGE',
        'KAIROS_SCHEDULE_SHARDS',
        'KAIROS_RUN_RETENTION_DAYS',
        'KAIROS_LOG_LEVEL',
        'KAIROS_VERSION',
        'KAIROS_SCHEDULE_TABLE',
        'KAIROS_QUEUE_URL_HIGH',
        'KAIROS_QUEUE_URL_NORMAL',
        'KAIROS_QUEUE_URL_LOW',
        'NODE_OPTIONS',
      ].sort(),
    );
  });
});
