import { METRIC_NAMESPACE } from './metric-names.js';

/** CloudWatch units Kairos uses. */
export type EmfUnit = 'Count' | 'Milliseconds';

/** One value of an EMF document. */
export interface EmfMetric {
  readonly name: string;
  readonly value: number;
  /** @default 'Count' */
  readonly unit?: EmfUnit;
}

/**
 * CloudWatch Embedded Metric Format: a JSON log line that CloudWatch Logs turns into metrics (one per entry of
 * `metrics`, all with the same `dimensions`), with no API call and no extra latency. Locally the same line is
 * simply part of the log.
 */
export function emfDocument(
  metrics: readonly EmfMetric[],
  dimensions: Readonly<Record<string, string>>,
  at: Date,
  namespace = METRIC_NAMESPACE,
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(dimensions)],
          Metrics: metrics.map(({ name, unit }) => ({ Name: name, Unit: unit ?? 'Count' })),
        },
      ],
    },
    ...dimensions,
    ...Object.fromEntries(metrics.map(({ name, value }) => [name, value])),
  });
}

/** An EMF line of one Count metric (see {@link emfDocument}). */
export function emfLine(
  name: string,
  value: number,
  dimensions: Readonly<Record<string, string>>,
  at: Date,
  namespace = METRIC_NAMESPACE,
): string {
  return emfDocument([{ name, value }], dimensions, at, namespace);
}
