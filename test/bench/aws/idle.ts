/**
 * The idle cost model: what an empty deployment pays each month, from the resources of the synthesized template
 * (so the figure follows the stack) and the price table of `prices.ts`. Each priced item says what it was counted
 * from; every other resource type is listed with the reason it costs nothing while idle, and a type the model does
 * not know is reported as unclassified instead of silently priced at zero.
 */
import type { DeployedFunction, TemplateResource } from '../lambda/synth.js';
import { ASSUMPTIONS, kairosFixedPerMonth, PRICES, TICKS_PER_MONTH } from './prices.js';

/** The requests of one watcher tick on an empty Schedule table, measured on the counted engine. */
export interface IdleTick {
  readonly queries: number;
  readonly rru: number;
}

/** One priced item of the idle month. */
export interface IdleItem {
  readonly usd: number;
  /** What the item would cost if Kairos alone used the account's always-free tiers. */
  readonly usdWithFreeTiers: number;
  readonly quantity: number;
  readonly unit: string;
  readonly basis: string;
}

const MINUTES_PER_MONTH = TICKS_PER_MONTH;

/**
 * Lambda's SQS pollers per event source mapping when the queue is empty (docs.aws.amazon.com/lambda/latest/dg/
 * services-sqs-scaling.html): Lambda scales back to five concurrent pollers at low traffic and "can optimize to as
 * few as 2 … However, this optimization is not available when you enable the maximum concurrency setting."
 */
const IDLE_POLLERS = { withMaximumConcurrency: 5, without: 2 } as const;
/** Each poller long-polls (ReceiveMessage with WaitTimeSeconds 20): three empty receives a minute. */
const RECEIVES_PER_POLLER_MINUTE = 3;

/**
 * Bytes Lambda writes to the function's log group per invocation that logs nothing itself (text format): START
 * (~70), END (~50), REPORT with the X-Ray line (~260), plus the 26 bytes CloudWatch Logs meters per event.
 */
const PLATFORM_LOG_BYTES_PER_INVOCATION = 70 + 50 + 260 + 3 * 26;
const GB = 1024 ** 3;

/** Always-free monthly allowances (account-wide; shared with whatever else the account runs). */
const FREE_TIER = {
  sqsStandardRequests: 1e6,
  cloudwatchAlarmMetricMonths: 10,
  cloudwatchDashboardMonths: 3,
  cloudwatchLogsGb: 5,
  xrayTracesRecorded: 1e5,
  kmsRequests: 2e4,
  note:
    'Lambda 1M requests + 400,000 GB-s, EventBridge Scheduler 14M invocations, SQS 1M requests, CloudWatch 10 ' +
    'alarm metrics + 3 dashboards + 5 GB logs, X-Ray 100,000 traces, KMS 20,000 requests; none for DynamoDB ' +
    'on-demand requests, KMS keys or Secrets Manager secrets',
} as const;

/** Resource types that cost nothing while no job runs, and why (prefix matches end in `::`). */
const FREE_WHEN_IDLE: ReadonlyArray<readonly [string, string]> = [
  [
    'AWS::DynamoDB::Table',
    'on-demand: per request; an empty table stores ~0 bytes (PITR is per GB of table)',
  ],
  ['AWS::SQS::Queue', 'per request (the event source mappings’ polls are priced as sqsEventSourcePolls)'],
  ['AWS::SQS::QueuePolicy', 'configuration'],
  ['AWS::S3::Bucket', 'per GB stored and per request: empty'],
  ['AWS::S3::BucketPolicy', 'configuration'],
  ['AWS::Logs::LogGroup', 'per GB ingested and stored (the idle invocations’ lines are priced as logs)'],
  ['AWS::IAM::', 'free'],
  ['AWS::Lambda::Function', 'per invocation (the scheduled ones are priced)'],
  ['AWS::Lambda::Permission', 'configuration'],
  ['AWS::Lambda::EventSourceMapping', 'free itself; its SQS polls are priced as sqsEventSourcePolls'],
  ['AWS::ApiGateway::', 'REST API: per request'],
  ['AWS::Scheduler::ScheduleGroup', 'free'],
  ['AWS::Scheduler::Schedule', 'per invocation (priced with the function it invokes)'],
  ['AWS::Events::Rule', 'AWS service events on the default event bus are free'],
  ['AWS::SNS::', 'per publish and delivery'],
  ['AWS::StepFunctions::', 'Standard workflows: per state transition'],
  ['AWS::KMS::Alias', 'free'],
  ['AWS::Cognito::', 'per monthly active user'],
  ['AWS::CloudFormation::CustomResource', 'runs at deploy time only'],
  ['Custom::', 'runs at deploy time only'],
  ['AWS::CDK::Metadata', 'free'],
];

