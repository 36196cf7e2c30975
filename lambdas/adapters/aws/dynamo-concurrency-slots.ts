import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConcurrencySlots } from '../../ports.js';
import { SLOTS_ITEM_PREFIX } from '../../store/tables.js';
import { isConditionalCheckFailed } from './dynamo-support.js';

export interface DynamoConcurrencySlotsOptions {
  readonly client: DynamoDBDocumentClient;
  /** The Jobs table: slots live in a sibling item `slots#<jobId>`, outside the listing index (no `listKey`). */
  readonly tableName: string;
}

/**
 * Slots as a string set on one item per job. A separate item (not an attribute of the job) so that a job
 * update, which rewrites the job item, can never drop a claim made in between.
 */
export function createDynamoConcurrencySlots({
  client,
  tableName,
}: DynamoConcurrencySlotsOptions): ConcurrencySlots {
  const key = (jobId: string) => ({ jobId: `${SLOTS_ITEM_PREFIX}${jobId}` });
  return {
    async claim(jobId, runId, max) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(jobId),
            UpdateExpression: 'ADD holders :run',
            ConditionExpression:
              'attribute_not_exists(holders) OR size(holders) < :max OR contains(holders, :id)',
            ExpressionAttributeValues: { ':run': new Set([runId]), ':max': max, ':id': runId },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
    async release(jobId, runId) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(jobId),
          UpdateExpression: 'DELETE holders :run',
          ExpressionAttributeValues: { ':run': new Set([runId]) },
        }),
      );
    },
    async holders(jobId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: key(jobId), ConsistentRead: true }),
      );
      const holders = Item?.holders as Set<string> | undefined;
      return holders ? [...holders] : [];
    },
  };
}
