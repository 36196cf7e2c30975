import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Lane } from '../../lambdas/core/messages.js';

/** Properties of {@link KairosQueues}. */
export interface KairosQueuesProps {
  /** The customer managed key encrypting every queue (the tables' key). */
  readonly key: kms.IKey;
  /**
   * Visibility timeout of the lane queues; at least 6 × the dispatcher's function timeout, as AWS recommends for
   * SQS event sources, so a slow batch is not delivered twice while it is still being processed.
   */
  readonly visibilityTimeout: Duration;
  /** Deliveries of a lane message before it moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** How long the dead-letter and failures queues keep a message. @default Duration.days(14) */
  readonly deadLetterRetention?: Duration;
  /** What happens to the queues when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

// SendMessageBatch is authorized as sqs:SendMessage; URLs come from the environment, so no GetQueueUrl.
const SEND_ACTIONS = ['sqs:SendMessage'];
const CONSUME_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
];

/** Why a dead-letter queue has no dead-letter queue of its own (Serverless-SQSRedrivePolicy, AwsSolutions-SQS3). */
const TERMINAL_QUEUE_REASON =
  'is itself where failed messages end: nothing consumes it automatically (an operator inspects, replays or ' +
  'purges it), so no receive can fail and there is no further queue to dead-letter into; its depth is alarmed.';

/**
 * The dispatch lanes (`High`, `Normal`, `Low`) with one dead-letter queue (`DeadLetters`), the `Failures` queue
 * where the dispatcher records runs that failed for good and poison messages, and `EventDeadLetters`, where the
 * ECS and Step Functions end events land that the completion function could not record. KMS-encrypted with the
 * stack key, TLS only. Grants are least privilege: queue actions on these queues, the key only via SQS.
 */
export class KairosQueues extends Construct {
  /** The lane queues, by lane. */
  public readonly lanes: Readonly<Record<Lane, sqs.IQueue>>;
  /** Where a lane message lands after `maxReceiveCount` failed deliveries. */
  public readonly deadLetters: sqs.IQueue;
  /** Records of runs failed for good and of poison messages (written by the dispatcher). */
  public readonly failures: sqs.IQueue;
  /**
   * End events of ECS tasks and Step Functions executions that the completion function failed to record after
   * Lambda's retries (its dead-letter queue), or that EventBridge could not deliver to it (the rules' target DLQ).
   */
  public readonly eventDeadLetters: sqs.IQueue;
  /** The visibility timeout of the lane queues. */
  public readonly visibilityTimeout: Duration;

  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: KairosQueuesProps) {
    super(scope, id);
    this.key = props.key;
    this.visibilityTimeout = props.visibilityTimeout;
    const common = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    };
    const retentionPeriod = props.deadLetterRetention ?? Duration.days(14);
    const deadLetters = new sqs.Queue(this, 'DeadLetters', { ...common, retentionPeriod });
    Validations.of(deadLetters).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: `DeadLetters, the lanes' and the cron schedules' dead-letter queue, ${TERMINAL_QUEUE_REASON}`,
    });
    this.deadLetters = deadLetters;
    const deadLetterQueue = { queue: deadLetters, maxReceiveCount: props.maxReceiveCount ?? 5 };
    const lane = (laneId: string) =>
      new sqs.Queue(this, laneId, { ...common, visibilityTimeout: props.visibilityTimeout, deadLetterQueue });
    this.lanes = { high: lane('High'), normal: lane('Normal'), low: lane('Low') };
    const failures = new sqs.Queue(this, 'Failures', { ...common, retentionPeriod });
    Validations.of(failures).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'Failures is itself a terminal record of runs that failed for good and of poison messages; nothing ' +
          'consumes it automatically, so there is no delivery to fail and no further queue to dead-letter into.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'Failures is a terminal record of runs that failed for good and of poison messages, read by operators ' +
          'only: no consumer can fail a receive, so a redrive policy would never move anything.',
      },
    );
    this.failures = failures;
    const eventDeadLetters = new sqs.Queue(this, 'EventDeadLetters', { ...common, retentionPeriod });
    Validations.of(eventDeadLetters).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: `EventDeadLetters, the completion function's and its EventBridge rules' dead-letter queue, ${TERMINAL_QUEUE_REASON}`,
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: `EventDeadLetters, the completion function's and its EventBridge rules' dead-letter queue, ${TERMINAL_QUEUE_REASON}`,
      },
    );
    this.eventDeadLetters = eventDeadLetters;
  }

  /** The environment variables naming the queues, as the Lambda functions read them. */
  public queueUrlEnv(): Record<string, string> {
    return {
      KAIROS_QUEUE_URL_HIGH: this.lanes.high.queueUrl,
      KAIROS_QUEUE_URL_NORMAL: this.lanes.normal.queueUrl,
      KAIROS_QUEUE_URL_LOW: this.lanes.low.queueUrl,
      KAIROS_FAILURES_QUEUE_URL: this.failures.queueUrl,
    };
  }

  /** Lets `grantee` send to the three lanes and to `Failures`. */
  public grantSend(grantee: iam.IGrantable): iam.Grant {
    return this.grantQueues(grantee, SEND_ACTIONS, [...this.laneQueues(), this.failures], 'send');
  }

  /** Lets `grantee` send to the three lanes only (timers becoming due, retries). */
  public grantSendToLanes(grantee: iam.IGrantable): iam.Grant {
    return this.grantQueues(grantee, SEND_ACTIONS, this.laneQueues(), 'send');
  }

  /** Lets `grantee` send to `EventDeadLetters` (a function whose dead-letter queue it is: Lambda sends as its role). */
  public grantSendToEventDeadLetters(grantee: iam.IGrantable): iam.Grant {
    return this.grantQueues(grantee, SEND_ACTIONS, [this.eventDeadLetters], 'send');
  }

  /**
   * Lets EventBridge put events it could not deliver into `EventDeadLetters`: the queue policy comes with each rule
   * target's `deadLetterQueue` (for exactly those rules); the key, which SQS uses on EventBridge's behalf, is allowed
   * here for EventBridge in this account (naming the rules would make the key depend on the functions it protects).
   */
  public allowEventBridgeDeadLetters(): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      // An imported key would silently ignore the statement, and the events would then be lost.
      false,
    );
  }

  /** Lets `grantee` receive, delete and change the visibility of messages of the three lanes. */
  public grantConsume(grantee: iam.IGrantable): iam.Grant {
    return this.grantQueues(grantee, CONSUME_ACTIONS, this.laneQueues(), 'consume');
  }

  private laneQueues(): sqs.IQueue[] {
    return [this.lanes.high, this.lanes.normal, this.lanes.low];
  }

  private grantQueues(
    grantee: iam.IGrantable,
    actions: string[],
    queues: readonly sqs.IQueue[],
    use: 'send' | 'consume',
  ): iam.Grant {
    const keyGrant = iam.Grant.addToPrincipal({
      grantee,
      // The queues are encrypted with a customer managed key: producers make data keys, consumers decrypt; only
      // through SQS, and spelled out (no `kms:GenerateDataKey*`).
      actions: use === 'send' ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt'],
      resourceArns: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sqs.${Aws.REGION}.amazonaws.com` } },
    });
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: queues.map((queue) => queue.queueArn),
    }).combine(keyGrant);
  }
}
