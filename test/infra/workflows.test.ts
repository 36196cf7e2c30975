import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { stateMachineNameOf } from '../../lambdas/adapters/aws/sfn-workflow-registry.js';
import { RUN_ID_PREFIX } from '../../lib/constructs/completion.js';
import { nagResourceText } from '../../lib/constructs/nag-wildcards.js';
import { KairosWorkflows, LOG_DELIVERY_ACTIONS, TRACING_ACTIONS } from '../../lib/constructs/workflows.js';
import { createKairosApp } from '../../lib/kairos-app.js';
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
import { type CfnResourceJson, resourcesOfType } from './support/template.js';

const FARGATE = { cluster: CLUSTER, subnets: ['subnet-0123456789abcdef0'], taskRoleArns: TASK_ROLES };
const IN_CLUSTER = { ArnEquals: { 'ecs:cluster': CLUSTER } };
const SYNC_RULE_ACTIONS = ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'];
/** ecs:DescribeTaskDefinition comes with `TargetAccess.grantStart` (read only; target-access.ts explains its `*`). */
const TARGET_ACCESS_STAR = ['ecs:DescribeTaskDefinition'];

const partition = { Ref: 'AWS::Partition' };
const region = { Ref: 'AWS::Region' };
const account = { Ref: 'AWS::AccountId' };
/** `arn:<partition>:<service>:<region>:<account>:<rest>` as CDK's `Stack.formatArn` renders it. */
const sameAccount = (service: string, rest: string) => ({
  'Fn::Join': ['', ['arn:', partition, `:${service}:`, region, ':', account, `:${rest}`]],
});
const STAGE_MACHINES = sameAccount('states', 'stateMachine:Kairos-test_*');
const STAGE_EXECUTIONS = sameAccount('states', 'execution:Kairos-test_*');
const syncRule = (name: string) => sameAccount('events', `rule/${name}`);

/** Bundling is skipped: IAM does not depend on the function code (api.test.ts checks the bundle). */
const build = (context: Record<string, unknown>) =>
  createKairosApp({ context: { 'kairos:stage': 'test', 'aws:cdk:bundling-stacks': [], ...context } });

