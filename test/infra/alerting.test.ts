import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { KairosAlerting } from '../../lib/constructs/alerting.js';
import { KairosCronSchedules } from '../../lib/constructs/cron-schedules.js';
import { KairosQueues } from '../../lib/constructs/queues.js';
import { createKairosApp } from '../../lib/kairos-app.js';
import type { Statement } from './support/iam.js';
import { actionsOf, withAction } from './support/iam.js';
import { resourcesOfType } from './support/template.js';

const region = { Ref: 'AWS::Region' };
const account = { Ref: 'AWS::AccountId' };
const partition = { Ref: 'AWS::Partition' };
const via = (service: string) => ({
  StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`${service}.`, region, '.amazonaws.com']] } },
});

/** Alerting and cron schedules in a stack of their own (no functions to bundle), with one grantee role. */
function build(alertEmail?: string) {
  const stack = new Stack(new App(), 'AlertingTest');
  const key = new kms.Key(stack, 'Key');
  const queues = new KairosQueues(stack, 'Queues', { key, visibilityTimeout: Duration.minutes(90) });
  const scheduleGroup = new scheduler.ScheduleGroup(stack, 'Group', { scheduleGroupName: 'kairos-test' });
  const alerting = new KairosAlerting(stack, 'Alerting', { stage: 'test', key, alertEmail });
  const cron = new KairosCronSchedules(stack, 'CronSchedules', { stage: 'test', scheduleGroup, queues, key });
  const grantee = new iam.Role(stack, 'Grantee', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  cron.grantManage(grantee);
  alerting.grantPublish(grantee);
  const template = Template.fromStack(stack);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as never);
  return {
    stack,
    template,
    ids: {
      key: logicalId(key),
      topic: logicalId(alerting.topic),
      alarm: logicalId(alerting.slaMissesAlarm),
      role: logicalId(cron.role),
      group: logicalId(scheduleGroup),
      high: logicalId(queues.lanes.high as never),
      normal: logicalId(queues.lanes.normal as never),
      low: logicalId(queues.lanes.low as never),
      deadLetters: logicalId(queues.deadLetters as never),
      failures: logicalId(queues.failures as never),
    },
  };
}

type Built = ReturnType<typeof build>;

function policyStatements(template: Template, rolePrefix: string): Statement[] {
  return Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties?.Roles).includes(`"${rolePrefix}`))
    .flatMap(
      (p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
    );
}

function resourcePolicy(template: Template, type: string, property: string): Statement[] {
  const [resource] = Object.values(resourcesOfType(template, type));
  if (!resource) throw new Error(`no ${type} in the template`);
  const document = resource.Properties?.[property] as { Statement: Statement[] } | undefined;
  if (!document) throw new Error(`${type} has no ${property}`);
  return document.Statement;
}

let built: Built;
beforeAll(() => {
  built = build();
});

describe('KairosAlerting topic', () => {
  it('is one SNS topic encrypted with the stack key', () => {
    built.template.resourceCountIs('AWS::SNS::Topic', 1);
    built.template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [built.ids.key, 'Arn'] },
    });
  });

  it('denies publishing without TLS and lets CloudWatch publish only for its own alarm in this account', () => {
    const statements = resourcePolicy(built.template, 'AWS::SNS::TopicPolicy', 'PolicyDocument');
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'sns:Publish',
        Principal: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Resource: { Ref: built.ids.topic },
      }),
    );
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: 'AllowKairosAlarms',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: built.ids.topic },
        Condition: {
          ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [built.ids.alarm, 'Arn'] } },
          StringEquals: { 'aws:SourceAccount': account },
        },
      },
    ]);
  });

  it('lets CloudWatch use the key (decrypt, make data keys), so alarms can publish to the encrypted topic', () => {
    const statements = resourcePolicy(built.template, 'AWS::KMS::Key', 'KeyPolicy');
    expect(statements.filter((s) => JSON.stringify(s.Principal).includes('cloudwatch'))).toEqual([
      {
        Sid: 'AllowCloudWatchAlarmsToEncryptedTopics',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
      },
    ]);
  });

  it('has no subscription unless kairos:alertEmail is set', () => {
    built.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes the configured e-mail address', () => {
    const { template, ids } = build('oncall@example.com');
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: { Ref: ids.topic },
    });
  });
});

describe('KairosAlerting SlaMissesAlarm', () => {
  it('fires on one SLA miss a minute (Kairos/SlaMisses, Stage, Sum ≥ 1) and notifies the topic', () => {
    built.template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    built.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Kairos',
      MetricName: 'SlaMisses',
      Dimensions: [{ Name: 'Stage', Value: 'test' }],
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: built.ids.topic }],
    });
    expect(built.ids.alarm).toMatch(/^AlertingSlaMissesAlarm/);
  });
});

describe('KairosAlerting.grantPublish', () => {
  it('allows sns:Publish on the topic and the key only through SNS, spelled out', () => {
    const statements = policyStatements(built.template, 'Grantee');
    expect(withAction(statements, 'sns:Publish')).toEqual([
      { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: built.ids.topic } },
    ]);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: { 'Fn::GetAtt': [built.ids.key, 'Arn'] },
      Condition: via('sns'),
    });
  });
});

