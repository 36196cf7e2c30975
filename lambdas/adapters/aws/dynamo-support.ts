/**
 * Pieces shared by the DynamoDB store adapters: recognising a lost condition, reading the item that made it
 * fail, reading items by key in batches, and collecting one page of a filtered, newest-first listing on a
 * keys-only index.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError, KairosError, ValidationError } from '../../core/errors.js';
import type { CursorKey } from '../../store/cursor.js';
import { chunk } from './dynamo-batch-write.js';

/** Whether `error` is DynamoDB's answer to a condition that did not hold. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Scalars of an item as the document client returns them, or as AttributeValues (`{ S }`, `{ N }`). */
function scalar(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const attribute = value as { S?: unknown; N?: unknown };
  if (typeof attribute.S === 'string') return attribute.S;
  if (typeof attribute.N === 'string') return Number(attribute.N);
  return value;
}

/**
 * The item that failed a condition: from `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'` when the server
 * honours it (the document client does not unmarshal it, so scalars are read from AttributeValues), otherwise
 * from a strongly consistent read (dynalite ignores the parameter). `undefined` means the item does not exist.
 */
export async function failedItem(
  error: unknown,
  read: () => Promise<Record<string, unknown> | undefined>,
): Promise<Record<string, unknown> | undefined> {
  const item = (error as { Item?: Record<string, unknown> }).Item;
  if (item !== undefined && Object.keys(item).length > 0) {
    return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, scalar(value)]));
  }
  return read();
}

/** Placeholders `:prefix0, :prefix1, …` for an `IN (…)` list, and their values. */
export function inList(
  prefix: string,
  values: readonly string[],
): { list: string; values: Record<string, string> } {
  const entries = values.map((value, i) => [`:${prefix}${i}`, value] as const);
  return { list: entries.map(([name]) => name).join(', '), values: Object.fromEntries(entries) };
}

/** Throws `ValidationError` (path `query.limit`) unless `limit` is a positive integer. */
export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw ValidationError.at('query.limit', 'The limit must be a positive integer.');
  }
}

/** The most keys one BatchGetItem accepts. */
export const BATCH_GET_LIMIT = 100;

export interface BatchGetOptions {
  /** Rounds per chunk, the first included, before unprocessed keys become an error. @default 8 */
  readonly maxAttempts?: number;
  /** Backoff before the second round; doubles each round (throttling clears in well under a second). @default 50 */
  readonly baseDelayMs?: number;
  /** Attributes to return (the key attributes are always added, to match items to keys). @default every attribute */
  readonly projection?: readonly string[];
  /** Strongly consistent reads. @default false */
  readonly consistent?: boolean;
}

/** Keys DynamoDB still had not read after every retry; retrying the whole operation later may succeed. */
export class BatchGetIncompleteError extends KairosError {
  override readonly retryable = true;
  constructor(
    readonly tableName: string,
    readonly unprocessed: number,
  ) {
    super(`BatchGetItem left ${unprocessed} key(s) of ${tableName} unprocessed after every retry.`);
  }
}

type Item = Record<string, unknown>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The attributes `names` of `item` (a key, when `names` are the key attributes). */
function pick(item: Item, names: readonly string[]): Item {
  return Object.fromEntries(names.map((name) => [name, item[name]]));
}

/** One string per key, equal for equal keys (key attributes are strings or numbers). */
const identity = (item: Item, keyNames: readonly string[]): string =>
  JSON.stringify(keyNames.map((name) => item[name]));

/**
 * Reads the items of `keys` (each holding exactly the table's key attributes `keyNames`) with BatchGetItem:
 * chunks of 100, keys DynamoDB leaves unprocessed retried with exponential backoff a bounded number of times,
 * then `BatchGetIncompleteError` instead of a silent gap. Answers in the order of `keys`, `undefined` where no
 * item exists. Eventually consistent, like the index queries whose keys it resolves.
 */
export async function batchGetInOrder(
  client: DynamoDBDocumentClient,
  tableName: string,
  keyNames: readonly string[],
  keys: readonly Item[],
  options: BatchGetOptions = {},
): Promise<(Item | undefined)[]> {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const found = new Map<string, Item>();
  const read = readOptions(keyNames, options);
  // One request must not name a key twice (DynamoDB refuses the whole request), so duplicates are read once.
  const unique = [...new Map(keys.map((key) => [identity(key, keyNames), key])).values()];
  for (const part of chunk(unique, BATCH_GET_LIMIT)) {
    let pending: Item[] = part;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts) throw new BatchGetIncompleteError(tableName, pending.length);
      if (attempt > 1) await sleep(baseDelayMs * 2 ** (attempt - 2));
      const result = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ...read } } }),
      );
      for (const item of result.Responses?.[tableName] ?? []) found.set(identity(item, keyNames), item);
      pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return keys.map((key) => found.get(identity(key, keyNames)));
}

