/**
 * `JobStore` on the DynamoDB Jobs table: create-if-absent, optimistic locking on `version`, guarded status
 * changes, and a newest-first listing on the keys-only `byCreated` index (jobs read by key, filtered in code)
 * with opaque, signed cursors.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  IllegalStateError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from '../../core/errors.js';
import type { JobRecord, JobStatus } from '../../core/job.js';
import type { JobStore } from '../../ports.js';
import { type CursorKey, createCursorCodec } from '../../store/cursor.js';
import { fromJobItem, JOB_CURSOR_KEYS, toJobItem } from '../../store/dynamo-items.js';
import { JOBS_LIST_PARTITION, JOBS_TABLE } from '../../store/tables.js';
import {
  checkLimit,
  failedItem,
  inList,
  isConditionalCheckFailed,
  putIfAbsent,
  queryNewestFirst,
} from './dynamo-support.js';

export interface DynamoJobStoreOptions {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the Jobs table. */
  readonly tableName: string;
  /** Secret that signs list cursors. */
  readonly cursorSecret: string;
}

/** Exhaustive on purpose: a new status fails to compile here instead of being silently left out of lists. */
const EVERY_JOB_STATUS: Record<JobStatus, true> = { ACTIVE: true, PAUSED: true, DELETED: true };

const BY_CREATED = JOBS_TABLE.globalIndexes[0]!.indexName;
const TABLE_KEY = [JOBS_TABLE.partitionKey.name];

/**
 * The value of tag `key` on a stored job, if it is a string. Own properties only: a tag key may hold any
 * character and may be named like an `Object.prototype` member (`constructor`).
 */
function tagOf(item: Record<string, unknown>, key: string): string | undefined {
  const definition = item.definition as { tags?: unknown } | undefined;
  const tags = definition?.tags;
  if (typeof tags !== 'object' || tags === null || !Object.hasOwn(tags, key)) return undefined;
  const value = (tags as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** Builds a `JobStore` on the given table. */
export function createDynamoJobStore(options: DynamoJobStoreOptions): JobStore {
  const { client, tableName: TableName } = options;
  const codec = createCursorCodec(options.cursorSecret);

  const read = async (jobId: string): Promise<Record<string, unknown> | undefined> =>
    (await client.send(new GetCommand({ TableName, Key: { jobId }, ConsistentRead: true }))).Item;

  const illegalStatus = (jobId: string, current: unknown, from: readonly JobStatus[], to: JobStatus) =>
    new IllegalStateError(
      `Job ${jobId} is ${String(current)}; changing it to ${to} requires one of: ${from.join(', ') || '(none)'}.`,
    );

  const decodeStart = (cursor: string): CursorKey => {
    const key = codec.decode(cursor, JOB_CURSOR_KEYS);
    if (
      key.listKey !== JOBS_LIST_PARTITION ||
      typeof key.jobId !== 'string' ||
      typeof key.createdKey !== 'string'
    ) {
      throw ValidationError.at('query.cursor', 'The cursor does not belong to the job list.');
    }
    return key;
  };

  return {
    async create(job) {
      await putIfAbsent(client, TableName, toJobItem(job), 'jobId', `Job ${job.jobId}`);
    },

    async get(jobId) {
      const item = await read(jobId);
      return item === undefined ? undefined : fromJobItem(item);
    },

    async update(job, expectedVersion) {
      const next: JobRecord = { ...job, version: expectedVersion + 1 };
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: toJobItem(next),
            ConditionExpression: 'attribute_exists(jobId) AND #version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const current = await failedItem(error, () => read(job.jobId));
        if (current === undefined)
          throw new NotFoundError(`Job ${job.jobId} does not exist.`, { cause: error });
        const actual = typeof current.version === 'number' ? current.version : undefined;
        throw new VersionConflictError(expectedVersion, actual, { cause: error });
      }
      return next;
    },

    async markScheduleSynced(jobId, version) {
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: { jobId },
            UpdateExpression: 'SET scheduleSyncedVersion = :v',
            ConditionExpression: '#version = :v',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':v': version },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async setStatus(jobId, from, to, at) {
      if (from.length === 0) {
        // `IN ()` is not valid syntax; no status qualifies, so only the error remains to be chosen.
        const current = await read(jobId);
        if (current === undefined) throw new NotFoundError(`Job ${jobId} does not exist.`);
        throw illegalStatus(jobId, current.status, from, to);
      }
      const sources = inList('from', from);
      try {
        const result = await client.send(
          new UpdateCommand({
            TableName,
            Key: { jobId },
            UpdateExpression: 'SET #status = :to, #version = #version + :one, #updatedAt = :at',
            ConditionExpression: `attribute_exists(jobId) AND #status IN (${sources.list})`,
            ExpressionAttributeNames: {
              '#status': 'status',
              '#version': 'version',
              '#updatedAt': 'updatedAt',
            },
            ExpressionAttributeValues: { ':to': to, ':one': 1, ':at': at, ...sources.values },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return fromJobItem(result.Attributes!);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const current = await failedItem(error, () => read(jobId));
        if (current === undefined) throw new NotFoundError(`Job ${jobId} does not exist.`, { cause: error });
        throw illegalStatus(jobId, current.status, from, to);
      }
    },

    async list(query) {
      checkLimit(query.limit);
      const startKey = query.cursor === undefined ? undefined : decodeStart(query.cursor);
      if (query.statuses.length === 0) return { items: [] };

      const everyStatus = Object.keys(EVERY_JOB_STATUS).every((s) => query.statuses.includes(s as JobStatus));
      const statuses = everyStatus ? undefined : new Set<unknown>(query.statuses);
      const tag = query.tag;
      if (tag !== undefined && tag.key.length === 0) {
        throw ValidationError.at('query.tag', 'The tag key must not be empty.');
      }
      const keep =
        statuses === undefined && tag === undefined
          ? undefined
          : (item: Record<string, unknown>) =>
              (statuses === undefined || statuses.has(item.status)) &&
              (tag === undefined || tagOf(item, tag.key) === tag.value);

      const page = await queryNewestFirst({
        client,
        limit: query.limit,
        startKey,
        tableKey: TABLE_KEY,
        cursorKeys: JOB_CURSOR_KEYS,
        keep,
        input: {
          TableName,
          IndexName: BY_CREATED,
          KeyConditionExpression: 'listKey = :list',
          ExpressionAttributeValues: { ':list': JOBS_LIST_PARTITION },
        },
      });
      const items = page.items.map(fromJobItem);
      return page.hasMore && page.lastKey !== undefined
        ? { items, nextCursor: codec.encode(page.lastKey) }
        : { items };
    },
  };
}
