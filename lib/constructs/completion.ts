import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SLOTS_ITEM_PREFIX } from '../../lambdas/store/tables.js';
import type { KairosArtifacts } from './artifacts.js';
import { KairosFunction, repoPath } from './kairos-function.js';
import type { KairosQueues } from './queues.js';
import type { KairosTables } from './tables.js';

/** Prefix of every run id, and so of the ECS `startedBy` and the Step Functions execution name Kairos sets. */
export const RUN_ID_PREFIX = 'run_';

/** Step Functions statuses that end an execution. */
export const FINAL_EXECUTION_STATUSES = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

/** Properties of {@link KairosCompletion}. */
export interface KairosCompletionProps {
  /** Stage name, shown in the function description. */
  readonly stage: string;
  /**
   * The tables: Jobs read (and its concurrency-slot items updated), Runs read and written, Schedule written
   * (retries later than 15 minutes).
   */
  readonly tables: KairosTables;
  /** The lanes (retries, next runs) and `Failures` (runs failed for good) written. */
  readonly queues: KairosQueues;
  /** The bucket the outputs of finished executions are written to. */
  readonly artifacts: KairosArtifacts;
  /** Environment of the function (tables, queues, bucket, targets settings). */
  readonly environment: Readonly<Record<string, string>>;
  /** ARN of the Fargate cluster: only its tasks' events are delivered. @default - tasks of any cluster */
  readonly fargateClusterArn?: string;
  /** Maximum run time of one event. @default Duration.minutes(1) */
  readonly timeout?: Duration;
  /** Retention of the function's log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Reserve 10 concurrent executions: the outcomes of runs are always recorded however busy the account is; a
   * burst of ends beyond 10 at once waits in Lambda's async queue (retried for up to 6 hours), nothing is lost.
   * @default false - the account may have too little concurrency to reserve any (see KairosFunction)
   */
  readonly reserveConcurrency?: boolean;
}

/** Concurrent executions reserved for the completion function with `reserveConcurrency`. */
export const COMPLETION_RESERVED_CONCURRENCY = 10;

/**
 * Completion of asynchronous targets: EventBridge rules for stopped ECS tasks (`TaskStopped`) and finished Step
 * Functions executions (`ExecutionFinished`) that Kairos started (run-id prefix) invoke a function that records
 * the attempt's outcome and schedules what follows (retry, next run, dead letter). An event the function fails to
 * record after Lambda's two retries, or that EventBridge cannot deliver, lands in the queues' `EventDeadLetters`;
 * the run's deadline check still ends its attempt (TIMED_OUT) if nobody replays the event.
 */
export class KairosCompletion extends Construct {
  /** The completion function. */
  public readonly handler: KairosFunction;
  /** The rule matching stopped ECS tasks started by Kairos. */
  public readonly taskStopped: events.Rule;
  /** The rule matching finished Step Functions executions started by Kairos. */
  public readonly executionFinished: events.Rule;

  constructor(scope: Construct, id: string, props: KairosCompletionProps) {
    super(scope, id);
    const { tables, queues } = props;
    this.handler = new KairosFunction(this, 'Handler', {
      entry: repoPath('lambdas/handlers/completion.ts'),
      description: `Kairos ${props.stage} completion: records the outcome of Fargate and Step Functions runs`,
      timeout: props.timeout ?? Duration.minutes(1),
      environment: props.environment,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      deadLetterQueue: queues.eventDeadLetters,
      reservedConcurrentExecutions: props.reserveConcurrency ? COMPLETION_RESERVED_CONCURRENCY : undefined,
    });
    // Lambda sends to the dead-letter queue as the function's role: SendMessage (added with the queue) and the key.
    queues.grantSendToEventDeadLetters(this.handler);
    tables.grantReadData(this.handler, 'Jobs');
    // A run that ends gives back its concurrency slot (the job's, or its backfill's): those items only.
    tables.grantItemUpdates(this.handler, 'Jobs', [SLOTS_ITEM_PREFIX]);
    tables.grantReadWriteData(this.handler, 'Runs');
    tables.grantWriteData(this.handler, 'Schedule');
    queues.grantSend(this.handler);
    props.artifacts.grantWrite(this.handler);

    const target = new targets.LambdaFunction(this.handler, { deadLetterQueue: queues.eventDeadLetters });
    this.taskStopped = new events.Rule(this, 'TaskStopped', {
      description: `Kairos ${props.stage}: ECS tasks started by Kairos stopped`,
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          lastStatus: ['STOPPED'],
          startedBy: events.Match.prefix(RUN_ID_PREFIX),
          ...(props.fargateClusterArn === undefined ? {} : { clusterArn: [props.fargateClusterArn] }),
        },
      },
      targets: [target],
    });
    this.executionFinished = new events.Rule(this, 'ExecutionFinished', {
      description: `Kairos ${props.stage}: Step Functions executions started by Kairos finished`,
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: FINAL_EXECUTION_STATUSES,
          name: events.Match.prefix(RUN_ID_PREFIX),
        },
      },
      targets: [target],
    });
    queues.allowEventBridgeDeadLetters();
  }
}
