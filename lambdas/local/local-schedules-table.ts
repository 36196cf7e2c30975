/**
 * The table behind the local EventBridge Scheduler stand-in (local runtime only, so it is not one of the CDK's
 * `TABLES`): one item per schedule, keyed by the schedule name, as `local-queue-table.ts` does for the queue.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from './embedded-dynamo.js';

/**
 * Suffix of the physical name `<prefix>-LocalSchedules`: spelled like `LocalQueue`, and distinct from the timer
 * table `<prefix>-Schedule`, which holds something else entirely.
 */
export const LOCAL_SCHEDULES_TABLE = {
  id: 'LocalSchedules',
  partitionKey: { name: 'name', type: 'S' },
  globalIndexes: [],
} as const;

/** Creates `<prefix>-LocalSchedules` unless it exists, waits until it is ACTIVE; returns its name. */
export function ensureLocalSchedulesTable(
  client: DynamoDBClient | DynamoDBDocumentClient,
  prefix: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<string> {
  return ensureTable(client, `${prefix}-${LOCAL_SCHEDULES_TABLE.id}`, LOCAL_SCHEDULES_TABLE, options);
}