const onStar = (s: Statement) => [s.Resource].flat().includes('*');

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(resourcesOfType(template, type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

/** A resource's properties (every resource these tests read has some). */
function propertiesOf(resource: CfnResourceJson): Record<string, unknown> {
  if (resource.Properties === undefined) throw new Error(`${resource.Type} has no properties`);
  return resource.Properties;
}

/** The one resource of `type` whose logical id starts with `prefix`, with that id. */
function resourceOf(template: Template, type: string, prefix: string): [string, CfnResourceJson] {
  const id = logicalId(template, type, prefix);
  const resource = resourcesOfType(template, type)[id];
  if (resource === undefined) throw new Error(`no ${type} ${id}`);
  return [id, resource];
}

/**
 * Whether an EventBridge pattern of literal lists and `{ prefix }` matchers (all the completion rules use) matches
 * `event`: every key of the pattern must match, a list by any of its entries.
 */
function matches(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((entry) =>
      typeof entry === 'object' && entry !== null && 'prefix' in entry
        ? typeof event === 'string' && event.startsWith(String((entry as { prefix: unknown }).prefix))
        : entry === event,
    );
  }
  if (typeof pattern !== 'object' || pattern === null) return false;
  const object = (event ?? {}) as Record<string, unknown>;
  return Object.entries(pattern).every(([key, inner]) => matches(inner, object[key]));
}

describe('KairosWorkflows in the stack, with lambda, states and ecs targets and Fargate', () => {
  let template: Template;
  let role: Statement[];
  let roleId: string;

  beforeAll(() => {
    const configured = build({
      'kairos:allowedTargetArns': [...FUNCTIONS, ...STATE_MACHINES, ...TASK_DEFINITIONS],
      'kairos:fargate': FARGATE,
    });
    template = Template.fromStack(configured.stack);
    roleId = logicalId(template, 'AWS::IAM::Role', 'WorkflowsRole');
    role = statementsOf(template, 'WorkflowsRole');
  });

  it('is assumed by Step Functions only, for this account and the state machines of this stage only', () => {
    const props = resourcesOfType(template, 'AWS::IAM::Role')[roleId]?.Properties;
    expect(props?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'states.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': account },
            ArnLike: { 'aws:SourceArn': STAGE_MACHINES },
          },
        },
      ],
    });
  });

  it('may invoke exactly the configured functions and the DAG functions, nothing else and never "*"', () => {
    expect(withAction(role, 'lambda:InvokeFunction')).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FUNCTIONS },
      ...['DagFunctionsLatch', 'DagFunctionsHttpTask'].map((fn) => ({
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', fn), 'Arn'] },
      })),
    ]);
  });

  it('may start the configured state machines and wait for them (startExecution.sync:2)', () => {
    expect(withAction(role, 'states:StartExecution')).toEqual([
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: STATE_MACHINES[0] },
    ]);
    for (const action of ['states:DescribeExecution', 'states:StopExecution']) {
      expect(withAction(role, action).map((s) => s.Resource)).toEqual([EXECUTIONS[0]]);
    }
    expect(withAction(role, 'events:PutRule').map((s) => s.Resource)).toContainEqual(
      syncRule('StepFunctionsGetEventsForStepFunctionsExecutionRule'),
    );
  });

  it('may run the configured task definitions in the cluster and wait for them (ecs:runTask.sync)', () => {
    expect(withAction(role, 'ecs:RunTask')).toEqual([
      { Effect: 'Allow', Action: 'ecs:RunTask', Resource: TASK_DEFINITIONS[0], Condition: IN_CLUSTER },
    ]);
    for (const action of ['ecs:DescribeTasks', 'ecs:StopTask']) {
      expect(withAction(role, action)).toEqual([
        { Effect: 'Allow', Action: action, Resource: TASKS, Condition: IN_CLUSTER },
      ]);
    }
    expect(withAction(role, 'events:PutRule').map((s) => s.Resource)).toContainEqual(
      syncRule('StepFunctionsGetEventsForECSTaskRule'),
    );
    expect(withAction(role, 'iam:PassRole')).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: TASK_ROLES[0],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ]);
  });

  it('touches the .sync managed rules by their exact names only', () => {
    const ruleStatements = role.filter((s) => actionsOf(s).some((a) => a.startsWith('events:')));
    expect(ruleStatements.map((s) => [actionsOf(s).sort(), s.Resource])).toEqual(
      expect.arrayContaining([
        [[...SYNC_RULE_ACTIONS].sort(), syncRule('StepFunctionsGetEventsForECSTaskRule')],
        [[...SYNC_RULE_ACTIONS].sort(), syncRule('StepFunctionsGetEventsForStepFunctionsExecutionRule')],
      ]),
    );
    expect(ruleStatements).toHaveLength(2);
  });

  it('has no other permission than targets, .sync, log delivery and tracing', () => {
    expect([...new Set(role.flatMap(actionsOf))].sort()).toEqual(
      [
        'lambda:InvokeFunction',
        'states:StartExecution',
        'states:DescribeExecution',
        'states:StopExecution',
        'ecs:RunTask',
        'ecs:TagResource',
        'ecs:DescribeTasks',
        'ecs:StopTask',
        'iam:PassRole',
        ...TARGET_ACCESS_STAR,
        ...SYNC_RULE_ACTIONS,
        ...LOG_DELIVERY_ACTIONS,
        ...TRACING_ACTIONS,
      ].sort(),
    );
  });

  it('uses "*" only for log delivery and X-Ray (and the read-only task definition lookup of the targets)', () => {
    const starActions = role.filter(onStar).flatMap(actionsOf);
    expect(starActions.sort()).toEqual(
      [...LOG_DELIVERY_ACTIONS, ...TRACING_ACTIONS, ...TARGET_ACCESS_STAR].sort(),
    );
  });

  it('keeps log delivery and tracing in a policy of their own (the one its "*" acknowledgement covers)', () => {
    const policy = resourcesOfType(template, 'AWS::IAM::Policy')[
      logicalId(template, 'AWS::IAM::Policy', 'WorkflowsLoggingAndTracing')
    ];
    expect(policy?.Properties?.Roles).toEqual([{ Ref: roleId }]);
    expect(policy?.Properties?.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: LOG_DELIVERY_ACTIONS, Resource: '*' },
        { Effect: 'Allow', Action: TRACING_ACTIONS, Resource: '*' },
      ],
    });
  });

  it('lets the API and the dispatcher manage the stage state machines only, and pass the role to Step Functions only', () => {
    for (const fn of ['ApiHandlerRole', 'DispatcherHandlerRole']) {
      const statements = statementsOf(template, fn);
      expect(withAction(statements, 'states:CreateStateMachine')).toEqual([
        {
          Effect: 'Allow',
          Action: [
            'states:CreateStateMachine',
            'states:UpdateStateMachine',
            'states:DeleteStateMachine',
            'states:PublishStateMachineVersion',
            'states:ListStateMachineVersions',
            'states:DeleteStateMachineVersion',
            'states:DescribeStateMachine',
          ],
          Resource: STAGE_MACHINES,
        },
      ]);
      const passWorkflowRole = withAction(statements, 'iam:PassRole').filter((s) =>
        JSON.stringify(s.Resource).includes(roleId),
      );
      expect(passWorkflowRole).toEqual([
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
          Condition: { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } },
        },
      ]);
    }
    const watcher = statementsOf(template, 'WatcherHandlerRole');
    expect(watcher.flatMap(actionsOf).filter((a) => a.startsWith('states:'))).toEqual([]);
    // Completion may only delete the stage's machines (the last run of a deleted DAG job ends there).
    const completion = statementsOf(template, 'CompletionHandlerRole');
    expect(withAction(completion, 'states:DeleteStateMachine')).toEqual([
      { Effect: 'Allow', Action: 'states:DeleteStateMachine', Resource: STAGE_MACHINES },
    ]);
    expect(completion.flatMap(actionsOf).filter((a) => a.startsWith('states:'))).toEqual([
      'states:DeleteStateMachine',
    ]);
    for (const statements of [watcher, completion]) expect(JSON.stringify(statements)).not.toContain(roleId);
  });

  it('lets the dispatcher start stage executions, the API only describe and stop them', () => {
    const dispatcher = statementsOf(template, 'DispatcherHandlerRole');
    expect(
      withAction(dispatcher, 'states:StartExecution').filter((s) => s.Resource !== STATE_MACHINES[0]),
    ).toEqual([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: STAGE_MACHINES }]);
    const api = statementsOf(template, 'ApiHandlerRole');
    expect(withAction(api, 'states:StartExecution')).toEqual([]);
    for (const statements of [dispatcher, api]) {
      expect(statements).toContainEqual({
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Resource: STAGE_EXECUTIONS,
      });
    }
  });

  it('logs to a KMS-encrypted log group under /aws/vendedlogs/ with a retention, kept by default', () => {
    const [, group] = resourceOf(template, 'AWS::Logs::LogGroup', 'WorkflowsExecutionLogs');
    const [keyId] = resourceOf(template, 'AWS::KMS::Key', 'TablesKey');
    const props = propertiesOf(group);
    expect(props.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(props.RetentionInDays).toBe(30);
    expect(group.DeletionPolicy).toBe('Retain');
    expect(JSON.stringify(props.LogGroupName)).toContain('/aws/vendedlogs/states/Kairos-test-');
  });

  it('lets CloudWatch Logs use the key for that log group only', () => {
    const [, key] = resourceOf(template, 'AWS::KMS::Key', 'TablesKey');
    const [, group] = resourceOf(template, 'AWS::Logs::LogGroup', 'WorkflowsExecutionLogs');
    const { Statement: statements } = propertiesOf(key).KeyPolicy as { Statement: Statement[] };
    const forLogs = statements.filter((s) => JSON.stringify(s.Principal).includes('"logs.'));
    const { 'Fn::Join': joined } = propertiesOf(group).LogGroupName as {
      'Fn::Join': [string, [string, unknown]];
    };
    const [, name] = joined;
    expect(forLogs).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: { 'Fn::Join': ['', ['logs.', region, '.amazonaws.com']] } },
        Condition: {
          ArnEquals: {
            'kms:EncryptionContext:aws:logs:arn': {
              'Fn::Join': [
                '',
                // The name's own parts: the ARN is built from the name, so the key follows a renamed group.
                ['arn:', partition, ':logs:', region, ':', account, `:log-group:${name[0]}`, name[1]],
              ],
            },
          },
        },
      }),
    ]);
    expect(actionsOf(forLogs[0] as Statement).filter((a) => a.includes('*'))).toEqual([]);
  });

  it('tells the API and the dispatcher the role, log group, name prefix and ARN prefix', () => {
    const groupId = logicalId(template, 'AWS::Logs::LogGroup', 'WorkflowsExecutionLogs');
    for (const fn of ['ApiHandler', 'DispatcherHandler']) {
      const [, resource] = resourceOf(template, 'AWS::Lambda::Function', fn);
      const { Variables: variables } = propertiesOf(resource).Environment as {
        Variables: Record<string, unknown>;
      };
      expect(variables).toMatchObject({
        KAIROS_WORKFLOW_ROLE_ARN: { 'Fn::GetAtt': [roleId, 'Arn'] },
        // GetAtt Arn of a log group ends with `:*`, the form CreateStateMachine's logging configuration takes.
        KAIROS_WORKFLOW_LOG_GROUP_ARN: { 'Fn::GetAtt': [groupId, 'Arn'] },
        KAIROS_WORKFLOW_NAME_PREFIX: 'Kairos-test',
        KAIROS_WORKFLOW_ARN_PREFIX: sameAccount('states', 'stateMachine:'),
      });
    }
  });

  it('outputs the role ARN', () => {
    expect(template.toJSON().Outputs.WorkflowRoleArn.Value).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });

  it('records the end of DAG executions: the completion rule matches them by run id, not by state machine', () => {
    const [, rule] = resourceOf(template, 'AWS::Events::Rule', 'CompletionExecutionFinished');
    const pattern = rule.Properties?.EventPattern;
    const event = (name: string) => ({
      source: 'aws.states',
      'detail-type': 'Step Functions Execution Status Change',
      detail: {
        status: 'SUCCEEDED',
        name,
        stateMachineArn:
          'arn:aws:states:eu-west-1:123456789012:stateMachine:Kairos-test_job_ABCDEFGHIJKLMNOPQRST',
      },
    });
    expect(matches(pattern, event(`${RUN_ID_PREFIX}01HZY3`))).toBe(true);
    // Not vacuous: an execution Kairos did not name (a nested child's generated name) is not delivered.
    expect(matches(pattern, event('3f1c2b9e-child'))).toBe(false);
  });
});

