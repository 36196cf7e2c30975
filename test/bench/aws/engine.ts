/**
 * The object graph the Lambdas build in `lambdas/handlers/aws-engine.ts` (API, dispatcher) and
 * `lambdas/handlers/watcher.ts`, on the real AWS adapters and SDK clients, with two differences: DynamoDB is an
 * embedded dynalite, and every client carries the counting middleware, which answers SQS, S3 and Lambda itself.
 * The clock is virtual, so a life that spans an hour (the default attempt timeout) runs in milliseconds.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createAwsExecutors } from '../../../lambdas/adapters/aws/aws-executors.js';
import { createDynamoBackfillStore } from '../../../lambdas/adapters/aws/dynamo-backfill-store.js';
import { createDocumentClient } from '../../../lambdas/adapters/aws/dynamo-client.js';
import { createDynamoConcurrencySlots } from '../../../lambdas/adapters/aws/dynamo-concurrency-slots.js';
import { createDynamoJobStore } from '../../../lambdas/adapters/aws/dynamo-job-store.js';
import { createDynamoRunStore } from '../../../lambdas/adapters/aws/dynamo-run-store.js';
import { createDynamoSlaStore } from '../../../lambdas/adapters/aws/dynamo-sla-store.js';
import { createDynamoTimerStore } from '../../../lambdas/adapters/aws/dynamo-timer-store.js';
import { createS3Artifacts } from '../../../lambdas/adapters/aws/s3-artifacts.js';
import {
  createSqsDeadLetters,
  createSqsDispatchQueue,
} from '../../../lambdas/adapters/aws/sqs-dispatch-queue.js';
import { allowListFromEnv } from '../../../lambdas/core/ssrf.js';
import {
  ensureTables,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startEmbeddedDynamo,
} from '../../../lambdas/local/embedded-dynamo.js';
import { buildServices } from '../../../lambdas/services/build-services.js';
import type { EngineDeps } from '../../../lambdas/services/dispatch/deps.js';
import { createDispatcher } from '../../../lambdas/services/dispatch/dispatcher.js';
import { createExecutionControl } from '../../../lambdas/services/execution-control.js';
import { createTimers } from '../../../lambdas/services/timers.js';
import { createWatcher } from '../../../lambdas/services/watcher.js';
import { physicalTableName, TABLES, type TableDefinition } from '../../../lambdas/store/tables.js';
import { createRequestCounter } from './counter.js';
import { createFakeAws } from './fake-services.js';

/** The deployed default (`lib/config.ts` `scheduleShards`). */
export const SCHEDULE_SHARDS = 16;
/** A fixed start, so ids aside every figure is the same on every run. */
const START_MS = Date.parse('2030-01-01T00:00:00.000Z');
const PREFIX = 'kairos-bench';
const ACCOUNT_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012';

/** Builds the engine; `close()` stops the embedded DynamoDB. */
export async function startCountedEngine() {
  const dynamo = await startEmbeddedDynamo();
  const names = await ensureTables(dynamo.client, PREFIX);
  const tables = new Map<string, TableDefinition>(TABLES.map((t) => [physicalTableName(PREFIX, t), t]));

  const clock = { ms: START_MS, now: () => new Date(clock.ms) };
  const fakes = createFakeAws(() => clock.ms);
  // The tables were created with the embedded client; that one stays uncounted and reads item images.
  const counter = createRequestCounter({ tables, sideReader: dynamo.client, fakes });

  // A port nothing listens on: should a request ever get past the middleware, it fails here, not at AWS.
  const offline = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: 'http://127.0.0.1:9' };
  const client = counter.attach(
    createDocumentClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
  );
  const sqs = counter.attach(new SQSClient(offline));
  const allowList = allowListFromEnv(undefined);
  const queue = createSqsDispatchQueue({
    client: sqs,
    queueUrls: {
      high: `${ACCOUNT_URL}/kairos-high`,
      normal: `${ACCOUNT_URL}/kairos-normal`,
      low: `${ACCOUNT_URL}/kairos-low`,
    },
  });
  const timerStore = createDynamoTimerStore({ client, tableName: names.Schedule });
  const secret = 'bench-cursor-secret-0123456789abcdef';
  const deps: EngineDeps = {
    jobs: createDynamoJobStore({ client, tableName: names.Jobs, cursorSecret: secret }),
    runs: createDynamoRunStore({ client, tableName: names.Runs, cursorSecret: secret }),
    timers: createTimers({ queue, store: timerStore, clock, shards: SCHEDULE_SHARDS }),
    slots: createDynamoConcurrencySlots({ client, tableName: names.Jobs }),
    backfills: createDynamoBackfillStore({ client, tableName: names.Jobs }),
    executors: createAwsExecutors({
      lambda: counter.attach(new LambdaClient(offline)),
      ecs: counter.attach(new ECSClient(offline)),
      sfn: counter.attach(new SFNClient(offline)),
      fargate: undefined,
      allowList,
    }),
    artifacts: createS3Artifacts({
      client: counter.attach(new S3Client(offline)),
      bucket: 'kairos-artifacts',
    }),
    deadLetters: createSqsDeadLetters({ client: sqs, queueUrl: `${ACCOUNT_URL}/kairos-failures`, clock }),
    control: createExecutionControl(),
    sla: createDynamoSlaStore({ client, runsTable: names.Runs, jobsTable: names.Jobs }),
    alerts: { slaMissed: async () => {} },
    metrics: () => {},
    clock,
    random: () => 0.5,
    runRetentionDays: 30,
    // The engine logs JSON lines to stdout by default; the bench prints only its own lines.
    log: () => {},
  };

  return {
    clock,
    counter,
    fakes,
    deps,
    services: buildServices(deps, 'aws', allowList, '0'),
    dispatcher: createDispatcher(deps),
    watcher: createWatcher({ queue, store: timerStore, clock, shards: SCHEDULE_SHARDS }),
    tableNames: names,
    /** Uncounted client, for checks that must not add to the count. */
    inspector: dynamo.client,
    close: async () => {
      client.destroy();
      await dynamo.close();
    },
  };
}

export type CountedEngine = Awaited<ReturnType<typeof startCountedEngine>>;
