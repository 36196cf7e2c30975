/**
 * Counts every AWS request of the bench with one SDK middleware per client. DynamoDB requests go through to the
 * embedded DynamoDB (so stores behave exactly as deployed) and are sized: each written item is read before and
 * after the write with a separate, uncounted client, because DynamoDB bills a write by the larger of the two
 * images and bills each GSI the write changes (by the index's projection). Every other service is answered in
 * the middleware, never sent.
 */
import { isDeepStrictEqual } from 'node:util';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { projectionOf, type TableDefinition } from '../../../lambdas/store/tables.js';
import type { createFakeAws } from './fake-services.js';
import { itemBytes, readUnits, writeUnits } from './item-size.js';

/** One request as billed: DynamoDB ones with their items, units and sizes. */
export interface AwsCall {
  /** What the life was doing: `api.create`, `dispatch.fire`, `watcher`, `dispatch.timeout`. */
  readonly phase: string;
  readonly service: string;
  /** Operation name, e.g. `PutItem`. */
  readonly command: string;
  readonly kind: 'read' | 'write' | 'request';
  /** Logical table (`Jobs`, `Runs`, `Schedule`) of a DynamoDB request. */
  readonly table?: string;
  /** Items written or read (BatchWriteItem: one per put or delete). */
  readonly items: number;
  /** Write request units (writes) or read request units (reads); 0 for other services. */
  readonly units: number;
  /** Of `units`, those billed for writing global secondary indexes. */
  readonly gsiUnits: number;
  /** Largest item image (before or after) of the request, in bytes. */
  readonly maxItemBytes: number;
}

/** A client whose requests can be counted: every SDK v3 client and the document client. */
interface Countable {
  readonly middlewareStack: { add(middleware: any, options: { step: 'initialize'; name: string }): void };
}

type Item = Record<string, unknown>;
type Key = Record<string, unknown>;

const SERVICE_OF: Record<string, string> = {
  DynamoDBClient: 'dynamodb',
  SQSClient: 'sqs',
  S3Client: 's3',
  LambdaClient: 'lambda',
  ECSClient: 'ecs',
  SFNClient: 'sfn',
};

export interface CounterOptions {
  /** Physical table name → its definition (keys and indexes). */
  readonly tables: ReadonlyMap<string, TableDefinition>;
  /** Uncounted client on the same DynamoDB, for the before and after images. */
  readonly sideReader: DynamoDBDocumentClient;
  readonly fakes: ReturnType<typeof createFakeAws>;
}

