import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TARGET_ARNS } from '../../lib/config.js';
import { TASK_TOKEN_ACTIONS } from '../../lib/constructs/dag-functions.js';
import { LOG_DELIVERY_ACTIONS, TRACING_ACTIONS } from '../../lib/constructs/workflows.js';
import { createKairosApp, type KairosApp } from '../../lib/kairos-app.js';
import {
  actionsOf,
  CLUSTER,
  EXECUTIONS,
  FUNCTIONS,
  STATE_MACHINES,
  type Statement,
  statementsOf,
  TASK_DEFINITIONS,
  TASK_ROLES,
  TASKS,
  withAction,
} from './support/iam.js';
import { resourcesOfType } from './support/template.js';

// The only actions AWS offers no resource-level permissions for among those Kairos uses (the DAG state machines'
// log delivery and tracing, and the latch's task-token success, included).
const STAR_ONLY = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'ecs:DescribeTaskDefinition',
  ...LOG_DELIVERY_ACTIONS,
  ...TRACING_ACTIONS,
  // The DAG latch resumes `wait` states by task token (dag-functions.test.ts checks it is the latch's only one).
  ...TASK_TOKEN_ACTIONS,
];

/** Bundling is skipped: IAM does not depend on the function code (api.test.ts checks the bundle). */
const build = (context: Record<string, unknown>) =>
  createKairosApp({ context: { 'kairos:stage': 'test', 'aws:cdk:bundling-stacks': [], ...context } });

/** The cron schedules' role, passed to EventBridge Scheduler only (alerting.test.ts checks it). */
const toScheduler = (s: Statement) =>
  s.Condition?.StringEquals?.['iam:PassedToService'] === 'scheduler.amazonaws.com';
/** The DAG state machines' role, passed to Step Functions only (workflows.test.ts checks it). */
const toStepFunctions = (s: Statement) =>
  s.Condition?.StringEquals?.['iam:PassedToService'] === 'states.amazonaws.com';
/** Grants on the stage's own DAG state machines and executions, `Kairos-test_*` (workflows.test.ts checks them). */
const onWorkflows = (s: Statement) =>
  /:(stateMachine|execution):Kairos-test_\*/.test(JSON.stringify(s.Resource));
const besidesOwn = (s: Statement) => !toScheduler(s) && !toStepFunctions(s) && !onWorkflows(s);

let configured: KairosApp;
let template: Template;
let dispatcher: Statement[];

beforeAll(() => {
  configured = build({
    'kairos:allowedTargetArns': [...FUNCTIONS, ...STATE_MACHINES, ...TASK_DEFINITIONS],
    'kairos:fargate': { cluster: CLUSTER, subnets: ['subnet-0123456789abcdef0'], taskRoleArns: TASK_ROLES },
  });
  template = Template.fromStack(configured.stack);
  dispatcher = statementsOf(template, 'DispatcherHandlerRole').filter(besidesOwn);
});

describe('dispatcher IAM with configured targets', () => {
  it('may invoke exactly the configured function patterns', () => {
    expect(withAction(dispatcher, 'lambda:InvokeFunction')).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FUNCTIONS },
    ]);
  });

  it('may start the configured state machines, describe and stop their executions', () => {
    expect(withAction(dispatcher, 'states:StartExecution')).toEqual([
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: STATE_MACHINES[0] },
    ]);
    for (const action of ['states:DescribeExecution', 'states:StopExecution']) {
      expect(withAction(dispatcher, action).map((s) => s.Resource)).toEqual([EXECUTIONS[0]]);
    }
  });

  it('may run the configured task definitions in the cluster only, and tag them only on RunTask', () => {
    expect(withAction(dispatcher, 'ecs:RunTask')).toEqual([
      {
        Effect: 'Allow',
        Action: 'ecs:RunTask',
        Resource: TASK_DEFINITIONS[0],
        Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } },
      },
    ]);
    expect(withAction(dispatcher, 'ecs:TagResource')).toEqual([
      {
        Effect: 'Allow',
        Action: 'ecs:TagResource',
        Resource: TASKS,
        Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      },
    ]);
  });

  it('may pass only the task roles, and only to ECS tasks', () => {
    expect(withAction(dispatcher, 'iam:PassRole')).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: TASK_ROLES[0],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ]);
  });

  it.each(['DispatcherHandlerRole', 'ApiHandlerRole'])('%s may stop tasks of the cluster only', (role) => {
    expect(withAction(statementsOf(template, role), 'ecs:StopTask')).toEqual([
      {
        Effect: 'Allow',
        Action: 'ecs:StopTask',
        Resource: TASKS,
        Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } },
      },
    ]);
  });
});

