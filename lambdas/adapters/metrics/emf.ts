/**
 * CloudWatch Embedded Metric Format: a JSON log line that CloudWatch Logs turns into a metric, with no API call
 * and no extra latency. Locally the same line is simply part of the log.
 */
export function emfLine(
  name: string,
  value: number,
  dimensions: Readonly<Record<string, string>>,
  at: Date,
  namespace = 'Kairos',
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(dimensions)],
          Metrics: [{ Name: name, Unit: 'Count' }],
        },
      ],
    },
    ...dimensions,
    [name]: value,
  });
}
