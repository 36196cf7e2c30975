/**
 * BatchWriteItem for any number of requests: chunks of 25 (DynamoDB's limit), unprocessed items retried with
 * exponential backoff a bounded number of times, then a clear error instead of a silent partial write.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KairosError } from '../../core/errors.js';

/** The most requests one BatchWriteItem accepts. */
export const BATCH_WRITE_LIMIT = 25;

/** One put or delete of a BatchWriteItem, as the document client takes it. */
export type WriteRequest =
  | { readonly PutRequest: { readonly Item: object } }
  | { readonly DeleteRequest: { readonly Key: Record<string, unknown> } };

export interface BatchWriteOptions {
  /** Rounds per chunk, the first included, before unprocessed items become an error. @default 8 */
  readonly maxAttempts?: number;
  /** Backoff before the second round; doubles each round (throttling clears in well under a second). @default 50 */
  readonly baseDelayMs?: number;
}

/** Items DynamoDB still had not written after every retry; retrying the whole operation later may succeed. */
export class BatchWriteIncompleteError extends KairosError {
  override readonly retryable = true;
  constructor(
    readonly tableName: string,
    readonly unprocessed: number,
  ) {
    super(`BatchWriteItem left ${unprocessed} item(s) of ${tableName} unprocessed after every retry.`);
  }
}

/** Splits `items` into arrays of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Writes every request (callers dedupe keys first: one BatchWriteItem rejects two requests for the same key).
 * Chunks go out one after another so a large batch does not throttle itself.
 */
export async function batchWriteAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchWriteOptions = {},
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  for (const part of chunk(requests, BATCH_WRITE_LIMIT)) {
    let pending: WriteRequest[] = part;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > maxAttempts) throw new BatchWriteIncompleteError(tableName, pending.length);
      if (attempt > 1) await sleep(baseDelayMs * 2 ** (attempt - 2));
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }
}
