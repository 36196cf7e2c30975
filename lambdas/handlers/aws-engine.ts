import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createAwsExecutors } from '../adapters/aws/aws-executors.js';
import { createEventBridgeCronRegistry } from '../adapters/aws/cron-registry.js';
import { createDynamoBackfillStore } from '../adapters/aws/dynamo-backfill-store.js';
import { createDocumentClient } from '../adapters/aws/dynamo-client.js';
import { createDynamoConcurrencySlots } from '../adapters/aws/dynamo-concurrency-slots.js';
import { createDynamoJobStore } from '../adapters/aws/dynamo-job-store.js';
import { createDynamoRunStore } from '../adapters/aws/dynamo-run-store.js';
import { createDynamoSlaStore } from '../adapters/aws/dynamo-sla-store.js';
import { createDynamoTimerStore } from '../adapters/aws/dynamo-timer-store.js';
import { createLambdaLog, type LambdaLog } from '../adapters/aws/lambda-log.js';
import { createS3Artifacts } from '../adapters/aws/s3-artifacts.js';
import { createSnsAlerts } from '../adapters/aws/sns-alerts.js';
import { createSqsDeadLetters, createSqsDispatchQueue } from '../adapters/aws/sqs-dispatch-queue.js';
import { createLocalAlerts } from '../adapters/local/local-alerts.js';
import { type AwsConfig, readAwsConfig, requireEnv } from '../config.js';
import { readTimerConfig } from '../config-queues.js';
import { type AllowList, allowListFromEnv } from '../core/ssrf.js';
import type { CronRegistry } from '../ports.js';
import type { EngineDeps } from '../services/dispatch/deps.js';
import { createExecutionControl } from '../services/execution-control.js';
import { createTimers } from '../services/timers.js';
import { dagSupportFromEnv } from './aws-dags.js';

export interface AwsEngine {
  readonly deps: EngineDeps;
  readonly config: AwsConfig;
  readonly allowList: AllowList;
  /** The function's log and metric sinks (`deps.log`, `deps.metrics`) and its Powertools Logger. */
  readonly lambdaLog: LambdaLog;
}

/** The per-job EventBridge schedules, when the stack provides what they need (stacks from before do not). */
function cronRegistryFromEnv(env: NodeJS.ProcessEnv): CronRegistry | undefined {
  const group = env.KAIROS_SCHEDULE_GROUP;
  const roleArn = env.KAIROS_SCHEDULER_ROLE_ARN;
  if (!group || !roleArn) return undefined;
  return createEventBridgeCronRegistry({
    client: new SchedulerClient({}),
    groupName: group,
    roleArn,
    queueArns: {
      high: requireEnv(env, 'KAIROS_QUEUE_ARN_HIGH'),
      normal: requireEnv(env, 'KAIROS_QUEUE_ARN_NORMAL'),
      low: requireEnv(env, 'KAIROS_QUEUE_ARN_LOW'),
    },
    deadLetterArn: requireEnv(env, 'KAIROS_SCHEDULER_DLQ_ARN'),
  });
}

/** Comma list from the environment; empty or unset is an empty list. */
function listEnv(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The execution engine on AWS adapters, built once per cold start by each Lambda entry point (API, dispatcher,
 * completion) from the environment the stack sets. SDK clients are created here, once.
 */
export function buildAwsEngine(env: NodeJS.ProcessEnv = process.env): AwsEngine {
  const config = readAwsConfig(env);
  const timerConfig = readTimerConfig(env);
  const client = createDocumentClient();
  const sqs = new SQSClient({});
  const clock = { now: () => new Date() };
  const allowList = allowListFromEnv(env.KAIROS_HTTP_ALLOW);
  const queue = createSqsDispatchQueue({ client: sqs, queueUrls: timerConfig.queueUrls });
  const cluster = env.KAIROS_FARGATE_CLUSTER ?? '';
  const sfn = new SFNClient({});
  const lambdaLog = createLambdaLog({ env });
  const deps: EngineDeps = {
    jobs: createDynamoJobStore({ client, tableName: config.jobsTable, cursorSecret: config.cursorSecret }),
    runs: createDynamoRunStore({ client, tableName: config.runsTable, cursorSecret: config.cursorSecret }),
    timers: createTimers({
      queue,
      store: createDynamoTimerStore({ client, tableName: timerConfig.scheduleTable }),
      clock,
      shards: timerConfig.shards,
    }),
    slots: createDynamoConcurrencySlots({ client, tableName: config.jobsTable }),
    backfills: createDynamoBackfillStore({ client, tableName: config.jobsTable }),
    executors: createAwsExecutors({
      lambda: new LambdaClient({}),
      ecs: new ECSClient({}),
      sfn,
      fargate:
        cluster === ''
          ? undefined
          : {
              cluster,
              subnets: listEnv(env, 'KAIROS_FARGATE_SUBNETS'),
              securityGroups: listEnv(env, 'KAIROS_FARGATE_SECURITY_GROUPS'),
              assignPublicIp: env.KAIROS_FARGATE_ASSIGN_PUBLIC_IP === 'true',
            },
      allowList,
    }),
    artifacts: createS3Artifacts({
      client: new S3Client({}),
      bucket: requireEnv(env, 'KAIROS_ARTIFACTS_BUCKET'),
    }),
    deadLetters: createSqsDeadLetters({
      client: sqs,
      queueUrl: requireEnv(env, 'KAIROS_FAILURES_QUEUE_URL'),
    }),
    control: createExecutionControl(),
    cron: cronRegistryFromEnv(env),
    sla: createDynamoSlaStore({ client, runsTable: config.runsTable, jobsTable: config.jobsTable }),
    // Without a topic (a stack from before alerting), misses are still recorded and logged.
    alerts: env.KAIROS_ALERT_TOPIC_ARN
      ? createSnsAlerts({ client: new SNSClient({}), topicArn: env.KAIROS_ALERT_TOPIC_ARN })
      : createLocalAlerts({ log: lambdaLog.log }),
    stage: env.KAIROS_STAGE,
    log: lambdaLog.log,
    metrics: lambdaLog.metrics,
    clock,
    random: Math.random,
    runRetentionDays: Number(env.KAIROS_RUN_RETENTION_DAYS ?? 30),
    ...dagSupportFromEnv(env, sfn, lambdaLog.log),
  };
  return { deps, config, allowList, lambdaLog };
}
