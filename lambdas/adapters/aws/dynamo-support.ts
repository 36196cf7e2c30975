/**
 * Pieces shared by the DynamoDB store adapters: recognising a lost condition, reading the item that made it
 * fail, and collecting one page of a filtered, newest-first index query.
 */
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError, ValidationError } from '../../core/errors.js';
import type { CursorKey } from '../../store/cursor.js';

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

/** Items read per request when a filter may drop most of them: fewer round trips for sparse filters. */
const FILTERED_PAGE_SIZE = 50;

export interface NewestFirstQuery {
  readonly client: DynamoDBDocumentClient;
  /** Table, index, key condition, optional filter and expression attributes. */
  readonly input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey' | 'ScanIndexForward'>;
  readonly limit: number;
  /** Resume right after this key. */
  readonly startKey?: CursorKey;
}

/**
 * Collects up to `limit` matching items, newest first. `Limit` caps the items *read* before the filter drops
 * any, so this keeps querying until it holds `limit + 1` matches (the extra one only proves there is a next
 * page) or the index ends. The caller builds the cursor from the last item returned, never from
 * `LastEvaluatedKey`, so items read past it are neither skipped nor repeated.
 */
export async function queryNewestFirst(
  query: NewestFirstQuery,
): Promise<{ items: Record<string, unknown>[]; hasMore: boolean }> {
  const items: Record<string, unknown>[] = [];
  const filtered = query.input.FilterExpression !== undefined;
  let startKey: Record<string, unknown> | undefined = query.startKey;
  do {
    const needed = query.limit + 1 - items.length;
    const page = await query.client.send(
      new QueryCommand({
        ...query.input,
        ScanIndexForward: false,
        Limit: filtered ? Math.max(needed, FILTERED_PAGE_SIZE) : needed,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (items.length <= query.limit && startKey !== undefined);
  return { items: items.slice(0, query.limit), hasMore: items.length > query.limit };
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
