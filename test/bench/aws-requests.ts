/**
 * AWS requests per job and the cost per million jobs: the whole life of one `at` job (submit → SUCCEEDED) on
 * the real AWS adapters, DynamoDB on an embedded dynalite, SQS, S3 and Lambda answered by an SDK middleware that
 * counts every request (see `aws/`). Deterministic: a fixed virtual clock, no network, no console output.
 */
import { startCountedEngine } from './aws/engine.js';
import { liveOneJob } from './aws/life.js';
import {
  ASSUMPTIONS,
  eventBridgeCost,
  FLOOR_WCU,
  kairosCost,
  kairosFixedPerMonth,
  PRICE_TABLE,
  stepFunctionsCost,
  wcuUsdPerMillionJobs,
} from './aws/prices.js';
import { describeWrites, summarise, timeline, wcuByTable } from './aws/summary.js';
import type { BenchLine } from './types.js';

/** What the event source mapping pays per delivered message: one ReceiveMessage and one DeleteMessageBatch. */
function eventSourceRequests(delivered: number) {
  return {
    perMessageAtBatch1: 2,
    perMessageAtBatch10: 0.2,
    atBatch1: delivered * 2,
    atBatch10: delivered * 0.2,
  };
}

/** One job's life, counted, priced, and compared with EventBridge Scheduler and Step Functions. */
export default async function benchAwsRequests(): Promise<BenchLine[]> {
  // The SDK warns once per process on Node < 22; the bench prints only its lines (set only if left unset).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const engine = await startCountedEngine();
  try {
    const life = await liveOneJob(engine);
    const s = summarise(life.calls);
    const delivered = life.delivered.length;
    const eventSource = eventSourceRequests(delivered);
    const sqs = { sends: s.sqsSends, eventSourceAtBatch1: eventSource.atBatch1 };
    // Billed requests, the event source mapping's included (at batch size 1, the worst case).
    const total =
      s.dynamodb.reads +
      s.dynamodb.writes +
      s.sqsSends +
      eventSource.atBatch1 +
      s.s3.put +
      s.s3.get +
      s.lambdaInvokes +
      s.other;
    const fixedQueries = life.tickFixedCalls.length / Math.max(1, life.watcherTicks);
    const fixedRru = life.tickFixedCalls.reduce((a, c) => a + c.units, 0) / Math.max(1, life.watcherTicks);
    const kairos = kairosCost(s, delivered, 1);
    const floor = { wcu: FLOOR_WCU, usdPerMillionJobs: wcuUsdPerMillionJobs(FLOOR_WCU) };
    return [
      {
        name: 'aws.requestsPerJob',
        value: total,
        unit: 'requests',
        job: "one 'at' job, lambda target, submit → SUCCEEDED",
        dynamodb: {
          reads: s.dynamodb.reads,
          writes: s.dynamodb.writes,
          wcu: s.dynamodb.wcu,
          rru: s.dynamodb.rru,
        },
        sqs,
        s3: s.s3.put + s.s3.get,
        lambda: s.lambdaInvokes,
        deliveredMessages: life.delivered,
        sqsEventSource: eventSource,
        watcherTickFixed: {
          queries: fixedQueries,
          rru: fixedRru,
          note: 'per tick (each minute), not per job',
        },
        timeline: timeline(life.calls),
      },
      {
        name: 'aws.dynamodbWcuPerJob',
        value: s.dynamodb.wcu,
        unit: 'WCU',
        gsiWcu: s.dynamodb.gsiWcu,
        byTable: wcuByTable(life.calls),
        largestItemBytes: s.dynamodb.largestItemBytes,
        allItemsUnder1KB: s.dynamodb.largestItemBytes <= 1024,
        writes: describeWrites(life.calls),
        floor,
      },
      {
        name: 'aws.costPerMillionJobs.kairos',
        value: kairos.usdPerMillionJobs,
        unit: 'USD',
        breakdown: kairos.breakdown,
        amortisedAtBatch10: kairosCost(s, delivered, 10).usdPerMillionJobs,
        fixedPerMonth: kairosFixedPerMonth(fixedQueries, fixedRru),
        dynamodbFloor: floor,
        assumptions: {
          ...ASSUMPTIONS,
          dispatcherInvocations: `${delivered} per job: one per delivered message at batch size 1`,
          region: 'us-east-1, on-demand list prices, free tiers ignored',
        },
        prices: PRICE_TABLE,
      },
      {
        name: 'aws.costPerMillionJobs.eventbridgeOneTimeSchedule',
        value: eventBridgeCost().usdPerMillionJobs,
        unit: 'USD',
        breakdown: eventBridgeCost().breakdown,
        keeps: 'nothing: no run record, log, output or retry history',
      },
      {
        name: 'aws.costPerMillionJobs.stepFunctionsStandard',
        value: stepFunctionsCost().usdPerMillionJobs,
        unit: 'USD',
        breakdown: stepFunctionsCost().breakdown,
        keeps: 'the execution history (90 days)',
      },
    ];
  } finally {
    await engine.close();
  }
}
