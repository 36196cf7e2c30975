/**
 * The table behind the local EventBridge Scheduler stand-in (local runtime only, so it is not one of the CDK's
 * `TABLES`): one item per schedule, keyed by the schedule name, as `local-queue-table.ts` does for the queue.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Suffix of the physical name `<prefix>-LocalSchedules`: spelled like `LocalQueue`, and distinct from the timer
 * table `<prefix>-Schedule`, which holds something else entirely.
 */
export const LOCAL_SCHEDULES_TABLE = {
  id: 'LocalSchedules',
  partitionKey: { name: 'name', type: 'S' },
} as const;

/** Creates `<prefix>-LocalSchedules` unless it exists, waits until it is ACTIVE; returns its name. */
export async function ensureLocalSchedulesTable(
  client: DynamoDBClient | DynamoDBDocumentClient,
  prefix: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<string> {
  // A document client passes control-plane commands through unchanged; only its typing is narrower.
  const raw = client as unknown as DynamoDBClient;
  const TableName = `${prefix}-${LOCAL_SCHEDULES_TABLE.id}`;
  const key = LOCAL_SCHEDULES_TABLE.partitionKey;
  try {
    await raw.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: key.name, AttributeType: key.type }],
        KeySchema: [{ AttributeName: key.name, KeyType: 'HASH' }],
      }),
    );
  } catch (error) {
    // Created by an earlier start (or a concurrent one): exactly what we wanted.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const { Table } = await raw.send(new DescribeTableCommand({ TableName })).catch((error: unknown) => {
      if (error instanceof ResourceNotFoundException) return { Table: undefined };
      throw error;
    });
    if (Table?.TableStatus === 'ACTIVE') return TableName;
    if (Date.now() > deadline) throw new Error(`Table ${TableName} is not ACTIVE in time.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
