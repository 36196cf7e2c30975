import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDynamoJobStore } from '../../../lambdas/adapters/aws/dynamo-job-store.js';
import { createDynamoRunStore } from '../../../lambdas/adapters/aws/dynamo-run-store.js';
import { BatchGetIncompleteError, batchGetInOrder } from '../../../lambdas/adapters/aws/dynamo-support.js';
import { createCursorCodec } from '../../../lambdas/store/cursor.js';
import { fromJobItem, RUN_CURSOR_KEYS } from '../../../lambdas/store/dynamo-items.js';

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const mock = mockClient(documentClient);
afterEach(() => {
  mock.reset();
  vi.useRealTimers();
});

type Item = Record<string, unknown>;

/** Serves BatchGetItem from `items` (by `runId`), leaving the keys in `unprocessedOnce` for the next round. */
function serveBatchGets(table: string, items: Item[], unprocessedOnce: string[] = []) {
  const byId = new Map(items.map((item) => [item.runId, item]));
  const pending = new Set(unprocessedOnce);
  mock.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Item[] }> }) => {
    const keys = input.RequestItems[table]!.Keys;
    const later = keys.filter((k) => pending.delete(k.runId as string));
    const now = keys.filter((k) => !later.includes(k));
    // Answers come in no particular order, as from DynamoDB.
    const responses = now.flatMap((k) => byId.get(k.runId) ?? []).reverse();
    return {
      Responses: { [table]: responses },
      UnprocessedKeys: later.length > 0 ? { [table]: { Keys: later } } : {},
    };
  });
}

const requestedKeys = () =>
  mock
    .commandCalls(BatchGetCommand)
    .map((call) => Object.values(call.args[0].input.RequestItems!)[0]!.Keys!.map((k) => k.runId));

describe('batchGetInOrder', () => {
  it('reads in chunks of 100 and answers in the order of the keys, undefined where no item exists', async () => {
    const keys = Array.from({ length: 250 }, (_, i) => ({ runId: `r${i}` }));
    serveBatchGets(
      'Runs',
      keys.filter((_, i) => i % 10 !== 3).map((k) => ({ ...k, status: 'SUCCEEDED' })),
    );

    const items = await batchGetInOrder(documentClient, 'Runs', ['runId'], keys);

    expect(requestedKeys().map((chunk) => chunk.length)).toEqual([100, 100, 50]);
    expect(items.map((item, i) => (item === undefined ? i : item.runId))).toEqual(
      keys.map((k, i) => (i % 10 === 3 ? i : k.runId)),
    );
  });

  it('retries only the unprocessed keys, with doubling backoff, keeping the order', async () => {
    vi.useFakeTimers();
    const keys = ['a', 'b', 'c', 'd'].map((runId) => ({ runId }));
    mock
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { Runs: [keys[2]!, keys[0]!] },
        UnprocessedKeys: { Runs: { Keys: [keys[1]!, keys[3]!] } },
      })
      .resolvesOnce({ Responses: { Runs: [keys[3]!] }, UnprocessedKeys: { Runs: { Keys: [keys[1]!] } } })
      .resolvesOnce({ Responses: { Runs: [keys[1]!] } });
    const started = Date.now();

    const reading = batchGetInOrder(documentClient, 'Runs', ['runId'], keys, { baseDelayMs: 40 });
    await vi.runAllTimersAsync();

    expect(await reading).toEqual(keys);
    expect(requestedKeys()).toEqual([['a', 'b', 'c', 'd'], ['b', 'd'], ['b']]);
    expect(Date.now() - started).toBe(40 + 80);
  });

  it('gives up after the last attempt with a retryable error naming what is left', async () => {
    vi.useFakeTimers();
    const keys = [{ runId: 'a' }, { runId: 'b' }];
    mock.on(BatchGetCommand).resolves({ Responses: { Runs: [] }, UnprocessedKeys: { Runs: { Keys: keys } } });
    const started = Date.now();

    const reading = batchGetInOrder(documentClient, 'Runs', ['runId'], keys, {
      maxAttempts: 4,
      baseDelayMs: 10,
    }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    const error = await reading;

    expect(error).toBeInstanceOf(BatchGetIncompleteError);
    expect(error).toMatchObject({ retryable: true, tableName: 'Runs', unprocessed: 2 });
    expect(mock.commandCalls(BatchGetCommand)).toHaveLength(4);
    expect(Date.now() - started).toBe(10 + 20 + 40);
  });

  it('names a repeated key once per request and answers it at every position', async () => {
    serveBatchGets('Runs', [{ runId: 'a' }, { runId: 'b' }]);

    const items = await batchGetInOrder(
      documentClient,
      'Runs',
      ['runId'],
      [{ runId: 'a' }, { runId: 'b' }, { runId: 'a' }],
    );

    expect(requestedKeys()).toEqual([['a', 'b']]);
    expect(items).toEqual([{ runId: 'a' }, { runId: 'b' }, { runId: 'a' }]);
  });
});

