import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS } from '../../lambdas/adapters/metrics/metric-names.js';
import type { KairosAlerting } from './alerting.js';
import { kairosMetric } from './kairos-metrics.js';

/** Properties of {@link KairosAlarms}. */
export interface KairosAlarmsProps {
  /** Stage name: the `Stage` dimension of the Kairos metrics, and part of every alarm description. */
  readonly stage: string;
  /** The alerts topic every alarm notifies (and whose policy admits it). */
  readonly alerting: KairosAlerting;
  /**
   * Functions whose errors alarm, by PascalCase name (the alarm is `<Name>ErrorsAlarm`). Leave out a function whose
   * errors are not Kairos's own failures.
   */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** Dead-letter queues whose depth alarms, by PascalCase name (the alarm is `<Name>DepthAlarm`). */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** The API stage whose 5xx answers alarm. */
  readonly apiStage: apigw.Stage;
  /** p99 pick-up latency above which `PickupLatencyAlarm` fires (two 5-minute periods in a row). @default 5 s */
  readonly pickupLatencyThreshold?: Duration;
}

/**
 * The stage's alarms besides `SlaMissesAlarm` (in {@link KairosAlerting}), each notifying the alerts topic:
 * a message in a dead-letter queue (`<Queue>DepthAlarm`, at once), errors of Kairos's functions
 * (`<Function>ErrorsAlarm`, any in 5 minutes), 5xx answers of the API (`ApiServerErrorsAlarm`, any in 5 minutes), and
 * runs picked up late (`PickupLatencyAlarm`, p99 of `Kairos/PickupLatencyMs` over the threshold for 10 minutes).
 * No data is never an alarm: quiet queues, functions and stages publish none.
 */
export class KairosAlarms extends Construct {
  /** Every alarm of this construct. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: KairosAlarmsProps) {
    super(scope, id);
    const { stage } = props;
    const fiveMinutes = Duration.minutes(5);
    const add = (alarmId: string, options: cloudwatch.AlarmProps) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      props.alerting.notify(alarm);
      this.alarms.push(alarm);
    };
    const atLeastOne = {
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      add(`${name}DepthAlarm`, {
        alarmDescription: `Kairos ${stage}: messages are waiting in the ${name} dead-letter queue (inspect, replay or purge them)`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.minutes(1),
        }),
        ...atLeastOne,
      });
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      add(`${name}ErrorsAlarm`, {
        alarmDescription: `Kairos ${stage}: the ${name} function failed (errors or timeouts) in the last 5 minutes`,
        metric: fn.metricErrors({ statistic: cloudwatch.Stats.SUM, period: fiveMinutes }),
        ...atLeastOne,
      });
    }
    add('ApiServerErrorsAlarm', {
      alarmDescription: `Kairos ${stage}: the REST API answered 5xx in the last 5 minutes`,
      metric: props.apiStage.metricServerError({ statistic: cloudwatch.Stats.SUM, period: fiveMinutes }),
      ...atLeastOne,
    });
    add('AuditWriteFailuresAlarm', {
      alarmDescription:
        `Kairos ${stage}: an API call's audit record could not be written (the caller got 500; the record is in ` +
        'the API log as "audit record not written": add it back)',
      metric: kairosMetric(stage, METRICS.auditWriteFailures, {
        statistic: cloudwatch.Stats.SUM,
        period: fiveMinutes,
      }),
      ...atLeastOne,
    });
    const threshold = props.pickupLatencyThreshold ?? Duration.seconds(5);
    add('PickupLatencyAlarm', {
      alarmDescription:
        `Kairos ${stage}: runs start late: p99 pick-up latency above ${threshold.toSeconds()} s for 10 minutes ` +
        '(timers, lanes or the dispatcher are falling behind)',
      metric: kairosMetric(stage, METRICS.pickupLatency, {
        statistic: cloudwatch.Stats.p(99),
        period: fiveMinutes,
      }),
      threshold: threshold.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });
  }
}
