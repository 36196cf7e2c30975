/**
 * A durable queue with SQS semantics for the local runtime, kept in its own table of the embedded DynamoDB:
 * delays, visibility timeouts, receive counts and redrive to a dead-letter queue. dynalite writes every item to
 * LevelDB before it answers, so a message acknowledged by `send` survives `kill -9`.
 *
 * A receive finds visible messages through the `byVisibleAt` index and then claims each with one conditional
 * update (`visibleAtMs <= now`) that pushes `visibleAtMs` past the visibility timeout and stores a fresh claim
 * token: of two consumers racing for one message exactly one condition holds. The receipt carries the token,
 * and deleting, hiding or dead-lettering a message requires the token to still be its claim.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from '../adapters/aws/dynamo-batch-write.js';
import { isConditionalCheckFailed } from '../adapters/aws/dynamo-support.js';
import type { Clock } from '../ports.js';
import { allMessages, claimMessage, type MessageItem, visibleMessages } from './local-queue-table.js';
import type { DeadLetterRecord, LocalQueue, ReceivedMessage } from './local-queue-types.js';

export {
  createLocalDeadLetters,
  createLocalDispatchQueue,
  DEAD_LETTERS_QUEUE,
  DISPATCH_DLQ,
  laneQueue,
  listDeadLetters,
} from './local-queue-ports.js';
export { ensureLocalQueueTable, LOCAL_QUEUE_TABLE } from './local-queue-table.js';
export type * from './local-queue-types.js';

export interface LocalQueueOptions {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the table made by `ensureLocalQueueTable`. */
  readonly tableName: string;
  /** @default - the system clock */
  readonly clock?: Clock;
}

function parseReceipt(receipt: string): { id: string; token: string } {
  const dot = receipt.lastIndexOf('.');
  if (dot <= 0) throw new Error(`Not a local queue receipt: '${receipt}'`);
  return { id: receipt.slice(0, dot), token: receipt.slice(dot + 1) };
}

/** Runs a conditional write; false when its condition did not hold. */
async function guarded(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** Opens the local queue stored in `tableName`. */
export function createLocalQueue(options: LocalQueueOptions): LocalQueue {
  const { client, tableName: TableName } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const now = () => clock.now().getTime();
  const newItem = (queue: string, body: string, delaySeconds = 0): MessageItem => ({
    queue,
    id: randomUUID(),
    body,
    receiveCount: 0,
    visibleAtMs: now() + Math.max(0, delaySeconds) * 1000,
  });
  const ownedBy = (token: string) => ({
    ConditionExpression: '#claim = :token',
    ExpressionAttributeNames: { '#claim': 'claim' },
    ExpressionAttributeValues: { ':token': token },
  });

  const queue: LocalQueue = {
    async send(name, body, delaySeconds) {
      const item = newItem(name, body, delaySeconds);
      await client.send(new PutCommand({ TableName, Item: item }));
      return item.id;
    },

    async sendMany(entries) {
      const requests = entries.map((e) => ({
        PutRequest: { Item: newItem(e.queue, e.body, e.delaySeconds) },
      }));
      await batchWriteAll(client, TableName, requests);
    },

    async receive(name, { max, visibilityTimeoutSeconds, redrive }) {
      if (!Number.isInteger(max) || max < 1)
        throw new RangeError(`max must be a positive integer, got ${max}`);
      const hideMs = visibilityTimeoutSeconds * 1000;
      const received: ReceivedMessage[] = [];
      // Twice as many candidates as wanted: some may be claimed by a concurrent consumer before we get them.
      for await (const candidates of visibleMessages(client, TableName, name, now(), max * 2)) {
        for (let i = 0; i < candidates.length && received.length < max; ) {
          const batch = candidates.slice(i, i + max - received.length);
          i += batch.length;
          const claimed = await Promise.all(
            batch.map((c) => claimMessage(client, TableName, { queue: name, id: c.id }, now(), hideMs)),
          );
          for (const message of claimed) {
            if (message === undefined) continue; // another consumer claimed it first
            if (redrive !== undefined && message.receiveCount > redrive.maxReceiveCount) {
              // SQS semantics: a message past its maxReceiveCount moves to the DLQ instead of being received.
              const reason = `received ${message.receiveCount - 1} times (maxReceiveCount ${redrive.maxReceiveCount})`;
              await queue.deadLetter(name, message.receipt, redrive.deadLetterQueue, reason);
            } else received.push(message);
          }
        }
        if (received.length >= max) break;
      }
      return received;
    },

    async delete(name, receipt) {
      const { id, token } = parseReceipt(receipt);
      return guarded(() =>
        client.send(new DeleteCommand({ TableName, Key: { queue: name, id }, ...ownedBy(token) })),
      );
    },

    async changeVisibility(name, receipt, timeoutSeconds) {
      const { id, token } = parseReceipt(receipt);
      const condition = ownedBy(token);
      return guarded(() =>
        client.send(
          new UpdateCommand({
            TableName,
            Key: { queue: name, id },
            UpdateExpression: 'SET #visible = :until',
            ConditionExpression: condition.ConditionExpression,
            ExpressionAttributeNames: { ...condition.ExpressionAttributeNames, '#visible': 'visibleAtMs' },
            ExpressionAttributeValues: {
              ...condition.ExpressionAttributeValues,
              ':until': now() + timeoutSeconds * 1000,
            },
          }),
        ),
      );
    },

    async deadLetter(name, receipt, deadLetterQueue, reason) {
      const { id, token } = parseReceipt(receipt);
      const { Item } = await client.send(
        new GetCommand({ TableName, Key: { queue: name, id }, ConsistentRead: true }),
      );
      const message = Item as MessageItem | undefined;
      if (message?.claim !== token) return false;
      const record: DeadLetterRecord = {
        reason,
        body: message.body,
        source: name,
        receiveCount: message.receiveCount,
        recordedAt: clock.now().toISOString(),
      };
      // Copy first, then delete: a crash in between leaves the message in both queues, never in neither. The
      // copy keeps the message id, so a second attempt overwrites it instead of adding another.
      const copy = {
        queue: deadLetterQueue,
        id,
        body: JSON.stringify(record),
        receiveCount: 0,
        visibleAtMs: now(),
      };
      await client.send(new PutCommand({ TableName, Item: copy }));
      const moved = await guarded(() =>
        client.send(new DeleteCommand({ TableName, Key: { queue: name, id }, ...ownedBy(token) })),
      );
      // Lost the claim meanwhile (visibility ran out and another consumer has it): the message stays live.
      if (!moved) await client.send(new DeleteCommand({ TableName, Key: { queue: deadLetterQueue, id } }));
      return moved;
    },

    async list(name) {
      return (await allMessages(client, TableName, name)).map(({ id, body, receiveCount, visibleAtMs }) => ({
        id,
        body,
        receiveCount,
        visibleAtMs,
      }));
    },
  };
  return queue;
}
