/**
 * What an empty deployment costs a month (`npm run bench idle-cost`): the default stack synthesized in-process
 * (bundling skipped) and priced from the same price table as the per-job figures (`aws/prices.ts`, model in
 * `aws/idle.ts`). The watcher's tick is measured, not assumed: one tick of the real watcher on the counted engine
 * (embedded DynamoDB, empty Schedule table), priced by the same function that prices it in `aws-requests`.
 */
import { SCHEDULE_SHARDS, startCountedEngine } from './aws/engine.js';
import { idleCostModel } from './aws/idle.js';
import { PRICE_TABLE } from './aws/prices.js';
import { synthDefaultKairos } from './lambda/synth.js';
import type { BenchLine } from './types.js';

/** The bucket queries of one watcher tick on an empty Schedule table. */
async function measureIdleTick(): Promise<{ queries: number; rru: number }> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const engine = await startCountedEngine();
  try {
    const { counter, watcher } = engine;
    counter.state.phase = 'watcher';
    const before = counter.calls.length;
    const { moved } = await watcher.tick();
    if (moved !== 0) throw new Error('The idle tick moved timers: the Schedule table was not empty.');
    const calls = counter.calls.splice(before);
    const other = calls.filter((c) => c.command !== 'Query');
    if (other.length > 0)
      throw new Error(`The idle tick made more than queries: ${other.map((c) => c.command)}`);
    return { queries: calls.length, rru: calls.reduce((sum, c) => sum + c.units, 0) };
  } finally {
    await engine.close();
  }
}

export default async function benchIdleCost(): Promise<BenchLine[]> {
  const { resources, functions } = synthDefaultKairos();
  const watcher = functions.find((f) => f.entry === 'lambdas/handlers/watcher.ts');
  const shards = Number(watcher?.environment.KAIROS_SCHEDULE_SHARDS);
  if (watcher && shards !== SCHEDULE_SHARDS) {
    throw new Error(`The stack deploys ${shards} shards; the counted engine measures ${SCHEDULE_SHARDS}.`);
  }
  const tick = await measureIdleTick();
  const model = idleCostModel({ resources, functions, tick });
  const usd = (key: keyof typeof PRICE_TABLE) => PRICE_TABLE[key];
  return [
    {
      name: 'aws.idleCostPerMonth',
      value: model.usd,
      unit: 'USD/month',
      withAlwaysFreeTiers: model.usdWithFreeTiers,
      breakdown: model.items,
      sqsPollersPerMapping: model.pollersPerMapping,
      zeroWhileIdle: model.freeWhenIdle,
      unclassifiedResourceTypes: model.unclassified,
      assumptions: {
        stack: 'default context (stage dev, 16 shards), synthesized in-process, bundling skipped',
        month: '30 days; us-east-1 list prices; the value ignores free tiers',
        withAlwaysFreeTiers: `if Kairos alone used the account's always-free tiers: ${model.freeTiers}`,
        idle: 'no job, no API call, nobody viewing the dashboard; empty tables, queues and bucket',
        excluded:
          'CloudTrail, Config, GuardDuty and other account-level services; data transfer; the CDK bootstrap ' +
          "stack's assets bucket (a few MB of Lambda bundles)",
      },
      prices: {
        cloudwatchAlarmMetricMonths: usd('cloudwatchAlarmMetricMonths'),
        cloudwatchDashboardMonths: usd('cloudwatchDashboardMonths'),
        kmsKeyMonths: usd('kmsKeyMonths'),
        kmsRequests: usd('kmsRequests'),
        secretsManagerSecretMonths: usd('secretsManagerSecretMonths'),
        sqsStandardRequests: usd('sqsStandardRequests'),
        xrayTracesRecorded: usd('xrayTracesRecorded'),
        cloudwatchLogsIngestedGb: usd('cloudwatchLogsIngestedGb'),
        cloudwatchLogsStoredGbMonths: usd('cloudwatchLogsStoredGbMonths'),
        schedulerInvocations: usd('schedulerInvocations'),
        dynamodbReadRequestUnits: usd('dynamodbReadRequestUnits'),
      },
    },
  ];
}
