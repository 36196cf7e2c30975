/**
 * `JobStore` on the DynamoDB Jobs table: create-if-absent, optimistic locking on `version`, guarded status
 * changes, and a newest-first listing on the `byCreated` index with opaque, signed cursors.
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
import { fromJobItem, JOB_CURSOR_KEYS, jobCursorKey, toJobItem } from '../../store/dynamo-items.js';
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

      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':list': JOBS_LIST_PARTITION };
      const filters: string[] = [];
      const everyStatus = Object.keys(EVERY_JOB_STATUS).every((s) => query.statuses.includes(s as JobStatus));
      if (!everyStatus) {
        const statuses = inList('status', query.statuses);
        names['#status'] = 'status';
        Object.assign(values, statuses.values);
        filters.push(`#status IN (${statuses.list})`);
      }
      if (query.tag !== undefined) {
        if (query.tag.key.length === 0)
          throw ValidationError.at('query.tag', 'The tag key must not be empty.');
        // Names for every path segment: a tag key may hold any character, including `.`, `#` or spaces.
        Object.assign(names, { '#definition': 'definition', '#tags': 'tags', '#tagKey': query.tag.key });
        values[':tagValue'] = query.tag.value;
        filters.push('#definition.#tags.#tagKey = :tagValue');
      }

      const page = await queryNewestFirst({
        client,
        limit: query.limit,
        startKey,
        input: {
          TableName,
          IndexName: BY_CREATED,
          KeyConditionExpression: 'listKey = :list',
          FilterExpression: filters.length > 0 ? filters.join(' AND ') : undefined,
          ExpressionAttributeNames: filters.length > 0 ? names : undefined,
          ExpressionAttributeValues: values,
        },
      });
      const items = page.items.map(fromJobItem);
      const last = items.at(-1);
      return page.hasMore && last !== undefined
        ? { items, nextCursor: codec.encode(jobCursorKey(last)) }
        : { items };
    },
  };
}