/** The projection (names as placeholders: `status` is a reserved word) and consistency of a batch read. */
function readOptions(keyNames: readonly string[], options: BatchGetOptions) {
  const consistent = options.consistent ? { ConsistentRead: true } : {};
  if (options.projection === undefined) return consistent;
  const names = [...new Set([...keyNames, ...options.projection])];
  return {
    ...consistent,
    ProjectionExpression: names.map((_, i) => `#p${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#p${i}`, name])),
  };
}

/** Keys queried per request when a filter may drop most of the items: fewer round trips for sparse filters. */
const FILTERED_PAGE_SIZE = 50;

export interface NewestFirstQuery {
  readonly client: DynamoDBDocumentClient;
  /**
   * Table, index, key condition and its expression attributes. No filter: a `KEYS_ONLY` index holds nothing
   * else to filter on, so `keep` filters the items once they are read.
   */
  readonly input: Omit<
    QueryCommandInput,
    | 'Limit'
    | 'ExclusiveStartKey'
    | 'ScanIndexForward'
    | 'FilterExpression'
    | 'ProjectionExpression'
    | 'Select'
  > & { readonly TableName: string };
  /** Key attributes of the table, to read the items the index names. */
  readonly tableKey: readonly string[];
  /** Attributes of a start key of the index (table key and index key): what the cursor carries. */
  readonly cursorKeys: readonly string[];
  /** Which items to return (status, tag filters); every item when absent. */
  readonly keep?: (item: Item) => boolean;
  readonly limit: number;
  /** Resume right after this key. */
  readonly startKey?: CursorKey;
  readonly batchGet?: BatchGetOptions;
}

export interface NewestFirstPage {
  readonly items: Item[];
  readonly hasMore: boolean;
  /** Index key of the last item returned (where it stood when queried): the next page starts after it. */
  readonly lastKey?: CursorKey;
}

/**
 * Collects up to `limit` items that `keep` accepts, newest first, from an index that holds keys only: each
 * query page of keys is resolved with BatchGetItem in index order, an item deleted in between is skipped,
 * and `keep` applies to the item as read. This keeps querying until it holds `limit + 1` items (the extra
 * one only proves there is a next page) or the index ends. The cursor is the index key of the last item
 * returned, never `LastEvaluatedKey`, so keys read past it are neither skipped nor repeated.
 *
 * Under a filter, keys are resolved in growing slices (what is still missing, then doubling up to 100 per
 * request), so a dense filter reads little more than it returns and a sparse one needs few round trips.
 */
export async function queryNewestFirst(query: NewestFirstQuery): Promise<NewestFirstPage> {
  const { client, input, limit, keep } = query;
  const found: Array<{ item: Item; entry: Item }> = [];
  let startKey: Record<string, unknown> | undefined = query.startKey;
  let slice = 0;
  do {
    const needed = limit + 1 - found.length;
    const page = await client.send(
      new QueryCommand({
        ...input,
        ScanIndexForward: false,
        Limit: keep === undefined ? needed : Math.max(needed, FILTERED_PAGE_SIZE),
        ExclusiveStartKey: startKey,
      }),
    );
    const entries = page.Items ?? [];
    for (let next = 0; next < entries.length && found.length <= limit; ) {
      slice = Math.min(BATCH_GET_LIMIT, Math.max(limit + 1 - found.length, slice * 2));
      const part = entries.slice(next, next + slice);
      next += part.length;
      const keys = part.map((entry) => pick(entry, query.tableKey));
      const items = await batchGetInOrder(client, input.TableName, query.tableKey, keys, query.batchGet);
      part.forEach((entry, i) => {
        const item = items[i];
        if (item !== undefined && (keep === undefined || keep(item))) found.push({ item, entry });
      });
    }
    startKey = page.LastEvaluatedKey;
  } while (found.length <= limit && startKey !== undefined);
  const returned = found.slice(0, limit);
  const last = returned.at(-1);
  return {
    items: returned.map((f) => f.item),
    hasMore: found.length > limit,
    lastKey: last === undefined ? undefined : (pick(last.entry, query.cursorKeys) as CursorKey),
  };
}

/** Create-if-absent: one conditional put on the partition key; an existing item is `AlreadyExistsError`. */
export async function putIfAbsent(
  client: DynamoDBDocumentClient,
  tableName: string,
  item: object,
  keyName: string,
  what: string,
): Promise<void> {
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: `attribute_not_exists(${keyName})`,
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    throw new AlreadyExistsError(`${what} already exists.`, { cause: error });
  }
}
