import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasRole, ROLES } from '../../lambdas/core/roles.js';
import { ROUTES } from '../../lambdas/handlers/routes.js';
import { createKairosApp, type KairosApp } from '../../lib/kairos-app.js';

/** `(construct path, rule id, reason)` of every acknowledgement in the app. */
function acknowledgements(kairos: KairosApp): { path: string; rule: string; reason: string }[] {
  return kairos.app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([rule, reason]) => ({
          path: construct.node.path,
          rule: rule.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** How cdk-nag spells the engine's wildcard resources in finding ids (see lib/constructs/nag-wildcards.ts). */
const RUNS_OBJECTS = '<ArtifactsBucket88671897.Arn>/runs/*';
const SAME_ACCOUNT = 'arn:<AWS::Partition>';
const REGION_ACCOUNT = '<AWS::Region>:<AWS::AccountId>';
const CRON_SCHEDULES = `${SAME_ACCOUNT}:scheduler:${REGION_ACCOUNT}:schedule/kairos-dev/*`;
/** The stage's own DAG state machines and their executions (lib/constructs/workflows.ts). */
const DAG_STATES = ['stateMachine:Kairos-dev_*', 'execution:Kairos-dev_*'].map(
  (resource) => `${SAME_ACCOUNT}:states:${REGION_ACCOUNT}:${resource}`,
);

/**
 * The role policies (lib/constructs/api-access.ts): one wildcard per method ARN of a route with a path parameter
 * (`/v1/jobs/{jobId}` → `/v1/jobs/*`), on the policy of each role that may call it.
 */
const API_METHODS = `${SAME_ACCOUNT}:execute-api:${REGION_ACCOUNT}:<ApiRestApiE35FEAFE>/dev`;
const API_POLICY_WILDCARDS = ROLES.flatMap((role) =>
  ROUTES.filter((r) => r.role !== 'public' && r.path.includes('{') && hasRole(role, r.role)).map(
    (r) =>
      `Kairos-dev/Api/Access/${role[0].toUpperCase()}${role.slice(1)}Policy ` +
      `AwsSolutions-IAM5[Resource::${API_METHODS}/${r.method}${r.path.replace(/\{\w+\}/g, '*')}]`,
  ),
);

describe('cdk-nag AwsSolutions and Serverless', () => {
  let kairos: KairosApp;
  beforeAll(() => {
    kairos = createKairosApp();
  });

  it('synthesizes the app with the checks registered (an unacknowledged error would fail synthesis)', () => {
    expect(() => kairos.app.synth()).not.toThrow();
  });

  it.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['Serverless', () => new ServerlessChecks()],
  ])('reports no unacknowledged %s error or warning', (_pack, checks) => {
    const report = checks().validateScope(kairos.app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('leaves no warning or error annotation on the stack (cdk-nag 3 reports through validation, CDK through these)', () => {
    const annotations = Annotations.fromStack(kairos.stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledges only these findings, each on its narrowest construct with a specific reason', () => {
    const acks = acknowledgements(kairos);
    for (const ack of acks) expect(ack.reason.length, `${ack.rule} at ${ack.path}`).toBeGreaterThan(40);
    expect(acks.map((a) => `${a.path} ${a.rule}`).sort()).toEqual(
      [
        'Kairos-dev/Api/CursorSecret AwsSolutions-SMG4',
        'Kairos-dev/Api/HandlerRole AwsSolutions-IAM5[Resource::*]',
        'Kairos-dev/Api/RestApi AwsSolutions-APIG3',
        'Kairos-dev/Api/RestApi AwsSolutions-COG4',
        'Kairos-dev/Api/RestApi/CloudWatchRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'Kairos-dev/Api/RestApi/Default/GET AwsSolutions-APIG4',
        'Kairos-dev/Api/RestApi/Default/GET AwsSolutions-COG4',
        'Kairos-dev/Api/RestApi/Default/v1/health/GET AwsSolutions-APIG4',
        'Kairos-dev/Api/RestApi/Default/v1/health/GET AwsSolutions-COG4',
        ...API_POLICY_WILDCARDS,
        // Engine: X-Ray on every function role (from KairosFunction), the S3 log bucket, the terminal Failures
        // queue, and each wildcard resource next to the grant that needs it (object keys, target patterns).
        'Kairos-dev/Artifacts/AccessLogs AwsSolutions-S1',
        'Kairos-dev/Queues/Failures AwsSolutions-SQS3',
        // Serverless: the dead-letter queues and the Failures record are where failed messages end (no DLQ of
        // their own); functions invoked synchronously or by SQS event source mappings never use a function DLQ
        // (the completion function, invoked by EventBridge, has one: EventDeadLetters); SQS event source mappings
        // take no on-failure destination (the lanes' redrive policy is theirs).
        'Kairos-dev/Queues/DeadLetters Serverless-SQSRedrivePolicy',
        'Kairos-dev/Queues/Failures Serverless-SQSRedrivePolicy',
        'Kairos-dev/Queues/EventDeadLetters AwsSolutions-SQS3',
        'Kairos-dev/Queues/EventDeadLetters Serverless-SQSRedrivePolicy',
        ...[
          'Api/Handler',
          'Dispatcher/Handler',
          'Watcher/Handler',
          'DagFunctions/Latch',
          'DagFunctions/HttpTask',
        ].map((fn) => `Kairos-dev/${fn} Serverless-LambdaDLQ`),
        ...['HighLane', 'NormalLane', 'LowLane'].map(
          (lane) => `Kairos-dev/Dispatcher/${lane} Serverless-LambdaEventSourceMappingDestination`,
        ),
        'Kairos-dev/Dispatcher/HandlerRole AwsSolutions-IAM5[Resource::*]',
        'Kairos-dev/Watcher/HandlerRole AwsSolutions-IAM5[Resource::*]',
        'Kairos-dev/Completion/HandlerRole AwsSolutions-IAM5[Resource::*]',
        // DAG functions: X-Ray on both roles; the latch's SendTaskSuccess (no resource-level permissions) in a
        // policy of its own.
        'Kairos-dev/DagFunctions/LatchRole AwsSolutions-IAM5[Resource::*]',
        'Kairos-dev/DagFunctions/HttpTaskRole AwsSolutions-IAM5[Resource::*]',
        'Kairos-dev/DagFunctions/LatchTaskTokens AwsSolutions-IAM5[Resource::*]',
        `Kairos-dev/Api/HandlerRole AwsSolutions-IAM5[Resource::${RUNS_OBJECTS}]`,
        `Kairos-dev/Dispatcher/HandlerRole AwsSolutions-IAM5[Resource::${RUNS_OBJECTS}]`,
        `Kairos-dev/Completion/HandlerRole AwsSolutions-IAM5[Resource::${RUNS_OBJECTS}]`,
        // Large task outputs (latch) and task logs (http task) under runs/.
        `Kairos-dev/DagFunctions/LatchRole AwsSolutions-IAM5[Resource::${RUNS_OBJECTS}]`,
        `Kairos-dev/DagFunctions/HttpTaskRole AwsSolutions-IAM5[Resource::${RUNS_OBJECTS}]`,
        `Kairos-dev/Dispatcher/HandlerRole AwsSolutions-IAM5[Resource::${SAME_ACCOUNT}:lambda:${REGION_ACCOUNT}:function:kairos-*]`,
        `Kairos-dev/Dispatcher/HandlerRole AwsSolutions-IAM5[Resource::${SAME_ACCOUNT}:states:${REGION_ACCOUNT}:stateMachine:kairos-*]`,
        `Kairos-dev/Dispatcher/HandlerRole AwsSolutions-IAM5[Resource::${SAME_ACCOUNT}:states:${REGION_ACCOUNT}:execution:kairos-*:*]`,
        `Kairos-dev/Api/HandlerRole AwsSolutions-IAM5[Resource::${SAME_ACCOUNT}:states:${REGION_ACCOUNT}:execution:kairos-*:*]`,
        // Per-job cron schedules: managed by name inside the stage's own schedule group only.
        `Kairos-dev/Api/HandlerRole AwsSolutions-IAM5[Resource::${CRON_SCHEDULES}]`,
        `Kairos-dev/Dispatcher/HandlerRole AwsSolutions-IAM5[Resource::${CRON_SCHEDULES}]`,
        `Kairos-dev/Completion/HandlerRole AwsSolutions-IAM5[Resource::${CRON_SCHEDULES}]`,
        // DAG state machines: the API and the dispatcher deploy and run (or stop) the stage's own; the machines'
        // role starts the same target patterns as the dispatcher, and delivers logs and traces (no resource-level
        // permissions), in a policy of its own.
        ...['Api', 'Dispatcher'].flatMap((fn) =>
          DAG_STATES.map((arn) => `Kairos-dev/${fn}/HandlerRole AwsSolutions-IAM5[Resource::${arn}]`),
        ),
        // Completion deletes the stage's state machines only (a deleted DAG job's, when its last run ends).
        `Kairos-dev/Completion/HandlerRole AwsSolutions-IAM5[Resource::${DAG_STATES[0]}]`,
        'Kairos-dev/Workflows/LoggingAndTracing AwsSolutions-IAM5[Resource::*]',
        `Kairos-dev/Workflows/Role AwsSolutions-IAM5[Resource::${SAME_ACCOUNT}:lambda:${REGION_ACCOUNT}:function:kairos-*]`,
        `Kairos-dev/Workflows/Role AwsSolutions-IAM5[Resource::${SAME_ACCOUNT}:states:${REGION_ACCOUNT}:stateMachine:kairos-*]`,
        `Kairos-dev/Workflows/Role AwsSolutions-IAM5[Resource::${SAME_ACCOUNT}:states:${REGION_ACCOUNT}:execution:kairos-*:*]`,
      ].sort(),
    );
  });

  it('is not vacuous: the same checks flag a non-compliant resource', () => {
    const probe = new Stack(new App(), 'NagProbe');
    new sns.Topic(probe, 'PlainTopic');
    new sqs.Queue(probe, 'PlainQueue');
    const report = new AwsSolutionsChecks().validateScope(probe);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-SNS3');
    const serverless = new ServerlessChecks().validateScope(probe);
    expect(serverless.violations.map((v) => v.ruleName)).toContain('Serverless-SQSRedrivePolicy');
  });
});
