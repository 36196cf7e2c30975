/**
 * The table behind the local queue (local runtime only, so it is not one of the CDK's `TABLES`): its
 * definition, its bootstrap on the embedded DynamoDB, the reads the queue makes and its claim.
 */

import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from '../adapters/aws/dynamo-batch-write.js';
import { isConditionalCheckFailed } from '../adapters/aws/dynamo-support.js';
import type { TableDefinition } from '../store/tables.js';
import { ensureTable } from './embedded-dynamo.js';
import type { ReceivedMessage } from './local-queue-types.js';

/** Shape of `TableDefinition` with this table's own id. */
export type LocalTableDefinition = Omit<TableDefinition, 'id'> & { readonly id: 'LocalQueue' };

/**
 * Messages keyed by queue name + message id. The `byVisibleAt` index orders each queue by the instant its
 * messages become visible, so a receive reads the visible ones first without scanning hidden ones.
 */
export const LOCAL_QUEUE_TABLE = {
  id: 'LocalQueue',
  partitionKey: { name: 'queue', type: 'S' },
  sortKey: { name: 'id', type: 'S' },
  globalIndexes: [
    {
      indexName: 'byVisibleAt',
      partitionKey: { name: 'queue', type: 'S' },
      sortKey: { name: 'visibleAtMs', type: 'N' },
    },
  ],
} as const satisfies LocalTableDefinition;

const INDEX = LOCAL_QUEUE_TABLE.globalIndexes[0].indexName;

/** Creates the queue table `<prefix>-LocalQueue` unless it exists, waits until it is ACTIVE; returns its name. */
export function ensureLocalQueueTable(
  client: DynamoDBClient | DynamoDBDocumentClient,
  prefix: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<string> {
  return ensureTable(client, `${prefix}-${LOCAL_QUEUE_TABLE.id}`, LOCAL_QUEUE_TABLE, options);
}

/** A message as stored. `claim` is the token of its latest receive. */
export interface MessageItem {
  readonly queue: string;
  readonly id: string;
  readonly body: string;
  readonly receiveCount: number;
  readonly visibleAtMs: number;
  readonly claim?: string;
}

/** Pages of the messages of `queue` visible at `nowMs`, earliest visible first. */
export async function* visibleMessages(
  client: DynamoDBDocumentClient,
  tableName: string,
  queue: string,
  nowMs: number,
  pageSize: number,
): AsyncGenerator<MessageItem[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: INDEX,
        KeyConditionExpression: '#queue = :queue AND visibleAtMs <= :now',
        ExpressionAttributeNames: { '#queue': 'queue' },
        ExpressionAttributeValues: { ':queue': queue, ':now': nowMs },
        Limit: pageSize,
        ExclusiveStartKey: startKey,
      }),
    );
    yield (page.Items ?? []) as MessageItem[];
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
}

/** Every message of `queue`, in id order, claimed or not. */
export async function allMessages(
  client: DynamoDBDocumentClient,
  tableName: string,
  queue: string,
): Promise<MessageItem[]> {
  const items: MessageItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#queue = :queue',
        ExpressionAttributeNames: { '#queue': 'queue' },
        ExpressionAttributeValues: { ':queue': queue },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as MessageItem[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/**
 * Rewrites every message of `queues` as it is, which rewrites its `byVisibleAt` index entry. dynalite updates an
 * item's index entries before the item itself, deleting the old entry first when the key moves (every claim
 * moves `visibleAtMs`): a `kill -9` between the two leaves a message with no index entry, which no receive would
 * ever find again. The local runtime calls this at start, before anything consumes, so no message is lost.
 */
export async function reindexMessages(
  client: DynamoDBDocumentClient,
  tableName: string,
  queues: readonly string[],
): Promise<number> {
  let count = 0;
  for (const queue of queues) {
    const items = await allMessages(client, tableName, queue);
    await batchWriteAll(
      client,
      tableName,
      items.map((item) => ({ PutRequest: { Item: item as unknown as Record<string, unknown> } })),
    );
    count += items.length;
  }
  return count;
}

/**
 * Claims one message if it is visible at `nowMs`: one conditional update hides it for `hideMs`, counts the
 * receive and stores a fresh token (returned in the receipt). Undefined when another consumer was first.
 */
export async function claimMessage(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: { readonly queue: string; readonly id: string },
  nowMs: number,
  hideMs: number,
): Promise<ReceivedMessage | undefined> {
  const token = randomUUID();
  try {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET #visible = :until, #claim = :token ADD #count :one',
        // `attribute_exists`: an update must never resurrect a message deleted since the index was read.
        ConditionExpression: 'attribute_exists(#id) AND #visible <= :now',
        ExpressionAttributeNames: {
          '#visible': 'visibleAtMs',
          '#claim': 'claim',
          '#count': 'receiveCount',
          '#id': 'id',
        },
        ExpressionAttributeValues: { ':until': nowMs + hideMs, ':token': token, ':one': 1, ':now': nowMs },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const stored = Attributes as MessageItem;
    return {
      id: key.id,
      body: stored.body,
      receiveCount: stored.receiveCount,
      receipt: `${key.id}.${token}`,
    };
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}