const round = (usd: number) => Number(usd.toFixed(4));

function item(
  usd: number,
  usdWithFreeTiers: number,
  quantity: number,
  unit: string,
  basis: string,
): IdleItem {
  return { usd: round(usd), usdWithFreeTiers: round(usdWithFreeTiers), quantity, unit, basis };
}

/** Invocations a month of `rate(N unit)`; other expressions are not modelled. */
function invocationsPerMonth(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) throw new Error(`Idle cost: schedule expression ${expression} is not modelled`);
  const minutes = { minute: 1, hour: 60, day: 1440 }[match[2].replace(/s$/, '') as 'minute' | 'hour' | 'day'];
  return MINUTES_PER_MONTH / (Number(match[1]) * minutes);
}

function logicalIdOf(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return v.Ref;
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return String(getAtt[0]);
  }
  return undefined;
}

/** Alarm metrics billed for one alarm: one per metric (anomaly detection: three), high resolution below 60 s. */
function alarmMetrics(props: Record<string, any>): { standard: number; highResolution: number } {
  const periods: number[] = Array.isArray(props.Metrics)
    ? props.Metrics.filter((m: any) => m.MetricStat).map((m: any) => Number(m.MetricStat.Period ?? 60))
    : [Number(props.Period ?? 60)];
  const factor = props.ThresholdMetricId ? 3 : 1;
  const high = periods.filter((p) => p < 60).length * factor;
  return { standard: periods.length * factor - high, highResolution: high };
}

export interface IdleModelInput {
  readonly resources: Readonly<Record<string, TemplateResource>>;
  readonly functions: readonly DeployedFunction[];
  /** One idle watcher tick's bucket queries, measured. */
  readonly tick: IdleTick;
}

