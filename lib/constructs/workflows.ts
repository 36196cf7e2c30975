import { ArnFormat, Aws, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from './nag-wildcards.js';
import { TargetAccess, type TargetAccessProps } from './target-access.js';

/** Properties of {@link KairosWorkflows}. */
export interface KairosWorkflowsProps {
  /** Stage name: the state machines are named `Kairos-<stage>_…` (see `sfn-workflow-registry.ts`). */
  readonly stage: string;
  /**
   * The customer managed key encrypting the execution log group (the tables' key). Must be a key of this stack: a
   * statement letting CloudWatch Logs use it for that log group only is added to its key policy.
   */
  readonly key: kms.IKey;
  /** The job targets the DAG tasks may start: the same settings as the dispatcher's {@link TargetAccess}. */
  readonly targets: TargetAccessProps;
  /** Retention of the execution log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the execution log group when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * What vended log delivery (Step Functions logging to CloudWatch Logs) needs on the state machine's role. None of
 * these support resource-level permissions, so AWS documents them on `*` (Step Functions guide, "IAM policies for
 * logging to CloudWatch Logs"; aws-cdk-lib's StateMachine grants the same list).
 */
export const LOG_DELIVERY_ACTIONS: readonly string[] = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];
/** What X-Ray tracing of a state machine needs on its role (Step Functions guide, "IAM policies for AWS X-Ray"). */
export const TRACING_ACTIONS: readonly string[] = [
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
];
/** What the registry does to a job's state machine: create, update, publish, prune versions, delete, read. */
const MANAGE_ACTIONS = [
  'states:CreateStateMachine',
  'states:UpdateStateMachine',
  'states:DeleteStateMachine',
  'states:PublishStateMachineVersion',
  'states:ListStateMachineVersions',
  'states:DeleteStateMachineVersion',
  'states:DescribeStateMachine',
];
// CloudWatch Logs encrypts and decrypts the group's events with the key; spelled out, no wildcards.
const LOGS_KEY_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
];

/** Managed rules Step Functions creates in the account to learn that a `.sync` child has ended. */
const ECS_SYNC_RULE = 'StepFunctionsGetEventsForECSTaskRule';
const SFN_SYNC_RULE = 'StepFunctionsGetEventsForStepFunctionsExecutionRule';

const STAGE_REASON =
  "DAG state machines are created per job at run time, named after the job; the pattern is limited to the stage's " +
  'own name prefix (Kairos-<stage>_), their versions and their executions.';
const TASKS_REASON =
  'ECS task ids are assigned by ECS at run time; ecs:runTask.sync describes the tasks it started, limited to the ' +
  'tasks of the configured cluster.';
const LOGGING_AND_TRACING_REASON =
  'Step Functions vended log delivery (logs:*LogDelivery*, resource policies, DescribeLogGroups) and X-Ray ' +
  '(PutTraceSegments, PutTelemetryRecords, GetSampling*) support no resource-level permissions; AWS documents ' +
  'these actions on "*" for a state machine role with logging and tracing on. Nothing else is in this policy.';

/** Whether any of `patterns` is an ARN of `service` (`arn:<partition>:<service>:…`), as {@link TargetAccess} sorts them. */
function hasService(patterns: readonly string[], service: string): boolean {
  return patterns.some(
    (pattern) => /^arn:(\$\{AWS::Partition\}|[^:]+):([a-z]+):/.exec(pattern)?.[2] === service,
  );
}

/**
 * The shared pieces of the DAG state machines, which `sfn-workflow-registry.ts` creates per job at run time
 * (ARCHITECTURE.md "DAGs on Step Functions"): `ExecutionLogs`, the log group every one of them logs to (KMS,
 * explicit retention, under `/aws/vendedlogs/` as Step Functions recommends), and `Role`, the one role they all run
 * with. Only this stage's state machines may assume it; it may start exactly the configured targets (plus what the
 * `.sync` integrations need to wait for them), Kairos's own functions granted with {@link grantInvokeKairosFunction},
 * and deliver logs and traces. {@link grantManage}, {@link grantRunExecutions} and {@link grantStopExecutions} let
 * functions deploy, run and cancel them.
 */
