/**
 * The CloudWatch metrics the Kairos engine emits (EMF), shared by the code that emits them and the CDK constructs
 * that chart and alarm on them, so a rename cannot silently leave an alarm watching nothing.
 */

/** CloudWatch namespace of every Kairos metric. */
export const METRIC_NAMESPACE = 'Kairos';

/** Metric names; every one has the dimension `Stage` (and `SlotsSkipped` also `Reason`). */
export const METRICS = {
  /** A run's attempt started, except the retries of a run already counted (Count). */
  runsStarted: 'RunsStarted',
  /** A run ended SUCCEEDED (Count). */
  runsSucceeded: 'RunsSucceeded',
  /** A run ended FAILED after its last attempt (Count). */
  runsFailed: 'RunsFailed',
  /** A run ended TIMED_OUT after its last attempt (Count). */
  runsTimedOut: 'RunsTimedOut',
  /** From a run's scheduled time to the start of its first attempt (Milliseconds). */
  pickupLatency: 'PickupLatencyMs',
  /** A run missed its start or finish SLA (Count, once per run). */
  slaMisses: 'SlaMisses',
  /** A slot recorded SKIPPED, by `Reason` (Count). */
  slotsSkipped: 'SlotsSkipped',
  /** Audit records the API could not write after the call (Count; the record is logged in full). */
  auditWriteFailures: 'AuditWriteFailures',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];
