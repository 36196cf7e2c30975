/**
 * The cost model: list prices times counted requests, for Kairos and for the two ways people schedule one-off
 * work on AWS without it. Every alternative is priced the same way (API Gateway + an API Lambda to accept the
 * job, the target Lambda's request), so only what differs decides.
 */
import type { RequestSummary } from './summary.js';

/**
 * us-east-1 on-demand list prices: `usd` per `per` requests or units (`…Months`: per resource and month of 30
 * days). Source: the AWS pricing pages (aws.amazon.com/{dynamodb,sqs,s3,lambda,api-gateway,eventbridge,
 * step-functions,cloudwatch,xray,kms,secrets-manager}/pricing/), prices as of 2025:
 * DynamoDB on-demand after its 1 November 2024 cut, the others unchanged for years. Not re-checked from this
 * machine (the bench has no network). Free tiers are ignored: they do not scale with jobs.
 */
export const PRICE_TABLE = {
  dynamodbWriteRequestUnits: { usd: 0.625, per: 1e6 },
  dynamodbReadRequestUnits: { usd: 0.125, per: 1e6 },
  sqsStandardRequests: { usd: 0.4, per: 1e6 },
  s3PutRequests: { usd: 0.005, per: 1000 },
  s3GetRequests: { usd: 0.0004, per: 1000 },
  lambdaRequests: { usd: 0.2, per: 1e6 },
  lambdaGbSecondsArm64: { usd: 0.0000133334, per: 1 },
  apiGatewayRestRequests: { usd: 3.5, per: 1e6 },
  schedulerInvocations: { usd: 1.0, per: 1e6 },
  stepFunctionsStandardTransitions: { usd: 0.025, per: 1000 },
  // What a deployment pays by the month whether jobs run or not (the idle-cost bench).
  cloudwatchAlarmMetricMonths: { usd: 0.1, per: 1 },
  cloudwatchHighResolutionAlarmMetricMonths: { usd: 0.3, per: 1 },
  cloudwatchCompositeAlarmMonths: { usd: 0.5, per: 1 },
  cloudwatchDashboardMonths: { usd: 3.0, per: 1 },
  cloudwatchLogsIngestedGb: { usd: 0.5, per: 1 },
  cloudwatchLogsStoredGbMonths: { usd: 0.03, per: 1 },
  xrayTracesRecorded: { usd: 5.0, per: 1e6 },
  kmsKeyMonths: { usd: 1.0, per: 1 },
  kmsRequests: { usd: 0.03, per: 10_000 },
  secretsManagerSecretMonths: { usd: 0.4, per: 1 },
  dynamodbPitrGbMonths: { usd: 0.2, per: 1 },
} as const;

/** USD per single request or unit, from the table above. */
export const PRICES = Object.fromEntries(
  Object.entries(PRICE_TABLE).map(([name, { usd, per }]) => [name, usd / per]),
) as Record<keyof typeof PRICE_TABLE, number>;

/** Duration assumptions, not measurements: a warm invocation of each function. */
export const ASSUMPTIONS = {
  api: { ms: 50, memoryMb: 512 },
  dispatcher: { ms: 100, memoryMb: 1024 },
  watcher: { ms: 200, memoryMb: 512 },
  stepFunctionsTransitionsPerJob: 4,
  target: 'the target function is billed its own duration in every option alike; only its request is counted',
} as const;

const MILLION = 1e6;
/** Minutes in a 30-day month: the watcher ticks once a minute. */
export const TICKS_PER_MONTH = 30 * 24 * 60;

const round = (usd: number) => Number(usd.toFixed(4));
const lambdaUsd = (f: { ms: number; memoryMb: number }) =>
  PRICES.lambdaRequests + (f.ms / 1000) * (f.memoryMb / 1024) * PRICES.lambdaGbSecondsArm64;

/** USD per million jobs of each priced item, and their total. */
export interface CostLine {
  readonly usdPerMillionJobs: number;
  readonly breakdown: Record<string, number>;
}

