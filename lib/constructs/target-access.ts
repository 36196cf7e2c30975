import { Fn, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from './nag-wildcards.js';

/** Properties of {@link TargetAccess}. */
export interface TargetAccessProps {
  /**
   * ARN patterns of the Lambda functions, state machines and ECS task definitions jobs may target
   * (`kairos:allowedTargetArns`); `${AWS::Partition|Region|AccountId}` stand for the stack's own.
   */
  readonly allowedTargetArns: readonly string[];
  /** Name or ARN of the ECS cluster of `fargate` targets. @default - no Fargate: no ECS or PassRole permission */
  readonly fargateCluster?: string;
  /** ARN patterns of the task and execution roles the dispatcher may pass to ECS tasks. @default [] */
  readonly taskRoleArns?: readonly string[];
}

const PATTERN_REASON =
  'Target ARN patterns configured by the operator in the CDK context (kairos:allowedTargetArns, ' +
  'kairos:fargate.taskRoleArns): jobs name their targets at run time, so the role allows exactly these patterns.';
const EXECUTIONS_REASON =
  'Executions of the allowed state machines are named by run id at run time; describing and stopping them is ' +
  'limited to the executions of those state machines.';
const TASKS_REASON =
  'ECS task ids are assigned by ECS at run time; tagging (on RunTask only) and stopping are limited to tasks of ' +
  'the configured cluster.';

/** A configured ARN: literal, or resolved by CloudFormation when it names the stack's partition, region or account. */
function arn(pattern: string): string {
  return pattern.includes('${') ? Fn.sub(pattern) : pattern;
}

/**
 * The permissions on job targets, derived from the configured ARN patterns: starting them (dispatcher) and stopping
 * asynchronous ones (dispatcher on timeout, API on cancel). Every wildcard resource is acknowledged for cdk-nag on
 * the grantee's role with the reason it exists.
 */
export class TargetAccess {
  /** The cluster ARN of `fargate` targets, if configured. */
  public readonly clusterArn?: string;

  private readonly functions: string[];
  private readonly stateMachines: string[];
  private readonly taskDefinitions: string[];
  private readonly taskRoles: string[];
  /** `arn:…:task/<cluster>/*`: every task of the cluster, as a literal or `Fn::Sub` pattern. */
  private readonly tasksPattern?: string;

  constructor(props: TargetAccessProps) {
    // `arn:<partition>:<service>:…`, where the partition may be the `${AWS::Partition}` placeholder (with colons).
    const ofService = (service: string) =>
      props.allowedTargetArns.filter(
        (pattern) => /^arn:(\$\{AWS::Partition\}|[^:]+):([a-z]+):/.exec(pattern)?.[2] === service,
      );
    this.functions = ofService('lambda');
    this.stateMachines = ofService('states');
    this.taskDefinitions = ofService('ecs');
    this.taskRoles = [...(props.taskRoleArns ?? [])];
    const cluster = props.fargateCluster;
    if (cluster !== undefined) {
      const clusterPattern = cluster.startsWith('arn:')
        ? cluster
        : `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/${cluster}`;
      this.clusterArn = arn(clusterPattern);
      this.tasksPattern = `${clusterPattern.replace(':cluster/', ':task/')}/*`;
    }
  }

  /**
   * Lets `grantee` start targets: invoke the allowed functions, start (and describe) executions of the allowed state
   * machines, run and tag the allowed task definitions in the Fargate cluster, pass the task roles to ECS tasks only.
   */
  public grantStart(grantee: iam.IGrantable): iam.Grant {
    const grants = [
      this.grant(grantee, ['lambda:InvokeFunction'], this.functions.map(arn), PATTERN_REASON),
      this.grant(grantee, ['states:StartExecution'], this.stateMachines.map(arn), PATTERN_REASON),
      // A start refused as "already exists" is compared with the existing execution (idempotent redelivery).
      this.grant(grantee, ['states:DescribeExecution'], this.executions(), EXECUTIONS_REASON),
    ];
    if (this.clusterArn === undefined || this.tasksPattern === undefined) {
      return grants.reduce((all, grant) => all.combine(grant));
    }
    const inCluster = { ArnEquals: { 'ecs:cluster': this.clusterArn } };
    grants.push(
      this.grant(grantee, ['ecs:RunTask'], this.taskDefinitions.map(arn), PATTERN_REASON, inCluster),
      // RunTask tags the task with job, run and attempt: tagging on create only.
      this.grant(grantee, ['ecs:TagResource'], [arn(this.tasksPattern)], TASKS_REASON, {
        StringEquals: { 'ecs:CreateAction': 'RunTask' },
      }),
      this.grant(grantee, ['iam:PassRole'], this.taskRoles.map(arn), PATTERN_REASON, {
        StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      }),
      this.describeTaskDefinitions(grantee),
    );
    return grants.reduce((all, grant) => all.combine(grant));
  }

  /** Lets `grantee` stop executions of the allowed state machines and tasks in the Fargate cluster (cancel, timeout). */
  public grantStop(grantee: iam.IGrantable): iam.Grant {
    const grant = this.grant(grantee, ['states:StopExecution'], this.executions(), EXECUTIONS_REASON);
    if (this.clusterArn === undefined || this.tasksPattern === undefined) return grant;
    return grant.combine(
      this.grant(grantee, ['ecs:StopTask'], [arn(this.tasksPattern)], TASKS_REASON, {
        ArnEquals: { 'ecs:cluster': this.clusterArn },
      }),
    );
  }

  /** `arn:…:execution:<state machine pattern>:*`: every execution of an allowed state machine. */
  private executions(): string[] {
    return this.stateMachines.map((pattern) => arn(`${pattern.replace(':stateMachine:', ':execution:')}:*`));
  }

  /**
   * DescribeTaskDefinition (finding a target's essential container) has no resource-level permissions in IAM, so it
   * needs `*`: a statement of its own, acknowledged on the policy (the role's `*` acknowledgement is X-Ray's).
   */
  private describeTaskDefinitions(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['ecs:DescribeTaskDefinition'],
      resourceArns: ['*'],
    });
    const policy = Construct.isConstruct(grantee.grantPrincipal)
      ? grantee.grantPrincipal.node.tryFindChild('DefaultPolicy')
      : undefined;
    if (policy !== undefined) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'ecs:DescribeTaskDefinition supports no resource-level permissions; it only reads task definitions ' +
          '(to find the essential container a run is passed to), never runs or changes anything.',
      });
    }
    return grant;
  }

  private grant(
    grantee: iam.IGrantable,
    actions: string[],
    resourceArns: string[],
    reason: string,
    conditions?: Record<string, Record<string, unknown>>,
  ): iam.Grant {
    // No pattern configured for this kind of target: nothing is allowed, and an empty statement is invalid.
    if (resourceArns.length === 0) return iam.Grant.drop(grantee, actions.join(', '));
    acknowledgeWildcardResources(grantee, resourceArns, reason);
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns, conditions });
  }
}
