import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC_NAMESPACE, type MetricName } from '../../lambdas/adapters/metrics/metric-names.js';

/** How one Kairos metric is read. */
export interface KairosMetricOptions {
  /** `Sum`, `Maximum`, `p99`… @default cloudwatch.Stats.SUM */
  readonly statistic?: string;
  /** @default Duration.minutes(1) */
  readonly period?: Duration;
  /** Legend label. @default - the metric name */
  readonly label?: string;
}

/**
 * One of the metrics the engine emits (`lambdas/adapters/metrics/metric-names.ts`) for `stage`: namespace `Kairos`,
 * dimension `Stage`, exactly as the EMF lines declare them, so charts and alarms read the series that exists.
 */
export function kairosMetric(
  stage: string,
  name: MetricName,
  options: KairosMetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { Stage: stage },
    statistic: options.statistic ?? cloudwatch.Stats.SUM,
    period: options.period ?? Duration.minutes(1),
    label: options.label,
  });
}
