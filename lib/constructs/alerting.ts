import { Aws, Duration, Lazy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS, METRIC_NAMESPACE as NAMESPACE } from '../../lambdas/adapters/metrics/metric-names.js';

/** CloudWatch namespace of the metrics the Kairos functions emit (EMF). */
export const METRIC_NAMESPACE = NAMESPACE;
/** Metric counting runs that missed their SLA, with dimension `Stage`. */
export const SLA_MISSES_METRIC = METRICS.slaMisses;

/** Properties of {@link KairosAlerting}. */
export interface KairosAlertingProps {
  /** Stage name: the `Stage` dimension of the alarm's metric. */
  readonly stage: string;
  /**
   * The customer managed key encrypting the topic (the tables' key). Must be a key of this stack: a statement
   * letting CloudWatch use it for the topic is added to its key policy.
   */
  readonly key: kms.IKey;
  /** Address subscribed to the topic by e-mail (confirmed by the recipient). @default - no subscription */
  readonly alertEmail?: string;
}

/**
 * Alerts of one stage: the `Alerts` SNS topic (KMS-encrypted with the stack key, TLS only), an optional e-mail
 * subscription (`AlertEmail`), and `SlaMissesAlarm`, which publishes to the topic as soon as one run misses its SLA
 * within a minute (`Kairos/SlaMisses`, `Stage=<stage>`, Sum ≥ 1). Other alarms notify the topic through
 * {@link notify}; the functions publish further alerts themselves ({@link grantPublish}).
 */
export class KairosAlerting extends Construct {
  /** The alerts topic. */
  public readonly topic: sns.Topic;
  /** The SLA-miss alarm. */
  public readonly slaMissesAlarm: cloudwatch.Alarm;

  private readonly key: kms.IKey;
  /** ARNs of the alarms allowed to publish (the topic policy's `aws:SourceArn`). */
  private readonly alarmArns: string[] = [];

  constructor(scope: Construct, id: string, props: KairosAlertingProps) {
    super(scope, id);
    this.key = props.key;
    this.topic = new sns.Topic(this, 'Alerts', {
      displayName: `Kairos ${props.stage} alerts`,
      masterKey: props.key,
      enforceSSL: true,
    });
    if (props.alertEmail !== undefined) {
      const email = new sns.Subscription(this, 'AlertEmail', {
        topic: this.topic,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: props.alertEmail,
      });
      Validations.of(email).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'An e-mail an SNS retry policy could not deliver would only land in a queue nobody watches: the alarms ' +
          'that sent it stay in ALARM on the dashboard, and an SLA miss stays on its run and in GET /v1/sla.',
      });
    }

    const metric = new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: SLA_MISSES_METRIC,
      dimensionsMap: { Stage: props.stage },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(1),
    });
    this.slaMissesAlarm = new cloudwatch.Alarm(this, 'SlaMissesAlarm', {
      alarmDescription: `Kairos ${props.stage}: at least one run missed its SLA in the last minute`,
      metric,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // No data means no run missed anything (the metric is only emitted on a miss).
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.notify(this.slaMissesAlarm);

    // The topic has a policy (TLS only), so CloudWatch is allowed explicitly, and only for this account's alarms
    // that notify it (one ARN, or the list of them).
    const sourceArns = Lazy.any({
      produce: () => (this.alarmArns.length === 1 ? this.alarmArns[0] : [...this.alarmArns]),
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowKairosAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': sourceArns },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    // An alarm publishing to a KMS-encrypted topic needs the key itself: SNS uses it on CloudWatch's behalf.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
      // An imported key would silently ignore the statement, and the alarm's notifications would then fail.
      false,
    );
  }

  /** Makes `alarm` publish to the alerts topic when it goes into ALARM, and allows it in the topic policy. */
  public notify(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarmArns.push(alarm.alarmArn);
  }

  /** Lets `grantee` publish to the alerts topic (and use the key for it, only through SNS). */
  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    const keyGrant = iam.Grant.addToPrincipal({
      grantee,
      // Spelled out (no `kms:GenerateDataKey*`): SNS makes a data key and decrypts it on the publisher's behalf.
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resourceArns: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `sns.${Aws.REGION}.amazonaws.com` } },
    });
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sns:Publish'],
      resourceArns: [this.topic.topicArn],
    }).combine(keyGrant);
  }
}
