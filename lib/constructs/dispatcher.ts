import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { KairosArtifacts } from './artifacts.js';
import { KairosFunction, repoPath } from './kairos-function.js';
import type { KairosQueues } from './queues.js';
import type { KairosTables } from './tables.js';
import type { TargetAccess } from './target-access.js';

/** The dispatcher's default timeout: the longest a synchronous Lambda target may run. */
export const DISPATCHER_TIMEOUT = Duration.minutes(15);
/** Lane visibility timeout ÷ dispatcher timeout, at least (AWS's recommendation for SQS event sources). */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** Properties of {@link KairosDispatcher}. */
export interface KairosDispatcherProps {
  /** Stage name, shown in the function description. */
  readonly stage: string;
  /** The tables: Jobs, Runs and Schedule are read and written. */
  readonly tables: KairosTables;
  /** The lanes consumed, and the lanes and `Failures` written. */
  readonly queues: KairosQueues;
  /** The bucket of run logs and outputs (read and written). */
  readonly artifacts: KairosArtifacts;
  /** The permissions on job targets (start and stop). */
  readonly targets: TargetAccess;
  /** Environment of the function (tables, queues, bucket, targets settings). */
  readonly environment: Readonly<Record<string, string>>;
  /** Maximum run time of one batch; the lanes' visibility timeout must be ≥ 6 × this. @default DISPATCHER_TIMEOUT */
  readonly timeout?: Duration;
  /** Memory in MB. @default 1024 */
  readonly memorySize?: number;
  /** Messages per invocation. @default 10 */
  readonly batchSize?: number;
  /** Most concurrent invocations fed by the high lane (2–1000). @default 50 */
  readonly highLaneMaxConcurrency?: number;
  /** Most concurrent invocations fed by the normal lane (2–1000). @default 20 */
  readonly normalLaneMaxConcurrency?: number;
  /** Most concurrent invocations fed by the low lane (2–1000). @default 5 */
  readonly lowLaneMaxConcurrency?: number;
  /**
   * Reserve the lanes' combined maximum concurrency for the function, so Lambda functions elsewhere in the account
   * (job targets included) can never take the dispatcher's share; the lanes' own caps stay what bounds it.
   * @default false - the account may have too little concurrency to reserve any (see KairosFunction)
   */
  readonly reserveConcurrency?: boolean;
  /** Retention of the function's log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The dispatcher: consumes the three lanes (`HighLane`, `NormalLane`, `LowLane` event source mappings) with partial
 * batch responses, starts targets, and records what failed for good. The high lane gets the most concurrent
 * invocations, so under load its messages are taken first.
 */
export class KairosDispatcher extends Construct {
  /** The dispatcher function. */
  public readonly handler: KairosFunction;

  constructor(scope: Construct, id: string, props: KairosDispatcherProps) {
    super(scope, id);
    const timeout = props.timeout ?? DISPATCHER_TIMEOUT;
    const { tables, queues } = props;
    const minimum = timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR;
    if (queues.visibilityTimeout.toSeconds() < minimum) {
      throw new Error(
        `KairosDispatcher: the lanes' visibility timeout (${queues.visibilityTimeout.toSeconds()} s) must be at ` +
          `least ${VISIBILITY_TIMEOUT_FACTOR} × the dispatcher timeout (${minimum} s)`,
      );
    }
    const lanes = [
      ['HighLane', queues.lanes.high, props.highLaneMaxConcurrency ?? 50],
      ['NormalLane', queues.lanes.normal, props.normalLaneMaxConcurrency ?? 20],
      ['LowLane', queues.lanes.low, props.lowLaneMaxConcurrency ?? 5],
    ] as const;
    this.handler = new KairosFunction(this, 'Handler', {
      entry: repoPath('lambdas/handlers/dispatch.ts'),
      description: `Kairos ${props.stage} dispatcher: starts runs from the lane queues`,
      timeout,
      memorySize: props.memorySize ?? 1024,
      environment: props.environment,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      reservedConcurrentExecutions: props.reserveConcurrency
        ? lanes.reduce((sum, [, , max]) => sum + max, 0)
        : undefined,
      // The engine re-enqueues by design: each slot plans the next as a timer, deadline checks re-arm every 15
      // minutes, buffered runs and backfills recheck. Lambda would stop such a chain after 16 hops (and send its
      // message to DeadLetters); the lanes' maxConcurrency is the guard rail against a real runaway.
      recursiveLoop: lambda.RecursiveLoop.ALLOW,
    });
    Validations.of(this.handler).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked only by the SQS event source mappings of the lanes, never asynchronously: a message that fails ' +
        "5 deliveries moves to DeadLetters through the lane's redrive policy, so a function DLQ would never be used.",
    });
    tables.grantReadWriteData(this.handler, 'Jobs');
    tables.grantReadWriteData(this.handler, 'Runs');
    tables.grantReadWriteData(this.handler, 'Schedule');
    queues.grantConsume(this.handler);
    queues.grantSend(this.handler);
    props.artifacts.grantReadWrite(this.handler);
    props.targets.grantStart(this.handler);
    props.targets.grantStop(this.handler);

    for (const [laneId, queue, maxConcurrency] of lanes) {
      const mapping = new lambda.EventSourceMapping(this, laneId, {
        target: this.handler,
        eventSourceArn: queue.queueArn,
        batchSize: props.batchSize ?? 10,
        // The handler reports the failed records; only those are redelivered (and dead-lettered after 5 tries).
        reportBatchItemFailures: true,
        maxConcurrency,
      });
      Validations.of(mapping).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'An SQS event source mapping takes no on-failure destination (Lambda supports one for stream and Kafka ' +
          "sources only): a failed lane message is retried and then moved to DeadLetters by the queue's redrive " +
          'policy after 5 receives, and DeadLetters is alarmed.',
      });
    }
  }
}