describe('KairosCronSchedules role', () => {
  it('trusts EventBridge Scheduler only for schedules of this account and the stage group', () => {
    const role = built.template.toJSON().Resources[built.ids.role] as {
      Properties: { AssumeRolePolicyDocument: { Statement: Statement[] } };
    };
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: {
            'aws:SourceAccount': account,
            'aws:SourceArn': { 'Fn::GetAtt': [built.ids.group, 'Arn'] },
          },
        },
      },
    ]);
  });

  it('may send to the three lanes and the dead-letter queue only (not Failures), the key only through SQS', () => {
    const statements = policyStatements(built.template, built.ids.role);
    const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
    const { high, normal, low, deadLetters, failures } = built.ids;
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: [arn(high), arn(normal), arn(low), arn(deadLetters)],
      },
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: arn(built.ids.key),
        Condition: via('sqs'),
      },
    ]);
    expect(JSON.stringify(statements)).not.toContain(failures);
  });
});

describe('KairosCronSchedules.grantManage', () => {
  it("allows create, update, delete and get on the group's schedules only, never on '*'", () => {
    const statements = policyStatements(built.template, 'Grantee');
    const scheduler = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('scheduler:')));
    expect(scheduler).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'scheduler:CreateSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:GetSchedule',
        ],
        Resource: {
          'Fn::Join': [
            '',
            ['arn:', partition, ':scheduler:', region, ':', account, ':schedule/kairos-test/*'],
          ],
        },
      },
    ]);
  });

  it('allows passing the schedules role, and only to EventBridge Scheduler', () => {
    const statements = policyStatements(built.template, 'Grantee');
    expect(withAction(statements, 'iam:PassRole')).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [built.ids.role, 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  });

  it('grants no wildcard action and no "*" resource', () => {
    const statements = policyStatements(built.template, 'Grantee');
    expect(statements.flatMap(actionsOf).filter((a) => a.includes('*'))).toEqual([]);
    expect(statements.filter((s) => [s.Resource].flat().includes('*'))).toEqual([]);
  });
});

describe('the stack wiring (Kairos-test)', () => {
  const HANDLERS = ['Api', 'Dispatcher', 'Completion'] as const;
  let template: Template;
  let functions: Record<string, { Properties: { Environment: { Variables: Record<string, unknown> } } }>;
  let ids: Record<string, string>;

  beforeAll(() => {
    // Bundling is skipped: IAM and environment do not depend on the function code.
    const { stack } = createKairosApp({
      context: { 'kairos:stage': 'test', 'aws:cdk:bundling-stacks': [] },
    });
    template = Template.fromStack(stack);
    const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(construct.node.defaultChild as never);
    ids = {
      topic: logicalId(stack.alerting.topic),
      role: logicalId(stack.cronSchedules.role),
      group: logicalId(stack.watcher.scheduleGroup),
      high: logicalId(stack.queues.lanes.high as never),
      normal: logicalId(stack.queues.lanes.normal as never),
      low: logicalId(stack.queues.lanes.low as never),
      deadLetters: logicalId(stack.queues.deadLetters as never),
    };
    const all = resourcesOfType(template, 'AWS::Lambda::Function') as unknown as typeof functions;
    functions = Object.fromEntries(
      HANDLERS.map((name) => {
        const entry = Object.entries(all).find(([id]) => id.startsWith(`${name}Handler`));
        if (!entry) throw new Error(`no ${name} function`);
        return [name, entry[1]];
      }),
    );
  });

  it.each(HANDLERS)('gives the %s function the alert topic, schedule group, role and queue ARNs', (name) => {
    const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
    expect(functions[name]?.Properties.Environment.Variables).toMatchObject({
      KAIROS_ALERT_TOPIC_ARN: { Ref: ids.topic },
      KAIROS_SCHEDULE_GROUP: 'kairos-test',
      KAIROS_SCHEDULER_ROLE_ARN: arn(ids.role as string),
      KAIROS_QUEUE_ARN_HIGH: arn(ids.high as string),
      KAIROS_QUEUE_ARN_NORMAL: arn(ids.normal as string),
      KAIROS_QUEUE_ARN_LOW: arn(ids.low as string),
      KAIROS_SCHEDULER_DLQ_ARN: arn(ids.deadLetters as string),
    });
  });

  it.each(HANDLERS)(
    'lets the %s function manage the group schedules, pass the role, publish alerts',
    (name) => {
      const statements = policyStatements(template, `${name}HandlerRole`);
      const passRole = withAction(statements, 'iam:PassRole').filter((s) =>
        JSON.stringify(s.Resource).includes(ids.role as string),
      );
      expect(passRole).toEqual([
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: { 'Fn::GetAtt': [ids.role, 'Arn'] },
          Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        },
      ]);
      const manage = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('scheduler:')));
      expect(manage).toHaveLength(1);
      expect(manage[0]?.Resource).toEqual({
        'Fn::Join': ['', ['arn:', partition, ':scheduler:', region, ':', account, ':schedule/kairos-test/*']],
      });
      expect(withAction(statements, 'sns:Publish').map((s) => s.Resource)).toEqual([{ Ref: ids.topic }]);
    },
  );

  it('gives the watcher none of it', () => {
    const statements = policyStatements(template, 'WatcherHandlerRole');
    expect(statements.flatMap(actionsOf).filter((a) => /^(scheduler|sns|iam):/.test(a))).toEqual([]);
  });

  it('exports the topic ARN as AlertTopicArn', () => {
    template.hasOutput('AlertTopicArn', { Value: { Ref: ids.topic } });
  });
});
