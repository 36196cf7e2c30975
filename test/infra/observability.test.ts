import {
  CreateStateMachineCommand,
  ListStateMachineVersionsCommand,
  SFNClient,
  StateMachineDoesNotExist,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { dagSupportFromEnv } from '../../lambdas/handlers/aws-dags.js';
import { DASHBOARD_WIDGETS } from '../../lib/constructs/dashboard.js';
import { LOG_DELIVERY_ACTIONS, TRACING_ACTIONS } from '../../lib/constructs/workflows.js';
import { createKairosApp } from '../../lib/kairos-app.js';
import type { KairosStack } from '../../lib/kairos-stack.js';
import type { Statement } from './support/iam.js';
import { type CfnResourceJson, resourcesOfType } from './support/template.js';

/** Bundling is skipped: alarms, dashboard and tracing do not depend on the function code. */
let stack: KairosStack;
let template: Template;
let resources: Record<string, CfnResourceJson>;
beforeAll(() => {
  ({ stack } = createKairosApp({ context: { 'aws:cdk:bundling-stacks': [] } }));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, CfnResourceJson>;
});

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
/** Alarms by the id of their construct (`SlaMissesAlarm`, `DeadLettersDepthAlarm`…). */
function alarms(): Record<string, Record<string, unknown>> {
  const all = [stack.alerting.slaMissesAlarm, ...stack.alarms.alarms];
  return Object.fromEntries(
    all.map((alarm) => [alarm.node.id, resources[idOf(alarm)]?.Properties as Record<string, unknown>]),
  );
}

describe('alarms', () => {
  it('are the SLA, dead-letter, function error, API 5xx, pick-up latency and audit alarms, and no other', () => {
    expect(Object.keys(alarms()).sort()).toEqual(
      [
        'SlaMissesAlarm',
        'DeadLettersDepthAlarm',
        'EventDeadLettersDepthAlarm',
        'ApiErrorsAlarm',
        'DispatcherErrorsAlarm',
        'WatcherErrorsAlarm',
        'CompletionErrorsAlarm',
        'LatchErrorsAlarm',
        'ApiServerErrorsAlarm',
        'PickupLatencyAlarm',
        'AuditWriteFailuresAlarm',
      ].sort(),
    );
    template.resourceCountIs('AWS::CloudWatch::Alarm', 11);
  });

  it('every one notifies the alert topic, and only it', () => {
    const topic = { Ref: idOf(stack.alerting.topic) };
    for (const [id, alarm] of Object.entries(resourcesOfType(template, 'AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties?.AlarmActions, id).toEqual([topic]);
      expect(alarm.Properties?.OKActions, id).toBeUndefined();
      expect(alarm.Properties?.TreatMissingData, id).toBe('notBreaching');
    }
  });

  it('every one may publish to the encrypted topic: the topic policy names exactly these alarms', () => {
    const policies = Object.values(resourcesOfType(template, 'AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(1);
    const document = policies[0]?.Properties?.PolicyDocument as { Statement: Statement[] } | undefined;
    const allow = document?.Statement.find((s) => s.Sid === 'AllowKairosAlarms');
    const sources = allow?.Condition?.ArnEquals?.['aws:SourceArn'];
    const alarmIds = Object.keys(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));
    expect(sources).toEqual(expect.arrayContaining(alarmIds.map(arnOf)));
    expect([sources].flat()).toHaveLength(alarmIds.length);
  });

  it('fire on any message in a dead-letter queue', () => {
    const queues = { DeadLetters: stack.queues.deadLetters, EventDeadLetters: stack.queues.eventDeadLetters };
    for (const [name, queue] of Object.entries(queues)) {
      expect(alarms()[`${name}DepthAlarm`]).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(queue as never), 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
      });
    }
  });

  it("fire on any error of Kairos's own functions (not the http task's: those are its targets' failures)", () => {
    const functions = {
      Api: stack.api.handler,
      Dispatcher: stack.dispatcher.handler,
      Watcher: stack.watcher.handler,
      Completion: stack.completion.handler,
      Latch: stack.dagFunctions.latch,
    };
    for (const [name, fn] of Object.entries(functions)) {
      expect(alarms()[`${name}ErrorsAlarm`]).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: idOf(fn) } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
    expect(JSON.stringify(alarms())).not.toContain(idOf(stack.dagFunctions.httpTask));
  });

  it('fire on any 5xx answer of the API stage', () => {
    expect(alarms().ApiServerErrorsAlarm).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Dimensions: expect.arrayContaining([
        expect.objectContaining({ Name: 'ApiName' }),
        { Name: 'Stage', Value: { Ref: idOf(stack.api.restApi.deploymentStage) } },
      ]),
      Statistic: 'Sum',
      Threshold: 1,
    });
  });

  it('fire when the p99 pick-up latency the dispatcher emits stays above 5 s for 10 minutes', () => {
    expect(alarms().PickupLatencyAlarm).toMatchObject({
      Namespace: 'Kairos',
      MetricName: 'PickupLatencyMs',
      Dimensions: [{ Name: 'Stage', Value: 'dev' }],
      ExtendedStatistic: 'p99',
      Period: 300,
      Threshold: 5000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
  });
});

describe('dashboard', () => {
  let body: string;
  beforeAll(() => {
    const [dashboard] = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'));
    body = JSON.stringify(dashboard?.Properties?.DashboardBody);
  });

  it('is one dashboard named after the stage and the region', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: { 'Fn::Join': ['', ['Kairos-dev-', { Ref: 'AWS::Region' }]] },
    });
  });

  it.each(Object.values(DASHBOARD_WIDGETS))('has the widget "%s"', (title) => {
    expect(body).toContain(JSON.stringify(title).slice(1, -1));
  });

  it('charts the engine metrics of the stage, the queues, the API and every function', () => {
    for (const metric of [
      'RunsStarted',
      'RunsSucceeded',
      'RunsFailed',
      'RunsTimedOut',
      'PickupLatencyMs',
      'SlaMisses',
    ])
      expect(body).toMatch(new RegExp(`\\\\"Kairos\\\\",\\\\"${metric}\\\\",\\\\"Stage\\\\",\\\\"dev\\\\"`));
    for (const stat of ['p50', 'p90', 'p99']) expect(body).toContain(`\\"stat\\":\\"${stat}\\"`);
    expect(body).toContain('ApproximateNumberOfMessagesVisible');
    expect(body).toContain('5XXError');
    for (const fn of [stack.api.handler, stack.dispatcher.handler, stack.dagFunctions.httpTask])
      expect(body).toContain(`{"Ref":"${idOf(fn)}"}`);
    expect(body).toContain('Throttles');
  });

  it('shows the state of every alarm', () => {
    for (const id of Object.keys(resourcesOfType(template, 'AWS::CloudWatch::Alarm')))
      expect(body).toContain(`{"Fn::GetAtt":["${id}","Arn"]}`);
  });
});