export class KairosWorkflows extends Construct {
  /** The role every DAG state machine runs with. */
  public readonly role: iam.Role;
  /** The log group of every DAG execution (ALL, with execution data). */
  public readonly logGroup: logs.LogGroup;
  /** Prefix of every state machine name: `Kairos-<stage>` (capital K: user targets default to `kairos-*`). */
  public readonly namePrefix: string;
  /** `arn:<partition>:states:<region>:<account>:stateMachine:`, where the named state machines live. */
  public readonly arnPrefix: string;
  /** The stage's state machines and their versions (`…:stateMachine:Kairos-<stage>_*`). */
  public readonly stateMachinesArn: string;
  /** The executions of those state machines (`…:execution:Kairos-<stage>_*`). */
  public readonly executionsArn: string;

  constructor(scope: Construct, id: string, props: KairosWorkflowsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.namePrefix = `Kairos-${props.stage}`;
    this.arnPrefix = `arn:${stack.partition}:states:${stack.region}:${stack.account}:stateMachine:`;
    // The registry names a job's state machine `<prefix>_<jobId>` or `<prefix>__<hash>` (stateMachineNameOf); its
    // versions (`…:<n>`) and executions (`execution:<name>:<run>`) fall under the same `*`. Stage names have no
    // `_`, so `Kairos-prod_*` never covers stage `prod-eu`; and the capital K keeps the default user-target
    // pattern `kairos-*` off every stage's DAG state machines.
    this.stateMachinesArn = this.statesArn('stateMachine', `${this.namePrefix}_*`);
    this.executionsArn = this.statesArn('execution', `${this.namePrefix}_*`);

    // Named under /aws/vendedlogs/ so Step Functions' log delivery does not grow the account's CloudWatch Logs
    // resource policy (5,120 characters) per log group. The stack id's GUID keeps the name unique per stack
    // instance: a retained group of a deleted stack does not block deploying the stage again.
    const logGroupName = Fn.join('', [
      `/aws/vendedlogs/states/${this.namePrefix}-`,
      Fn.select(2, Fn.split('/', Aws.STACK_ID)),
    ]);
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // The key policy names the group by its ARN built from the name, not by a reference to the group: the group
    // references the key, so a reference back would be a cycle.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsForWorkflowExecutionLogs',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: LOGS_KEY_ACTIONS,
        resources: ['*'],
        conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
      }),
      // An imported key would silently ignore the statement, and creating the log group would then fail.
      false,
    );
    this.logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName,
      encryptionKey: props.key,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.role = new iam.Role(this, 'Role', {
      description: `Runs the Kairos ${props.stage} DAG state machines: starts the configured targets, logs, traces`,
      // Only this account's state machines of this stage (and their versions) may assume it: confused-deputy
      // protection, and a state machine created outside Kairos cannot borrow the targets' permissions.
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': this.stateMachinesArn },
        },
      }),
    });

    // The targets, exactly as the dispatcher may start them; stopping covers `.sync` tasks cancelled with the run.
    const targets = new TargetAccess(props.targets);
    targets.grantStart(this.role);
    targets.grantStop(this.role);
    if (targets.clusterArn !== undefined && props.targets.fargateCluster !== undefined) {
      this.grantEcsSync(targets.clusterArn, props.targets.fargateCluster);
    }
    // `states:startExecution.sync:2` also describes and stops the child (granted above for the allowed state
    // machines' executions) and learns of its end through a managed rule.
    if (hasService(props.targets.allowedTargetArns, 'states')) this.grantManagedRule(SFN_SYNC_RULE);

    // Logging and tracing in a policy of their own, so the `*` acknowledgement covers exactly these statements
    // rather than everything the role is granted.
    const loggingAndTracing = new iam.Policy(this, 'LoggingAndTracing', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({ actions: [...LOG_DELIVERY_ACTIONS], resources: ['*'] }),
        new iam.PolicyStatement({ actions: [...TRACING_ACTIONS], resources: ['*'] }),
      ],
    });
    Validations.of(loggingAndTracing).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: LOGGING_AND_TRACING_REASON,
    });
  }

  /**
   * Lets the state machines invoke one of Kairos's own functions (the latch / task-state function, the http
   * executor): exactly `fn`'s ARN, so an alias or version passed here is the only qualifier allowed.
   */
  public grantInvokeKairosFunction(fn: lambda.IFunction): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee: this.role,
      actions: ['lambda:InvokeFunction'],
      resourceArns: [fn.functionArn],
    });
  }

  /**
   * Lets `grantee` create, update, publish, prune and delete the stage's state machines (nothing else's), and pass
   * {@link role} to Step Functions only.
   */
  public grantManage(grantee: iam.IGrantable): iam.Grant {
    acknowledgeWildcardResources(grantee, [this.stateMachinesArn], STAGE_REASON);
    const manage = iam.Grant.addToPrincipal({
      grantee,
      actions: MANAGE_ACTIONS,
      resourceArns: [this.stateMachinesArn],
    });
    const passRole = iam.Grant.addToPrincipal({
      grantee,
      actions: ['iam:PassRole'],
      resourceArns: [this.role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } },
    });
    return manage.combine(passRole);
  }

  /** Lets `grantee` delete the stage's state machines, nothing else (a deleted DAG job's, when its last run ends). */
  public grantDelete(grantee: iam.IGrantable): iam.Grant {
    acknowledgeWildcardResources(grantee, [this.stateMachinesArn], STAGE_REASON);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:DeleteStateMachine'],
      resourceArns: [this.stateMachinesArn],
    });
  }

  /** Lets `grantee` start the stage's state machines (or their versions), describe and stop their executions. */
  public grantRunExecutions(grantee: iam.IGrantable): iam.Grant {
    acknowledgeWildcardResources(grantee, [this.stateMachinesArn], STAGE_REASON);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:StartExecution'],
      resourceArns: [this.stateMachinesArn],
    }).combine(this.grantStopExecutions(grantee));
  }

  /** Lets `grantee` describe and stop executions of the stage's state machines (cancel), but start none. */
  public grantStopExecutions(grantee: iam.IGrantable): iam.Grant {
    acknowledgeWildcardResources(grantee, [this.executionsArn], STAGE_REASON);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:DescribeExecution', 'states:StopExecution'],
      resourceArns: [this.executionsArn],
    });
  }

  /**
   * `ecs:runTask.sync`: besides RunTask (and StopTask, granted with the targets), it describes the task it started
   * and creates the managed rule that reports the task's end. AWS's example uses `*` for the tasks; the cluster's
   * tasks are enough, since the targets run in that cluster only.
   */
  private grantEcsSync(clusterArn: string, cluster: string): void {
    const clusterPattern = cluster.startsWith('arn:')
      ? cluster
      : `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/${cluster}`;
    const tasksPattern = `${clusterPattern.replace(':cluster/', ':task/')}/*`;
    const tasks = tasksPattern.includes('${') ? Fn.sub(tasksPattern) : tasksPattern;
    acknowledgeWildcardResources(this.role, [tasks], TASKS_REASON);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:DescribeTasks'],
        resources: [tasks],
        conditions: { ArnEquals: { 'ecs:cluster': clusterArn } },
      }),
    );
    this.grantManagedRule(ECS_SYNC_RULE);
  }

  /** Lets the state machines create and read one of the rules Step Functions manages for `.sync` tasks. */
  private grantManagedRule(rule: string): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [Stack.of(this).formatArn({ service: 'events', resource: 'rule', resourceName: rule })],
      }),
    );
  }

  private statesArn(resource: 'stateMachine' | 'execution', resourceName: string): string {
    return Stack.of(this).formatArn({
      service: 'states',
      resource,
      resourceName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}
