import { Aws, Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, METRICS } from '../../lambdas/adapters/metrics/metric-names.js';
import { kairosMetric } from './kairos-metrics.js';

/** Properties of {@link KairosDashboard}. */
export interface KairosDashboardProps {
  /** Stage name: the `Stage` dimension of the Kairos metrics and part of the dashboard's name. */
  readonly stage: string;
  /** Kairos's functions, by name (the legend of the errors and throttles charts). */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The dead-letter queues and the failures record, by name (the legend of the queue depth chart). */
  readonly queues: Readonly<Record<string, sqs.IQueue>>;
  /** The API stage (requests, errors, latency). */
  readonly apiStage: apigw.Stage;
  /** Alarms shown with their state at the top. @default - none */
  readonly alarms?: readonly cloudwatch.IAlarm[];
}

/** Titles of the charts, in order: tests and runbooks refer to them. */
export const DASHBOARD_WIDGETS = {
  alarms: 'Alarms',
  throughput: 'Throughput (runs per minute)',
  failures: 'Failures (runs per minute, function errors)',
  pickupLatency: 'Pick-up latency (ms, scheduled time to first start)',
  apiTraffic: 'API requests and errors',
  apiLatency: 'API latency (ms)',
  deadLetters: 'Dead-letter queue depth',
  slaMisses: 'SLA misses and skipped slots',
  throttles: 'Throttles',
} as const;

const MINUTE = Duration.minutes(1);

/**
 * The stage's CloudWatch dashboard `Kairos-<stage>-<region>`: alarm states, run throughput, failures, pick-up latency
 * percentiles, API traffic and latency, dead-letter queue depth, SLA misses and throttles, from the engine's EMF
 * metrics (`Kairos`, `Stage`) and the AWS metrics of its functions, queues and API.
 */
export class KairosDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: KairosDashboardProps) {
    super(scope, id);
    const { stage } = props;
    const runs = (name: (typeof METRICS)[keyof typeof METRICS], label: string) =>
      kairosMetric(stage, name, { label });
    const perFunction = (metric: (fn: lambda.IFunction) => cloudwatch.Metric) =>
      Object.entries(props.functions).map(([name, fn]) => metric(fn).with({ label: name }));
    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      extra: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...extra });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      // Dashboards are global to the account: the region keeps one stage's per-region stacks apart.
      dashboardName: `Kairos-${stage}-${Aws.REGION}`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: DASHBOARD_WIDGETS.alarms,
        alarms: [...(props.alarms ?? [])],
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(
      graph(DASHBOARD_WIDGETS.throughput, [
        runs(METRICS.runsStarted, 'started'),
        runs(METRICS.runsSucceeded, 'succeeded'),
      ]),
      graph(
        DASHBOARD_WIDGETS.failures,
        [runs(METRICS.runsFailed, 'failed'), runs(METRICS.runsTimedOut, 'timed out')],
        {
          right: perFunction((fn) => fn.metricErrors({ period: MINUTE })),
          rightYAxis: { label: 'errors', min: 0 },
        },
      ),
      graph(
        DASHBOARD_WIDGETS.pickupLatency,
        ['p50', 'p90', 'p99'].map((statistic) =>
          kairosMetric(stage, METRICS.pickupLatency, {
            statistic,
            label: statistic,
            period: Duration.minutes(5),
          }),
        ),
      ),
    );
    const api = props.apiStage;
    this.dashboard.addWidgets(
      graph(DASHBOARD_WIDGETS.apiTraffic, [api.metricCount({ period: MINUTE, label: 'requests' })], {
        right: [
          api.metricClientError({ period: MINUTE, label: '4xx (incl. 429 throttled)' }),
          api.metricServerError({ period: MINUTE, label: '5xx' }),
        ],
      }),
      graph(
        DASHBOARD_WIDGETS.apiLatency,
        ['p50', 'p90', 'p99'].map((statistic) =>
          api.metricLatency({ statistic, label: statistic, period: MINUTE }),
        ),
      ),
      graph(
        DASHBOARD_WIDGETS.deadLetters,
        Object.entries(props.queues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: MINUTE,
            statistic: 'Maximum',
            label: name,
          }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(DASHBOARD_WIDGETS.slaMisses, [
        runs(METRICS.slaMisses, 'SLA misses'),
        new cloudwatch.MathExpression({
          expression: `SEARCH('{${METRIC_NAMESPACE},Reason,Stage} MetricName="${METRICS.slotsSkipped}" Stage="${stage}"', 'Sum', 60)`,
          label: 'skipped',
          period: MINUTE,
        }),
      ]),
      graph(
        DASHBOARD_WIDGETS.throttles,
        perFunction((fn) => fn.metricThrottles({ period: MINUTE })),
        { width: 16 },
      ),
    );
  }
}
