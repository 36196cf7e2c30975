import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { KairosQueues } from '../../lib/constructs/queues.js';
import { resourcesOfType } from './support/template.js';

let template: Template;
let stack: Stack;
let ids: Record<'High' | 'Normal' | 'Low' | 'DeadLetters' | 'Failures' | 'EventDeadLetters', string>;
let keyId: string;
let queues: KairosQueues;

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

beforeAll(() => {
  stack = new Stack(new App(), 'QueuesTest');
  const key = new kms.Key(stack, 'Key');
  queues = new KairosQueues(stack, 'Queues', { key, visibilityTimeout: Duration.minutes(90) });
  const roles = ['Sender', 'LaneSender', 'Consumer', 'EventSender'].map(
    (id) => new iam.Role(stack, id, { assumedBy: new iam.AccountRootPrincipal() }),
  );
  queues.grantSend(roles[0]);
  queues.grantSendToLanes(roles[1]);
  queues.grantConsume(roles[2]);
  queues.grantSendToEventDeadLetters(roles[3]);
  queues.allowEventBridgeDeadLetters();
  const idOf = (queue: unknown) =>
    stack.getLogicalId((queue as { node: { defaultChild: CfnQueue } }).node.defaultChild);
  ids = {
    High: idOf(queues.lanes.high),
    Normal: idOf(queues.lanes.normal),
    Low: idOf(queues.lanes.low),
    DeadLetters: idOf(queues.deadLetters),
    Failures: idOf(queues.failures),
    EventDeadLetters: idOf(queues.eventDeadLetters),
  };
  keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
  template = Template.fromStack(stack);
});

const queueProps = (id: string) =>
  (template.toJSON().Resources[id] as { Properties: Record<string, unknown> }).Properties;
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const statementsOf = (rolePrefix: string): Statement[] => {
  const policies = Object.entries(resourcesOfType(template, 'AWS::IAM::Policy'));
  const found = policies.find(([id]) => id.startsWith(rolePrefix));
  if (!found) throw new Error(`no policy for ${rolePrefix}`);
  return (found[1].Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement;
};
const viaSqs = {
  StringEquals: {
    'kms:ViaService': { 'Fn::Join': ['', ['sqs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
  },
};

describe('KairosQueues', () => {
  it('creates the three lanes, the dead-letter queue, the failures queue and the event dead-letter queue', () => {
    template.resourceCountIs('AWS::SQS::Queue', 6);
    expect(Object.values(ids).every((id) => id.startsWith('Queues'))).toBe(true);
  });

  it.each(['High', 'Normal', 'Low'] as const)(
    '%s lane redrives to DeadLetters after 5 receives and hides messages for the given visibility timeout',
    (lane) => {
      expect(queueProps(ids[lane])).toMatchObject({
        RedrivePolicy: { deadLetterTargetArn: arnOf(ids.DeadLetters), maxReceiveCount: 5 },
        VisibilityTimeout: 5400,
      });
    },
  );

  it('keeps dead letters, failures and event dead letters for 14 days, and none redrives anywhere', () => {
    for (const id of [ids.DeadLetters, ids.Failures, ids.EventDeadLetters]) {
      expect(queueProps(id)).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600 });
      expect(queueProps(id).RedrivePolicy).toBeUndefined();
    }
    expect(queues.visibilityTimeout.toSeconds()).toBe(5400);
  });

  it('encrypts every queue with the given KMS key', () => {
    for (const id of Object.values(ids)) {
      expect(queueProps(id).KmsMasterKeyId).toEqual(arnOf(keyId));
    }
  });

  it('denies every queue action without TLS on every queue', () => {
    const policies = Object.values(resourcesOfType(template, 'AWS::SQS::QueuePolicy'));
    const covered = policies.flatMap((policy) => {
      const statements = (policy.Properties as { PolicyDocument: { Statement: Record<string, unknown>[] } })
        .PolicyDocument.Statement;
      const tlsOnly = statements.some(
        (s) =>
          s.Effect === 'Deny' &&
          s.Action === 'sqs:*' &&
          JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
      );
      return tlsOnly ? (policy.Properties as { Queues: { Ref: string }[] }).Queues.map((q) => q.Ref) : [];
    });
    expect(covered.sort()).toEqual(Object.values(ids).sort());
  });

  it('names the lanes and the failures queue in the environment, by URL', () => {
    expect(stack.resolve(queues.queueUrlEnv())).toEqual({
      KAIROS_QUEUE_URL_HIGH: { Ref: ids.High },
      KAIROS_QUEUE_URL_NORMAL: { Ref: ids.Normal },
      KAIROS_QUEUE_URL_LOW: { Ref: ids.Low },
      KAIROS_FAILURES_QUEUE_URL: { Ref: ids.Failures },
    });
  });

  it('grantSend allows SendMessage on the lanes and Failures (not the DLQ), the key only via SQS', () => {
    expect(statementsOf('Sender')).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: arnOf(keyId),
        Condition: viaSqs,
      },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: [arnOf(ids.High), arnOf(ids.Normal), arnOf(ids.Low), arnOf(ids.Failures)],
      },
    ]);
  });

  it('grantSendToLanes leaves Failures out', () => {
    const sqs = statementsOf('LaneSender').find((s) => s.Action === 'sqs:SendMessage');
    expect(sqs?.Resource).toEqual([arnOf(ids.High), arnOf(ids.Normal), arnOf(ids.Low)]);
  });

  it('grantConsume allows receive/delete/visibility on the lanes only, and decrypt via SQS', () => {
    expect(statementsOf('Consumer')).toEqual([
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: arnOf(keyId), Condition: viaSqs },
      {
        Effect: 'Allow',
        Action: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
        ],
        Resource: [arnOf(ids.High), arnOf(ids.Normal), arnOf(ids.Low)],
      },
    ]);
  });

  it('grantSendToEventDeadLetters allows SendMessage on EventDeadLetters only, the key only via SQS', () => {
    expect(statementsOf('EventSender')).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: arnOf(keyId),
        Condition: viaSqs,
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(ids.EventDeadLetters) },
    ]);
  });

  it('allowEventBridgeDeadLetters lets EventBridge of this account use the key, nothing else', () => {
    const key = template.toJSON().Resources[keyId] as {
      Properties: { KeyPolicy: { Statement: { Sid?: string }[] } };
    };
    expect(key.Properties.KeyPolicy.Statement.filter((s) => s.Sid === 'AllowEventBridgeDeadLetters')).toEqual(
      [
        {
          Sid: 'AllowEventBridgeDeadLetters',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    );
  });
});