/** Prices the idle month of the synthesized stack. */
export function idleCostModel({ resources, functions, tick }: IdleModelInput) {
  const byType = new Map<string, Array<[string, TemplateResource]>>();
  for (const entry of Object.entries(resources)) {
    const list = byType.get(entry[1].Type) ?? [];
    list.push(entry);
    byType.set(entry[1].Type, list);
  }
  const ofType = (type: string) => byType.get(type) ?? [];
  const items: Record<string, IdleItem> = {};

  // Functions invoked on a schedule run whether jobs exist or not: today only the watcher's minute tick.
  const scheduled = ofType('AWS::Scheduler::Schedule').map(([id, r]) => {
    const props = r.Properties ?? {};
    const targetId = logicalIdOf(props.Target?.Arn);
    const fn = functions.find((f) => f.logicalId === targetId);
    if (!fn) throw new Error(`Idle cost: schedule ${id} invokes ${targetId}, which the model does not know`);
    return { id, fn, invocations: invocationsPerMonth(String(props.ScheduleExpression)) };
  });
  for (const { fn, invocations } of scheduled) {
    if (fn.entry !== 'lambdas/handlers/watcher.ts' || invocations !== TICKS_PER_MONTH) {
      throw new Error(
        `Idle cost: only the watcher's minute tick is modelled, not ${fn.name} (${invocations}/month)`,
      );
    }
  }
  const watcher = scheduled.map((s) => s.fn)[0];
  if (watcher) {
    const fixed = kairosFixedPerMonth(tick.queries, tick.rru);
    const reads = tick.rru * TICKS_PER_MONTH * PRICES.dynamodbReadRequestUnits;
    items.watcherTicks = item(
      fixed.usd,
      reads,
      fixed.ticksPerMonth,
      'ticks',
      `EventBridge Scheduler invocation + Lambda invocation (${ASSUMPTIONS.watcher.ms} ms at ` +
        `${ASSUMPTIONS.watcher.memoryMb} MB, deployed ${watcher.memorySize} MB) + ${tick.queries} eventually ` +
        `consistent bucket queries (${tick.rru} RRU) per tick, measured on an empty Schedule table ` +
        '(aws-requests: watcherTickFixed); free tiers leave only the DynamoDB reads',
    );
  }

  // Each scheduled invocation writes platform log lines and, with active tracing, records an X-Ray trace (the
  // default sampling rule records the first request each second: every one of a per-minute tick).
  let logBytes = 0;
  let traces = 0;
  let storedGb = 0;
  for (const { fn, invocations } of scheduled) {
    const props = resources[fn.logicalId]?.Properties ?? {};
    const bytes = invocations * PLATFORM_LOG_BYTES_PER_INVOCATION;
    logBytes += bytes;
    const logGroup = resources[logicalIdOf(props.LoggingConfig?.LogGroup) ?? '']?.Properties ?? {};
    const retentionDays = Number(logGroup.RetentionInDays ?? 3653);
    storedGb += (bytes / GB) * (retentionDays / 30);
    if (props.TracingConfig?.Mode === 'Active') traces += invocations;
  }
  const logsUsd =
    (logBytes / GB) * PRICES.cloudwatchLogsIngestedGb + storedGb * PRICES.cloudwatchLogsStoredGbMonths;
  items.logs = item(
    logsUsd,
    logBytes / GB + storedGb <= FREE_TIER.cloudwatchLogsGb ? 0 : logsUsd,
    Number((logBytes / 1024 ** 2).toFixed(1)),
    'MB ingested',
    `START/END/REPORT lines of each scheduled invocation (~${PLATFORM_LOG_BYTES_PER_INVOCATION} bytes with ` +
      'metering overhead; the watcher logs nothing itself on an idle tick), stored for the log group retention ' +
      '(uncompressed: an upper bound)',
  );
  items.xrayTraces = item(
    traces * PRICES.xrayTracesRecorded,
    Math.max(0, traces - FREE_TIER.xrayTracesRecorded) * PRICES.xrayTracesRecorded,
    traces,
    'traces',
    'active tracing on the scheduled functions; the default sampling rule records one request a second',
  );

  // The Schedule table is encrypted with the stack's customer managed key: DynamoDB decrypts the table key with
  // KMS when its cached copy has expired. At most one Decrypt per tick is an upper bound.
  const cmkTables = ofType('AWS::DynamoDB::Table').filter(
    ([, r]) => r.Properties?.SSESpecification?.KMSMasterKeyId,
  );
  const kmsRequests = watcher && cmkTables.length > 0 ? TICKS_PER_MONTH : 0;
  const keys = ofType('AWS::KMS::Key').length;
  items.kmsKeys = item(
    keys * PRICES.kmsKeyMonths,
    keys * PRICES.kmsKeyMonths,
    keys,
    'keys',
    'customer managed keys, first year (each of the first two yearly rotations adds $1/month)',
  );
  items.kmsRequests = item(
    kmsRequests * PRICES.kmsRequests,
    Math.max(0, kmsRequests - FREE_TIER.kmsRequests) * PRICES.kmsRequests,
    kmsRequests,
    'requests',
    'upper bound: one Decrypt of the Schedule table key per watcher tick (DynamoDB caches the table key)',
  );

  const secrets = ofType('AWS::SecretsManager::Secret').length;
  items.secrets = item(
    secrets * PRICES.secretsManagerSecretMonths,
    secrets * PRICES.secretsManagerSecretMonths,
    secrets,
    'secrets',
    'read by CloudFormation at deploy time (dynamic reference), so no API calls while idle',
  );

  // Event source mappings poll their queue whether or not it holds messages.
  const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, r]) => {
    const source = logicalIdOf(r.Properties?.EventSourceArn);
    return resources[source ?? '']?.Type === 'AWS::SQS::Queue';
  });
  let receives = 0;
  const pollers: Record<string, number> = {};
  for (const [id, r] of mappings) {
    if (r.Properties?.ProvisionedPollerConfig) throw new Error(`Idle cost: ${id} uses provisioned pollers`);
    const count = r.Properties?.ScalingConfig?.MaximumConcurrency
      ? IDLE_POLLERS.withMaximumConcurrency
      : IDLE_POLLERS.without;
    pollers[id] = count;
    receives += count * RECEIVES_PER_POLLER_MINUTE * MINUTES_PER_MONTH;
  }
  items.sqsEventSourcePolls = item(
    receives * PRICES.sqsStandardRequests,
    Math.max(0, receives - FREE_TIER.sqsStandardRequests) * PRICES.sqsStandardRequests,
    receives,
    'empty receives',
    `${mappings.length} SQS event source mappings × ${IDLE_POLLERS.withMaximumConcurrency} idle pollers (maximum ` +
      `concurrency set; ${IDLE_POLLERS.without} without) × ${RECEIVES_PER_POLLER_MINUTE} 20-second long polls a minute`,
  );

  let standard = 0;
  let highResolution = 0;
  for (const [, r] of ofType('AWS::CloudWatch::Alarm')) {
    const metrics = alarmMetrics(r.Properties ?? {});
    standard += metrics.standard;
    highResolution += metrics.highResolution;
  }
  const alarmsUsd =
    standard * PRICES.cloudwatchAlarmMetricMonths +
    highResolution * PRICES.cloudwatchHighResolutionAlarmMetricMonths;
  items.alarms = item(
    alarmsUsd,
    Math.max(0, standard - FREE_TIER.cloudwatchAlarmMetricMonths) * PRICES.cloudwatchAlarmMetricMonths +
      highResolution * PRICES.cloudwatchHighResolutionAlarmMetricMonths,
    ofType('AWS::CloudWatch::Alarm').length,
    'alarms',
    `${standard} standard and ${highResolution} high-resolution alarm metrics (metric math: one per metric)`,
  );
  const composite = ofType('AWS::CloudWatch::CompositeAlarm').length;
  if (composite > 0) {
    const usd = composite * PRICES.cloudwatchCompositeAlarmMonths;
    items.compositeAlarms = item(usd, usd, composite, 'composite alarms', 'per composite alarm');
  }
  const dashboards = ofType('AWS::CloudWatch::Dashboard').length;
  items.dashboards = item(
    dashboards * PRICES.cloudwatchDashboardMonths,
    Math.max(0, dashboards - FREE_TIER.cloudwatchDashboardMonths) * PRICES.cloudwatchDashboardMonths,
    dashboards,
    'dashboards',
    'per dashboard; the account’s first three (up to 50 metrics each) are free',
  );

  const pitrTables = ofType('AWS::DynamoDB::Table').filter(
    ([, r]) => r.Properties?.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled,
  ).length;
  items.dynamodbPitr = item(
    0,
    0,
    pitrTables,
    'tables',
    `point-in-time recovery is $${PRICES.dynamodbPitrGbMonths}/GB-month of table size: ~0 for empty tables`,
  );

  const priced = new Set([
    'AWS::KMS::Key',
    'AWS::SecretsManager::Secret',
    'AWS::CloudWatch::Alarm',
    'AWS::CloudWatch::CompositeAlarm',
    'AWS::CloudWatch::Dashboard',
  ]);
  const freeWhenIdle: Record<string, string> = {};
  const unclassified: string[] = [];
  for (const type of [...byType.keys()].sort()) {
    if (priced.has(type)) continue;
    const known = FREE_WHEN_IDLE.find(([match]) =>
      match.endsWith('::') ? type.startsWith(match) : type === match,
    );
    if (known) freeWhenIdle[type] = `${byType.get(type)?.length} × ${known[1]}`;
    else unclassified.push(type);
  }

  const usd = round(Object.values(items).reduce((sum, i) => sum + i.usd, 0));
  const usdWithFreeTiers = round(Object.values(items).reduce((sum, i) => sum + i.usdWithFreeTiers, 0));
  return {
    usd,
    usdWithFreeTiers,
    items,
    pollersPerMapping: pollers,
    freeWhenIdle,
    unclassified,
    freeTiers: FREE_TIER.note,
  };
}