function costLine(items: Record<string, number>): CostLine {
  const perMillion = Object.fromEntries(Object.entries(items).map(([k, usd]) => [k, round(usd * MILLION)]));
  const total = Object.values(items).reduce((a, b) => a + b, 0);
  return { usdPerMillionJobs: round(total * MILLION), breakdown: perMillion };
}

/** Accepting a job in every option: one REST API request and one API Lambda invocation. */
const acceptJob = () => ({
  apiGateway: PRICES.apiGatewayRestRequests,
  apiLambda: lambdaUsd(ASSUMPTIONS.api),
});

/**
 * Kairos with the event source mapping at `batchSize`: each delivered message costs its share of one
 * ReceiveMessage, one DeleteMessageBatch and one dispatcher invocation (batch size 1 is the worst case:
 * a quiet queue delivers messages one at a time).
 */
export function kairosCost(life: RequestSummary, deliveredMessages: number, batchSize: number): CostLine {
  const perMessage = 1 / batchSize;
  return costLine({
    ...acceptJob(),
    dispatcherLambda: deliveredMessages * perMessage * lambdaUsd(ASSUMPTIONS.dispatcher),
    targetLambdaRequest: life.lambdaInvokes * PRICES.lambdaRequests,
    dynamodbWrites: life.dynamodb.wcu * PRICES.dynamodbWriteRequestUnits,
    dynamodbReads: life.dynamodb.rru * PRICES.dynamodbReadRequestUnits,
    sqsSends: life.sqsSends * PRICES.sqsStandardRequests,
    sqsEventSource: deliveredMessages * 2 * perMessage * PRICES.sqsStandardRequests,
    s3Puts: life.s3.put * PRICES.s3PutRequests,
    s3Gets: life.s3.get * PRICES.s3GetRequests,
  });
}

/**
 * What Kairos pays every month whatever the number of jobs: the watcher's tick each minute (an EventBridge
 * Scheduler invocation, a Lambda invocation and its eventually consistent bucket queries).
 */
export function kairosFixedPerMonth(queriesPerTick: number, rruPerTick: number) {
  const perTick =
    PRICES.schedulerInvocations +
    lambdaUsd(ASSUMPTIONS.watcher) +
    rruPerTick * PRICES.dynamodbReadRequestUnits;
  return {
    ticksPerMonth: TICKS_PER_MONTH,
    queriesPerTick,
    rruPerTick,
    usd: round(perTick * TICKS_PER_MONTH),
  };
}

/**
 * (a) One EventBridge Scheduler one-time schedule per job: the API Lambda calls CreateSchedule (Scheduler API
 * calls are not billed; `ActionAfterCompletion: DELETE` removes it for free), one invocation, the target's
 * request. No run record, log or output is kept: this is its floor.
 */
export function eventBridgeCost(): CostLine {
  return costLine({
    ...acceptJob(),
    schedulerInvocation: PRICES.schedulerInvocations,
    targetLambdaRequest: PRICES.lambdaRequests,
  });
}

/**
 * (b) One Step Functions Standard execution per job: the API Lambda calls StartExecution (billed through the
 * transitions), Wait until the time → Task (invoke the target) → Succeed, about 4 state transitions.
 */
export function stepFunctionsCost(): CostLine {
  return costLine({
    ...acceptJob(),
    stateTransitions: ASSUMPTIONS.stepFunctionsTransitionsPerJob * PRICES.stepFunctionsStandardTransitions,
    targetLambdaRequest: PRICES.lambdaRequests,
  });
}

/**
 * The floor the issue names: three DynamoDB write units per job (as few as saving the job, creating its run and
 * recording its end could cost, with no index and no timer item).
 */
export const FLOOR_WCU = 3;

/** USD per million jobs of `wcu` write units per job. */
export function wcuUsdPerMillionJobs(wcu: number): number {
  return round(wcu * PRICES.dynamodbWriteRequestUnits * MILLION);
}