describe('KairosWorkflows with the default configuration (no Fargate)', () => {
  let role: Statement[];
  beforeAll(() => {
    role = statementsOf(Template.fromStack(build({}).stack), 'WorkflowsRole');
  });

  it('uses "*" only for the documented log delivery and X-Ray actions', () => {
    expect(role.filter(onStar).flatMap(actionsOf).sort()).toEqual(
      [...LOG_DELIVERY_ACTIONS, ...TRACING_ACTIONS].sort(),
    );
  });

  it('has no ECS, PassRole or ECS rule permission', () => {
    const actions = role.flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('ecs:') || a === 'iam:PassRole')).toEqual([]);
    expect(JSON.stringify(role)).not.toContain('StepFunctionsGetEventsForECSTaskRule');
  });
});

describe('KairosWorkflows with Lambda targets only and removal policy destroy', () => {
  let template: Template;
  beforeAll(() => {
    template = Template.fromStack(
      build({ 'kairos:allowedTargetArns': FUNCTIONS, 'kairos:removalPolicy': 'destroy' }).stack,
    );
  });

  it('gets no state machine or .sync rule permission', () => {
    const role = statementsOf(template, 'WorkflowsRole');
    const actions = role.flatMap(actionsOf);
    expect(actions.filter((a) => /^(states|events|ecs):/.test(a))).toEqual([]);
    expect(withAction(role, 'lambda:InvokeFunction').map((s) => s.Resource)).toEqual([
      FUNCTIONS,
      // The latch and the http task function (dag-functions.test.ts).
      { 'Fn::GetAtt': [expect.stringMatching(/^DagFunctionsLatch/), 'Arn'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^DagFunctionsHttpTask/), 'Arn'] },
    ]);
  });

  it('deletes the execution log group with the stack', () => {
    const [, group] = resourceOf(template, 'AWS::Logs::LogGroup', 'WorkflowsExecutionLogs');
    expect(group.DeletionPolicy).toBe('Delete');
  });
});

