import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BackfillRecord } from '../../core/backfill/record.js';
import type { BackfillStore } from '../../ports.js';
import { isConditionalCheckFailed, putIfAbsent } from './dynamo-support.js';

export interface DynamoBackfillStoreOptions {
  readonly client: DynamoDBDocumentClient;
  /**
   * The Jobs table: a backfill is a sibling item `backfill#<backfillId>` (as `slots#<jobId>` and `sla#<day>`),
   * without `listKey`, so it stays out of the jobs listing and needs no table of its own, nor new permissions.
   */
  readonly tableName: string;
}

const PREFIX = 'backfill#';

/** `BackfillStore` on the Jobs table: every change one conditional `UpdateItem` on the backfill's item. */
export function createDynamoBackfillStore({ client, tableName }: DynamoBackfillStoreOptions): BackfillStore {
  const key = (backfillId: string) => ({ jobId: `${PREFIX}${backfillId}` });

  const fromItem = (item: Record<string, unknown>): BackfillRecord => {
    const { jobId: _key, targetJobId, ...rest } = item;
    return { ...rest, jobId: targetJobId } as unknown as BackfillRecord;
  };

  /** One conditional update; false when the condition did not hold. */
  const conditional = async (input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>) => {
    try {
      await client.send(new UpdateCommand({ TableName: tableName, ...input }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  };

  const store: BackfillStore = {
    async create(record) {
      // The item's key attribute is `jobId`, so the backfill's job id is kept as `targetJobId`.
      const { jobId, ...rest } = record;
      await putIfAbsent(
        client,
        tableName,
        { ...rest, ...key(record.backfillId), targetJobId: jobId },
        'jobId',
        `Backfill ${record.backfillId}`,
      );
    },

    async get(backfillId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: key(backfillId), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : fromItem(Item);
    },

    advance(backfillId, slot, launched) {
      // ISO instants of one format sort as strings, so `<` compares them in time.
      return conditional({
        Key: key(backfillId),
        UpdateExpression: launched ? 'SET #cursor = :slot ADD launched :one' : 'SET #cursor = :slot',
        ConditionExpression:
          'attribute_exists(jobId) AND #status = :running AND (attribute_not_exists(#cursor) OR #cursor < :slot)',
        ExpressionAttributeNames: { '#cursor': 'cursor', '#status': 'status' },
        ExpressionAttributeValues: {
          ':slot': slot,
          ':running': 'RUNNING',
          ...(launched ? { ':one': 1 } : {}),
        },
      });
    },

    park(backfillId, runId) {
      return conditional({
        Key: key(backfillId),
        UpdateExpression: 'SET parked = :run',
        ConditionExpression: 'attribute_exists(jobId) AND #status = :running',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':run': runId, ':running': 'RUNNING' },
      });
    },

    async cancel(backfillId) {
      await conditional({
        Key: key(backfillId),
        UpdateExpression: 'SET #status = :cancelled',
        ConditionExpression: 'attribute_exists(jobId) AND #status = :running',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':cancelled': 'CANCELLED', ':running': 'RUNNING' },
      });
      // Whether this call or an earlier one cancelled it, the caller acts on the record as it is now.
      return store.get(backfillId);
    },

    claimRecheck(backfillId, at, now) {
      return conditional({
        Key: key(backfillId),
        UpdateExpression: 'SET recheckAt = :at',
        ConditionExpression:
          'attribute_exists(jobId) AND #status = :running AND (attribute_not_exists(recheckAt) OR recheckAt <= :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':at': at, ':now': now, ':running': 'RUNNING' },
      });
    },
  };
  return store;
}