describe('X-Ray and logs', () => {
  it('traces every Lambda function (active) and the API stage', () => {
    const functions = Object.entries(resourcesOfType(template, 'AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(6);
    for (const [id, fn] of functions) expect(fn.Properties?.TracingConfig, id).toEqual({ Mode: 'Active' });
    template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true });
  });

  it('gives the DAG state machines a role that delivers logs and traces, and a log group with a retention and the key', () => {
    const statements = Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties?.Roles).includes(idOf(stack.workflows.role)))
      .flatMap(
        (p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
      );
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining([...LOG_DELIVERY_ACTIONS, ...TRACING_ACTIONS]));
    expect(resources[idOf(stack.workflows.logGroup)]?.Properties).toMatchObject({
      RetentionInDays: 30,
      KmsKeyId: arnOf(idOf(stack.tables.key)),
    });
  });

  it('tells the API and the dispatcher that log group, and they create every state machine with ALL logging and tracing', async () => {
    const logGroupArn = arnOf(idOf(stack.workflows.logGroup));
    for (const fn of [stack.api.handler, stack.dispatcher.handler]) {
      const { Environment } = (resources[idOf(fn)]?.Properties ?? {}) as {
        Environment?: { Variables: Record<string, unknown> };
      };
      expect(Environment?.Variables.KAIROS_WORKFLOW_LOG_GROUP_ARN).toEqual(logGroupArn);
    }
    // The registry those functions build from that environment (handlers/aws-dags.ts).
    const sfn = mockClient(SFNClient);
    sfn
      .on(UpdateStateMachineCommand)
      .rejects(new StateMachineDoesNotExist({ message: 'new', $metadata: {} }));
    sfn.on(CreateStateMachineCommand).resolves({
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:Kairos-dev_job_1',
      stateMachineVersionArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:Kairos-dev_job_1:1',
      creationDate: new Date(),
    });
    sfn.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: [] });
    const deployedLogGroup =
      'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/Kairos-dev-x:*';
    const { workflows } = dagSupportFromEnv(
      {
        KAIROS_WORKFLOW_NAME_PREFIX: 'Kairos-dev',
        KAIROS_WORKFLOW_ARN_PREFIX: 'arn:aws:states:eu-west-1:123456789012:stateMachine:',
        KAIROS_WORKFLOW_ROLE_ARN: 'arn:aws:iam::123456789012:role/workflows',
        KAIROS_WORKFLOW_LOG_GROUP_ARN: deployedLogGroup,
        KAIROS_LATCH_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:latch',
        KAIROS_HTTP_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:http',
      },
      new SFNClient({ region: 'eu-west-1' }),
    );
    await workflows?.publish(
      'job_1',
      1,
      JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Succeed' } } }),
    );
    expect(sfn.commandCalls(CreateStateMachineCommand)[0]?.args[0].input).toMatchObject({
      type: 'STANDARD',
      loggingConfiguration: {
        level: 'ALL',
        includeExecutionData: true,
        destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: deployedLogGroup } }],
      },
      tracingConfiguration: { enabled: true },
    });
    sfn.restore();
  });
});