/** The counter: `attach` it to every client, set `phase` as the life moves on, read `calls` at the end. */
export function createRequestCounter(options: CounterOptions) {
  const { tables, sideReader, fakes } = options;
  const calls: AwsCall[] = [];
  const state = { phase: 'setup' };

  const tableOf = (name: string): TableDefinition => {
    const table = tables.get(name);
    if (!table) throw new Error(`Unknown table ${name}`);
    return table;
  };
  const keyOf = (table: TableDefinition, item: Item): Key => {
    const key: Key = { [table.partitionKey.name]: item[table.partitionKey.name] };
    if (table.sortKey) key[table.sortKey.name] = item[table.sortKey.name];
    return key;
  };
  const image = async (TableName: string, Key: Key): Promise<Item | undefined> =>
    (await sideReader.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;

  /** The items a write request names, per physical table. */
  const writtenKeys = (command: string, input: any): Array<{ tableName: string; key: Key }> => {
    if (command === 'PutItem')
      return [{ tableName: input.TableName, key: keyOf(tableOf(input.TableName), input.Item) }];
    if (command === 'UpdateItem' || command === 'DeleteItem')
      return [{ tableName: input.TableName, key: input.Key }];
    return Object.entries(input.RequestItems as Record<string, any[]>).flatMap(([tableName, requests]) =>
      requests.map((r) => ({
        tableName,
        key: r.PutRequest ? keyOf(tableOf(tableName), r.PutRequest.Item) : r.DeleteRequest.Key,
      })),
    );
  };

  /**
   * Units of one item write: the larger image, plus what each GSI is written. DynamoDB writes an index when
   * the item enters or leaves it (one write), moves in it (an index key changed: delete and put, two writes),
   * or stays but changes a projected attribute (one write); an `ALL` index projects every attribute, a
   * `KEYS_ONLY` one only the table and index keys, so there only entering, leaving or moving counts. An index
   * write costs the size of the projected image (the whole item, or its keys: one unit).
   */
  const sizeWrite = (table: TableDefinition, before: Item | undefined, after: Item | undefined) => {
    const bytes = Math.max(itemBytes(before), itemBytes(after));
    const base = writeUnits(bytes);
    const tableKeys = [table.partitionKey.name, ...(table.sortKey ? [table.sortKey.name] : [])];
    let gsiUnits = 0;
    for (const index of table.globalIndexes) {
      const keys = [index.partitionKey.name, ...(index.sortKey ? [index.sortKey.name] : [])];
      const projectAll = projectionOf(index) === 'ALL';
      const projected = (item: Item | undefined): Item | undefined => {
        if (item === undefined || !keys.every((k) => item[k] !== undefined)) return undefined;
        if (projectAll) return item;
        return Object.fromEntries([...tableKeys, ...keys].map((k) => [k, item[k]]));
      };
      const [old, now] = [projected(before), projected(after)];
      if (old === undefined && now === undefined) continue;
      const units = writeUnits(Math.max(itemBytes(old), itemBytes(now)));
      if (old === undefined || now === undefined) gsiUnits += units;
      else if (keys.some((k) => !isDeepStrictEqual(old[k], now[k]))) gsiUnits += 2 * units;
      else if (!isDeepStrictEqual(old, now)) gsiUnits += units;
    }
    return { bytes, units: base + gsiUnits, gsiUnits };
  };

  const countDynamo = async (command: string, input: any, send: () => Promise<any>) => {
    if (['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].includes(command)) {
      const targets = writtenKeys(command, input);
      const before = await Promise.all(targets.map((t) => image(t.tableName, t.key)));
      let result: any;
      try {
        result = await send();
      } finally {
        // A refused conditional write is billed too, so it is counted either way.
        const after = await Promise.all(targets.map((t) => image(t.tableName, t.key)));
        const sized = targets.map((t, i) => sizeWrite(tableOf(t.tableName), before[i], after[i]));
        calls.push({
          phase: state.phase,
          service: 'dynamodb',
          command,
          kind: 'write',
          table: tableOf(targets[0].tableName).id,
          items: targets.length,
          units: sized.reduce((sum, s) => sum + s.units, 0),
          gsiUnits: sized.reduce((sum, s) => sum + s.gsiUnits, 0),
          maxItemBytes: Math.max(...sized.map((s) => s.bytes)),
        });
      }
      return result;
    }
    const result = await send();
    const output = result.output ?? {};
    if (command === 'BatchGetItem') {
      // Billed per item read, each rounded up on its own, like a GetItem.
      const [tableName, request] = Object.entries(input.RequestItems as Record<string, any>)[0]!;
      const read: Item[] = output.Responses?.[tableName] ?? [];
      const bytes = read.map(itemBytes);
      calls.push({
        phase: state.phase,
        service: 'dynamodb',
        command,
        kind: 'read',
        table: tableOf(tableName).id,
        items: read.length,
        units: bytes.reduce((sum, b) => sum + readUnits(b, request.ConsistentRead === true), 0),
        gsiUnits: 0,
        maxItemBytes: Math.max(0, ...bytes),
      });
      return result;
    }
    const read: Item[] = output.Item ? [output.Item] : (output.Items ?? []);
    const bytes = read.map(itemBytes);
    const consistent = input.ConsistentRead === true;
    calls.push({
      phase: state.phase,
      service: 'dynamodb',
      command,
      kind: 'read',
      table: input.TableName ? tableOf(input.TableName).id : undefined,
      items: read.length,
      // Get: per item; Query: the items read together, rounded up once.
      units: readUnits(
        bytes.reduce((a, b) => a + b, 0),
        consistent,
      ),
      gsiUnits: 0,
      maxItemBytes: Math.max(0, ...bytes),
    });
    return result;
  };

  const middleware =
    (next: (args: any) => Promise<any>, context: { clientName?: string; commandName?: string }) =>
    async (args: { input: any }) => {
      const service = SERVICE_OF[context.clientName ?? ''] ?? context.clientName ?? 'unknown';
      const command = (context.commandName ?? '').replace(/Command$/, '');
      if (service === 'dynamodb') return countDynamo(command, args.input, () => next(args));
      // Answered here, before any credential, endpoint or network step: nothing reaches AWS.
      const output = fakes.answer(service, command, args.input);
      calls.push({
        phase: state.phase,
        service,
        command,
        kind: 'request',
        items: command === 'SendMessageBatch' ? args.input.Entries.length : 1,
        units: 0,
        gsiUnits: 0,
        maxItemBytes: 0,
      });
      return { output: { ...output, $metadata: {} }, response: {} };
    };

  return {
    calls,
    state,
    /** Adds the counting middleware first in the client's initialize step. */
    attach<T extends Countable>(client: T): T {
      client.middlewareStack.add(middleware, { step: 'initialize', name: 'kairosCount' });
      return client;
    },
  };
}

export type RequestCounter = ReturnType<typeof createRequestCounter>;
