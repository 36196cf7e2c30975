/**
 * The embedded DynamoDB of the local runtime and the integration tests: dynalite (DynamoDB API over LevelDB)
 * on 127.0.0.1, and the bootstrap that creates Kairos' tables from the same definitions the CDK stack uses.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { createDocumentClient } from '../adapters/aws/dynamo-client.js';
import { physicalTableName, projectionOf, TABLES, type TableDefinition } from '../store/tables.js';
import { lockDirectory } from './dir-lock.js';

/** Region the local clients claim; nothing local ever reaches AWS, but the SDK insists on one. */
export const LOCAL_REGION = 'us-east-1';

/** Static fake credentials, so the SDK never looks up real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'kairos-local', secretAccessKey: 'kairos-local' } as const;

export interface EmbeddedDynamoOptions {
  /** Directory of the LevelDB store (created if missing). @default - in memory */
  readonly path?: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly port?: number;
}

export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** A document client for the endpoint, with local credentials and region. */
  readonly client: DynamoDBDocumentClient;
  /** Stops the server and releases the on-disk store (LevelDB lock), so it can be reopened. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1 with instant table creation. With a `path`, the directory is locked for this
 * process until `close()`, because dynalite hangs instead of failing on a LevelDB store that is already open.
 */
export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> {
  let unlock = async (): Promise<void> => {};
  if (options.path !== undefined) {
    await mkdir(options.path, { recursive: true });
    unlock = await lockDirectory(options.path);
  }
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await unlock();
    throw error;
  }
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createDocumentClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      // The SDK keeps sockets alive; without dropping them the server (and with it LevelDB) never closes.
      client.destroy();
      server.closeIdleConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }).finally(unlock);
    return closing;
  };
  return { endpoint, client, close };
}

/** Physical table names by logical id. */
export type TableNames = Record<TableDefinition['id'], string>;

/**
 * Creates every table of `TABLES` under `prefix` unless it exists, waits until it and its indexes are ACTIVE,
 * and enables TTL where the server supports it. Safe to call on every start.
 *
 * An existing table is left as it is: nothing is migrated, so the index projection of a table created by an
 * older version (e.g. `ALL` in a local data directory, where it is now `KEYS_ONLY`) stays what it was. The
 * stores work on either, since they read the items by key after querying an index; delete the data directory
 * to get the current definition.
 */
export async function ensureTables(
  client: DynamoDBClient | DynamoDBDocumentClient,
  prefix: string,
  options: { readonly timeoutMs?: number } = {},
): Promise<TableNames> {
  // A document client passes control-plane commands through unchanged; only its typing is narrower.
  const raw = client as unknown as DynamoDBClient;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const entries = await Promise.all(
    TABLES.map(async (table) => {
      const name = physicalTableName(prefix, table);
      await createIfAbsent(raw, name, table);
      await waitUntilActive(raw, name, deadline);
      await enableTtl(raw, name, table);
      return [table.id, name] as const;
    }),
  );
  return Object.fromEntries(entries) as TableNames;
}

/** A table's keys and indexes: a `TableDefinition`, or one of the local runtime's own tables (queue, schedules). */
export type TableShape = Omit<TableDefinition, 'id'>;

/**
 * Creates one table named `name` unless it exists and waits until it and its indexes are ACTIVE: the bootstrap
 * of the local runtime's own tables, which the CDK never deploys. Safe to call on every start.
 */
export async function ensureTable(
  client: DynamoDBClient | DynamoDBDocumentClient,
  name: string,
  table: TableShape,
  options: { readonly timeoutMs?: number } = {},
): Promise<string> {
  // A document client passes control-plane commands through unchanged; only its typing is narrower.
  const raw = client as unknown as DynamoDBClient;
  await createIfAbsent(raw, name, table);
  await waitUntilActive(raw, name, Date.now() + (options.timeoutMs ?? 30_000));
  return name;
}

function createTableInput(name: string, table: TableShape): CreateTableCommandInput {
  const keys = [
    table.partitionKey,
    table.sortKey,
    ...table.globalIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  const attributes = new Map(keys.filter((k) => k !== undefined).map((k) => [k.name, k.type]));
  const schema = (partition: { name: string }, sort?: { name: string }) => [
    { AttributeName: partition.name, KeyType: 'HASH' as const },
    ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' as const }] : []),
  ];
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: schema(table.partitionKey, table.sortKey),
    GlobalSecondaryIndexes:
      table.globalIndexes.length === 0
        ? undefined
        : table.globalIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: schema(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: projectionOf(index) },
          })),
  };
}

async function createIfAbsent(client: DynamoDBClient, name: string, table: TableShape): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return;
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
  }
  try {
    await client.send(new CreateTableCommand(createTableInput(name, table)));
  } catch (error) {
    // Another process created it between our describe and create: that is the outcome we wanted.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
}

async function waitUntilActive(client: DynamoDBClient, name: string, deadline: number): Promise<void> {
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline)
      throw new Error(`Table ${name} is not ACTIVE (${Table?.TableStatus}) in time.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function enableTtl(client: DynamoDBClient, name: string, table: TableDefinition): Promise<void> {
  if (table.ttlAttribute === undefined) return;
  const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  const status = TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    // dynalite 4 does not implement UpdateTimeToLive (UnknownOperationException) and always describes TTL as
    // DISABLED, so local items never expire. Harmless: Kairos never uses TTL as a trigger, only for cleanup.
    if (!(error instanceof Error && error.name === 'UnknownOperationException')) throw error;
  }
}
