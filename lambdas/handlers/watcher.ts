/**
 * Lambda entry of the watcher, invoked by EventBridge Scheduler every minute: moves the timers that come
 * within 15 minutes from the Schedule table to the lane queues.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient } from '../adapters/aws/dynamo-client.js';
import { createDynamoTimerStore } from '../adapters/aws/dynamo-timer-store.js';
import { createSqsDispatchQueue } from '../adapters/aws/sqs-dispatch-queue.js';
import { readTimerConfig } from '../config-queues.js';
import { createWatcher } from '../services/watcher.js';

// Built once per cold start: configuration errors surface at init, and clients keep their connections warm.
const config = readTimerConfig();
const watcher = createWatcher({
  queue: createSqsDispatchQueue({ client: new SQSClient({}), queueUrls: config.queueUrls }),
  store: createDynamoTimerStore({ client: createDocumentClient(), tableName: config.scheduleTable }),
  clock: { now: () => new Date() },
  shards: config.shards,
});

/** Moves due timers; a thrown error marks the invocation failed so the Scheduler's retry and alarms see it. */
export const handler = async (): Promise<{ moved: number }> => watcher.tick();