describe('listings on a keys-only index', () => {
  const entry = (runId: string, scheduledKey = `2030-01-01T00:0${runId.slice(1)}:00.000Z#${runId}`) => ({
    runId,
    jobId: 'j',
    scheduledKey,
  });
  const runItem = (runId: string, status: string) => ({
    ...entry(runId),
    scheduledFor: `2030-01-01T00:0${runId.slice(1)}:00.000Z`,
    status,
  });

  it('queries keys without a filter, reads the runs in index order, filters in code, skips vanished runs', async () => {
    // r2 moved (its index entry is older than the run read): the cursor is where the listing saw it.
    const entries = [entry('r5'), entry('r4'), entry('r3'), entry('r2', 'old#r2'), entry('r1')];
    mock.on(QueryCommand).resolves({ Items: entries });
    serveBatchGets(
      'Runs',
      [runItem('r5', 'FAILED'), runItem('r4', 'SUCCEEDED'), runItem('r2', 'FAILED'), runItem('r1', 'FAILED')],
      ['r4'],
    );
    const store = createDynamoRunStore({ client: documentClient, tableName: 'Runs', cursorSecret: 's' });

    const page = await store.listByJob({ jobId: 'j', statuses: ['FAILED'], limit: 2 });

    expect(page.items.map((r) => r.runId)).toEqual(['r5', 'r2']);
    expect(page.items[0]).not.toHaveProperty('scheduledKey');
    const query = mock.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query).toMatchObject({ IndexName: 'byJob', ScanIndexForward: false, Limit: 50 });
    expect(query.FilterExpression).toBeUndefined();
    // Growing slices: what is missing first (limit + 1), then the rest; r4 unprocessed once, r3 deleted.
    expect(requestedKeys()).toEqual([['r5', 'r4', 'r3'], ['r4'], ['r2', 'r1']]);
    expect(createCursorCodec('s').decode(page.nextCursor!, RUN_CURSOR_KEYS)).toEqual(entry('r2', 'old#r2'));
  });

  it('reads only limit + 1 runs for the latest one, and nothing more when the index is empty', async () => {
    mock
      .on(QueryCommand)
      .resolvesOnce({ Items: [entry('r5'), entry('r4')] })
      .resolves({ Items: [] });
    serveBatchGets('Runs', [runItem('r5', 'RUNNING'), runItem('r4', 'SUCCEEDED')]);
    const store = createDynamoRunStore({ client: documentClient, tableName: 'Runs', cursorSecret: 's' });

    expect((await store.latestForJob('j'))?.runId).toBe('r5');
    expect(mock.commandCalls(QueryCommand)[0]!.args[0].input.Limit).toBe(2);
    expect(requestedKeys()).toEqual([['r5', 'r4']]);

    expect(await store.latestForJob('j')).toBeUndefined();
    expect(mock.commandCalls(BatchGetCommand)).toHaveLength(1);
  });

  it('filters jobs by status and tag in code, querying the index for keys only', async () => {
    const jobEntry = (jobId: string) => ({ jobId, listKey: 'JOB', createdKey: `c#${jobId}` });
    const jobItem = (jobId: string, status: string, tags: Record<string, string>) => ({
      ...jobEntry(jobId),
      status,
      definition: { tags },
    });
    const items = new Map<string, Item>(
      [
        jobItem('j3', 'ACTIVE', { 'a.b #c': 'x' }),
        jobItem('j2', 'PAUSED', { 'a.b #c': 'x' }),
        jobItem('j1', 'ACTIVE', { 'a.b #c': 'y' }),
        jobItem('j0', 'ACTIVE', { 'a.b #c': 'x' }),
      ].map((j) => [j.jobId, j]),
    );
    mock.on(QueryCommand).resolves({ Items: ['j3', 'j2', 'j1', 'j0'].map(jobEntry) });
    mock.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Item[] }> }) => ({
      Responses: { Jobs: input.RequestItems.Jobs!.Keys.map((k) => items.get(k.jobId as string)!) },
    }));
    const store = createDynamoJobStore({ client: documentClient, tableName: 'Jobs', cursorSecret: 's' });

    const page = await store.list({ statuses: ['ACTIVE'], tag: { key: 'a.b #c', value: 'x' }, limit: 5 });

    expect(page).toEqual({ items: [items.get('j3')!, items.get('j0')!].map(fromJobItem) });
    const query = mock.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query.FilterExpression).toBeUndefined();
    expect(query.ExpressionAttributeNames).toBeUndefined();
  });
});