describe('KairosWorkflows and the workflow registry', () => {
  /** Whether `value` matches an IAM pattern whose only wildcard is `*` (any characters, `:` included). */
  const iamMatch = (pattern: string, value: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.?+^$|()[\]{}\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(value);

  it("covers every name the registry gives a job's state machine and its versions, not another stage's", () => {
    const stack = new Stack(new App(), 'WorkflowsNames');
    const workflows = new KairosWorkflows(stack, 'Workflows', {
      stage: 'test',
      key: new kms.Key(stack, 'Key'),
      targets: { allowedTargetArns: [] },
    });
    // The name part of the ARN pattern, which the registry's names are matched against.
    const [, pattern] = nagResourceText(stack.resolve(workflows.stateMachinesArn)).split(':stateMachine:');
    if (pattern === undefined) throw new Error('not a state machine ARN pattern');
    expect(pattern).toBe('Kairos-test_*');
    const plain = stateMachineNameOf(workflows.namePrefix, 'job_ABCDEFGHIJKLMNOPQRST');
    const hashed = stateMachineNameOf(workflows.namePrefix, `job.${'x'.repeat(90)}`);
    expect(hashed).not.toBe(plain);
    for (const name of [plain, hashed, `${plain}:3`]) expect(iamMatch(pattern, name), name).toBe(true);
    // Not another stage's (even one whose name starts like this one), not a user target under `kairos-*`.
    expect(iamMatch(pattern, stateMachineNameOf('Kairos-test-eu', 'job_ABCDEFGHIJKLMNOPQRST'))).toBe(false);
    expect(iamMatch('kairos-*', plain)).toBe(false);
  });
});

describe('KairosWorkflows.grantInvokeKairosFunction', () => {
  it("adds exactly the given function's ARN to what the state machines may invoke", () => {
    const stack = new Stack(new App(), 'WorkflowsTest');
    const workflows = new KairosWorkflows(stack, 'Workflows', {
      stage: 'test',
      key: new kms.Key(stack, 'Key'),
      targets: { allowedTargetArns: FUNCTIONS },
    });
    // A stand-in for the latch / http task functions (KairosDagFunctions).
    const latch = new lambda.Function(stack, 'Latch', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('export const handler = async () => ({});'),
    });
    workflows.grantInvokeKairosFunction(latch);
    const template = Template.fromStack(stack);
    const latchId = logicalId(template, 'AWS::Lambda::Function', 'Latch');
    expect(withAction(statementsOf(template, 'WorkflowsRole'), 'lambda:InvokeFunction')).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FUNCTIONS },
      // No `<arn>:*`: the definitions name the function itself, so no version or alias is allowed besides.
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [latchId, 'Arn'] } },
    ]);
  });
});
