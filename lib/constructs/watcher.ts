import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { KairosFunction, repoPath } from './kairos-function.js';
import type { KairosQueues } from './queues.js';
import type { KairosTables } from './tables.js';

/** Properties of {@link KairosWatcher}. */
export interface KairosWatcherProps {
  /** Stage name: the schedule group is `kairos-<stage>`. */
  readonly stage: string;
  /** The tables: the Schedule table's time buckets are read and emptied. */
  readonly tables: KairosTables;
  /** The lanes the due timers are sent to. */
  readonly queues: KairosQueues;
  /** Environment of the function (Schedule table, shard count, lane queue URLs). */
  readonly environment: Readonly<Record<string, string>>;
  /** Maximum run time of one tick. @default Duration.minutes(1) */
  readonly timeout?: Duration;
  /** Retention of the function's log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group and the schedule group when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Reserve one concurrent execution: a tick always finds room however busy the account is, and two ticks never
   * sweep the same buckets at once (a tick the reservation holds back waits in Lambda's async queue).
   * @default false - the account may have too little concurrency to reserve any (see KairosFunction)
   */
  readonly reserveConcurrency?: boolean;
}

/**
 * The watcher: an EventBridge Scheduler schedule (`Tick`, `rate(1 minute)`, in the stage's schedule group) invokes
 * a function that moves timers coming due within 15 minutes from the Schedule table to the lanes. The schedule
 * assumes its own role (`SchedulerRole`), which may invoke this one function and nothing else.
 */
export class KairosWatcher extends Construct {
  /** The watcher function. */
  public readonly handler: KairosFunction;
  /** The stage's schedule group (`kairos-<stage>`), also the home of the cron jobs' schedules. */
  public readonly scheduleGroup: scheduler.ScheduleGroup;
  /** The minute tick. */
  public readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: KairosWatcherProps) {
    super(scope, id);
    this.handler = new KairosFunction(this, 'Handler', {
      entry: repoPath('lambdas/handlers/watcher.ts'),
      description: `Kairos ${props.stage} watcher: moves due timers to the lane queues every minute`,
      timeout: props.timeout ?? Duration.minutes(1),
      environment: props.environment,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      reservedConcurrentExecutions: props.reserveConcurrency ? 1 : undefined,
    });
    Validations.of(this.handler).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'A failed tick has nothing worth keeping: the timers stay in the Schedule table and the next tick, a ' +
        "minute later, moves them; the function's Errors alarm reports the failure.",
    });
    props.tables.grantReadWriteData(this.handler, 'Schedule');
    props.queues.grantSendToLanes(this.handler);

    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
      scheduleGroupName: `kairos-${props.stage}`,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, 'SchedulerRole', {
      description: `Lets the Kairos ${props.stage} minute tick invoke the watcher function, nothing else`,
      // Only schedules of this account's Kairos group may assume it (confused-deputy protection).
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': this.scheduleGroup.scheduleGroupArn,
          },
        },
      }),
    });
    // The unqualified ARN only (no `:*` versions/aliases), unlike `grantInvoke`.
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.handler.functionArn] }),
    );
    const functionArn = this.handler.functionArn;
    this.schedule = new scheduler.Schedule(this, 'Tick', {
      description: `Kairos ${props.stage}: move due timers to the lane queues`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1)),
      scheduleGroup: this.scheduleGroup,
      target: {
        bind: () => ({
          arn: functionArn,
          role,
          // A missed tick is made up by the next one: no point retrying a stale one for a day.
          retryPolicy: { maximumEventAgeInSeconds: 60, maximumRetryAttempts: 2 },
        }),
      },
    });
    // The schedule names its group by name, which alone creates no CloudFormation dependency.
    this.schedule.node.addDependency(this.scheduleGroup);
  }
}