describe('least privilege across the stack', () => {
  it('uses "*" resources only for actions without resource-level permissions, and no wildcard actions', () => {
    const all = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).flatMap(
      (p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
    );
    for (const statement of all) {
      expect(actionsOf(statement).filter((a) => a.includes('*'))).toEqual([]);
      if ([statement.Resource].flat().includes('*')) {
        expect(STAR_ONLY).toEqual(expect.arrayContaining(actionsOf(statement)));
      }
    }
  });

  it('lets the watcher touch only the Schedule table and send to the lanes', () => {
    const statements = statementsOf(template, 'WatcherHandlerRole');
    const services = new Set(statements.flatMap(actionsOf).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'kms', 'logs', 'sqs', 'xray']);
    const dynamo = statements.filter((s) => actionsOf(s)[0].startsWith('dynamodb:'));
    expect(JSON.stringify(dynamo)).not.toMatch(/TablesJobs|TablesRuns/);
    expect(withAction(statements, 'sqs:SendMessage').map((s) => JSON.stringify(s.Resource))).toEqual([
      expect.not.stringMatching(/Failures|DeadLetters/),
    ]);
  });

  it('lets completion read Jobs and update only its slot items, write artifacts, and start or stop nothing', () => {
    // Its one Step Functions action, deleting a deleted DAG job's state machine, is checked in workflows.test.ts.
    const statements = statementsOf(template, 'CompletionHandlerRole');
    const writes = withAction(statements, 'dynamodb:PutItem').map((s) => JSON.stringify(s.Resource));
    expect(writes.join()).not.toMatch(/TablesJobs/);
    expect(writes.join()).toMatch(/TablesRuns/);
    // An ended run gives back its concurrency slot (`slots#…`, also a backfill's): the only Jobs items it may change.
    const jobUpdates = withAction(statements, 'dynamodb:UpdateItem').filter((s) =>
      JSON.stringify(s.Resource).includes('TablesJobs'),
    );
    expect(jobUpdates).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:UpdateItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['slots#*'] } },
      }),
    ]);
    const actions = statements.filter((s) => !toScheduler(s)).flatMap(actionsOf);
    expect(actions).toContain('s3:PutObject');
    expect(actions.filter((a) => /^(lambda|states|ecs|iam):/.test(a))).toEqual(['states:DeleteStateMachine']);
  });

  it('lets the API send to the lanes, read artifacts and stop runs, but never start targets', () => {
    // Its DAG grants stay in: deploying and cancelling DAG runs starts nothing either.
    const actions = statementsOf(template, 'ApiHandlerRole')
      .filter((s) => !toScheduler(s) && !toStepFunctions(s))
      .flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining(['sqs:SendMessage', 's3:GetObject', 'states:StopExecution', 'ecs:StopTask']),
    );
    expect(
      actions.filter((a) => /InvokeFunction|StartExecution|RunTask|PassRole|PutObject$/.test(a)),
    ).toEqual([]);
  });

  it('passes cdk-nag with the Fargate permissions too: every wildcard resource is acknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(configured.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('dispatcher IAM with the default configuration', () => {
  let defaults: Template;
  beforeAll(() => {
    defaults = Template.fromStack(build({}).stack);
  });

  it('may invoke same-account kairos-* functions only, resolved by CloudFormation', () => {
    const statements = statementsOf(defaults, 'DispatcherHandlerRole');
    expect(withAction(statements, 'lambda:InvokeFunction').map((s) => s.Resource)).toEqual([
      { 'Fn::Sub': DEFAULT_TARGET_ARNS[0] },
    ]);
  });

  it('grants no ECS or PassRole permission anywhere when Fargate is not configured', () => {
    const all = Object.values(resourcesOfType(defaults, 'AWS::IAM::Policy')).flatMap(
      (p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement,
    );
    const actions = all.filter(besidesOwn).flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('ecs:') || a === 'iam:PassRole')).toEqual([]);
  });
});
