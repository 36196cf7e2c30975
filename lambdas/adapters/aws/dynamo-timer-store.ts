/**
 * `TimerStore` on the DynamoDB Schedule table: timers are written and removed with BatchWriteItem and read
 * bucket by bucket with a key-condition Query, in due order.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dueKeyAfter } from '../../core/time-buckets.js';
import type { TimerItem, TimerStore } from '../../ports.js';
import { type BatchWriteOptions, batchWriteAll, type WriteRequest } from './dynamo-batch-write.js';

export interface DynamoTimerStoreOptions {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the Schedule table. */
  readonly tableName: string;
  /** Retry of unprocessed items. @default - see `BatchWriteOptions` */
  readonly retry?: BatchWriteOptions;
}

type TimerKey = Pick<TimerItem, 'bucket' | 'due'>;

/**
 * One entry per key, the last one winning: BatchWriteItem rejects a request that names a key twice, and a
 * timer written twice in one call (a burst carrying the same message) is the same timer.
 */
function lastPerKey<T extends TimerKey>(items: readonly T[]): T[] {
  return [...new Map(items.map((item) => [`${item.bucket}\n${item.due}`, item])).values()];
}

/** Builds a `TimerStore` on the given table. */
export function createDynamoTimerStore(options: DynamoTimerStoreOptions): TimerStore {
  const { client, tableName: TableName } = options;
  const write = (requests: WriteRequest[]) => batchWriteAll(client, TableName, requests, options.retry);

  return {
    async put(items) {
      await write(
        lastPerKey(items).map((item) => ({
          PutRequest: {
            Item: {
              bucket: item.bucket,
              due: item.due,
              dueAtMs: item.dueAtMs,
              lane: item.lane,
              message: item.message,
              expiresAt: item.expiresAt,
            },
          },
        })),
      );
    },

    async listDue(bucket, untilMs) {
      const items: TimerItem[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        // Eventually consistent on purpose: an item written a moment ago and missed now is read on the next
        // tick, a minute later, still well within its horizon; strong reads would double the cost of every
        // (mostly empty) bucket the watcher scans.
        const page = await client.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: '#bucket = :bucket AND #due < :after',
            ExpressionAttributeNames: { '#bucket': 'bucket', '#due': 'due' },
            ExpressionAttributeValues: { ':bucket': bucket, ':after': dueKeyAfter(untilMs) },
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...((page.Items ?? []) as TimerItem[]));
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      return items;
    },

    async remove(keys) {
      await write(
        lastPerKey(keys).map((key) => ({ DeleteRequest: { Key: { bucket: key.bucket, due: key.due } } })),
      );
    },
  };
}
