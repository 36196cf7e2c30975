/**
 * `RunStore` on the DynamoDB Runs table: one record per slot (create-if-absent), every state change one
 * conditional `UpdateItem` guarded by status (and attempt), and run history newest first on the keys-only `byJob`
 * index (the runs themselves read by key, so updating a run never rewrites the index).
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { IllegalStateError, NotFoundError, ValidationError } from '../../core/errors.js';
import { isRunStatus, type RunStatus } from '../../core/run-states.js';
import type { RunStore, RunTransition } from '../../ports.js';
import { type CursorKey, createCursorCodec } from '../../store/cursor.js';
import { fromRunItem, RUN_CURSOR_KEYS, scheduledKeyOf, toRunItem } from '../../store/dynamo-items.js';
import { RUNS_TABLE } from '../../store/tables.js';
import {
  batchGetInOrder,
  checkLimit,
  failedItem,
  inList,
  isConditionalCheckFailed,
  putIfAbsent,
  queryNewestFirst,
} from './dynamo-support.js';

export interface DynamoRunStoreOptions {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the Runs table. */
  readonly tableName: string;
  /** Secret that signs list cursors. */
  readonly cursorSecret: string;
}

const BY_JOB = RUNS_TABLE.globalIndexes[0]!.indexName;
const TABLE_KEY = [RUNS_TABLE.partitionKey.name];

/** Attributes a transition must never write through `set`: keys, index keys and the guarded status. */
const PROTECTED = new Set(['runId', 'jobId', 'status', 'scheduledKey']);

/** Builds a `RunStore` on the given table. */
export function createDynamoRunStore(options: DynamoRunStoreOptions): RunStore {
  const { client, tableName: TableName } = options;
  const codec = createCursorCodec(options.cursorSecret);

  const read = async (runId: string): Promise<Record<string, unknown> | undefined> =>
    (await client.send(new GetCommand({ TableName, Key: { runId }, ConsistentRead: true }))).Item;

  const refuse = (change: RunTransition, current: Record<string, unknown> | undefined, cause?: unknown) => {
    if (current === undefined) return new NotFoundError(`Run ${change.runId} does not exist.`, { cause });
    const guard = change.expectedAttempt === undefined ? '' : ` at attempt ${change.expectedAttempt}`;
    return new IllegalStateError(
      `Run ${change.runId} is ${String(current.status)} (attempt ${String(current.attempt)}); changing it to ` +
        `${change.to} requires one of: ${change.from.join(', ') || '(none)'}${guard}.`,
      { cause },
    );
  };

  const update = (change: RunTransition) => {
    const names: Record<string, string> = { '#status': 'status' };
    const sources = inList('from', change.from);
    const values: Record<string, unknown> = { ':to': change.to, ...sources.values };
    const sets = ['#status = :to'];
    const removes: string[] = [];
    const attributes: Record<string, unknown> = { ...change.set };
    for (const name of Object.keys(attributes)) {
      if (PROTECTED.has(name)) throw new Error(`A run transition cannot set "${name}".`);
    }
    // `scheduledFor` also positions the run in the `byJob` index, so its helper key moves with it.
    if (typeof attributes.scheduledFor === 'string') {
      attributes.scheduledKey = scheduledKeyOf({
        runId: change.runId,
        scheduledFor: attributes.scheduledFor,
      });
    }
    Object.entries(attributes).forEach(([name, value], i) => {
      names[`#a${i}`] = name;
      // An attribute given as `undefined` is removed, so the stored record matches `{ ...run, ...set }`.
      if (value === undefined) removes.push(`#a${i}`);
      else {
        values[`:a${i}`] = value;
        sets.push(`#a${i} = :a${i}`);
      }
    });
    let condition = `#status IN (${sources.list})`;
    if (change.expectedAttempt !== undefined) {
      names['#attempt'] = 'attempt';
      values[':expectedAttempt'] = change.expectedAttempt;
      condition += ' AND #attempt = :expectedAttempt';
    }
    return new UpdateCommand({
      TableName,
      Key: { runId: change.runId },
      UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  };

  const decodeStart = (cursor: string, jobId: string): CursorKey => {
    const key = codec.decode(cursor, RUN_CURSOR_KEYS);
    if (key.jobId !== jobId || typeof key.runId !== 'string' || typeof key.scheduledKey !== 'string') {
      throw ValidationError.at('query.cursor', 'The cursor does not belong to the run history of this job.');
    }
    return key;
  };

  const store: RunStore = {
    async create(run) {
      await putIfAbsent(client, TableName, toRunItem(run), 'runId', `Run ${run.runId}`);
    },

    async get(runId) {
      const item = await read(runId);
      return item === undefined ? undefined : fromRunItem(item);
    },

    async transition(change) {
      // `IN ()` is not valid syntax; no status qualifies, so only the error remains to be chosen.
      if (change.from.length === 0) throw refuse(change, await read(change.runId));
      try {
        const result = await client.send(update(change));
        return fromRunItem(result.Attributes!);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        throw refuse(change, await failedItem(error, () => read(change.runId)), error);
      }
    },

    async listByJob(query) {
      checkLimit(query.limit);
      const startKey = query.cursor === undefined ? undefined : decodeStart(query.cursor, query.jobId);
      const statuses = query.statuses;
      if (statuses !== undefined && statuses.length === 0) return { items: [] };
      const wanted = statuses === undefined ? undefined : new Set<unknown>(statuses);

      const page = await queryNewestFirst({
        client,
        limit: query.limit,
        startKey,
        tableKey: TABLE_KEY,
        cursorKeys: RUN_CURSOR_KEYS,
        keep: wanted === undefined ? undefined : (item) => wanted.has(item.status),
        input: {
          TableName,
          IndexName: BY_JOB,
          KeyConditionExpression: 'jobId = :jobId',
          ExpressionAttributeValues: { ':jobId': query.jobId },
        },
      });
      const items = page.items.map(fromRunItem);
      return page.hasMore && page.lastKey !== undefined
        ? { items, nextCursor: codec.encode(page.lastKey) }
        : { items };
    },

    async latestForJob(jobId) {
      return (await store.listByJob({ jobId, limit: 1 })).items[0];
    },

    async statusesOf(runIds, options = {}) {
      // Only the status is read back (a backfill asks about up to 10,000 slots); chunks of 100 per request.
      const items = await batchGetInOrder(
        client,
        TableName,
        TABLE_KEY,
        runIds.map((runId) => ({ runId })),
        { projection: ['status'], consistent: options.consistent },
      );
      const statuses = new Map<string, RunStatus>();
      items.forEach((item, i) => {
        if (item !== undefined && isRunStatus(item.status)) statuses.set(runIds[i], item.status);
      });
      return statuses;
    },
    async setTaskState(runId, attempt, taskId, state) {
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: { runId },
            // A path into the map: concurrent tasks each write their own entry, never the whole map.
            UpdateExpression: 'SET #tasks.#task = :state',
            // A cancelled run still takes its tasks' last states (CANCELLED, or an end that raced the cancel).
            ConditionExpression:
              '#status IN (:running, :cancelled) AND attempt = :attempt AND attribute_exists(#tasks)',
            ExpressionAttributeNames: { '#tasks': 'tasks', '#task': taskId, '#status': 'status' },
            ExpressionAttributeValues: {
              ':state': state,
              ':running': 'RUNNING',
              ':cancelled': 'CANCELLED',
              ':attempt': attempt,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
  };
  return store;
}
