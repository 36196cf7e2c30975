import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchWriteIncompleteError } from '../../../../lambdas/adapters/aws/dynamo-batch-write.js';
import { createDynamoTimerStore } from '../../../../lambdas/adapters/aws/dynamo-timer-store.js';
import { dueKey, dueKeyAfter } from '../../../../lambdas/core/time-buckets.js';
import type { TimerItem } from '../../../../lambdas/ports.js';

const ddbMock = mockClient(DynamoDBDocumentClient);
const TABLE = 'kairos-test-Schedule';

afterEach(() => {
  ddbMock.reset();
});

const store = () =>
  createDynamoTimerStore({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName: TABLE,
    retry: { baseDelayMs: 0, maxAttempts: 3 },
  });

function items(count: number): TimerItem[] {
  return Array.from({ length: count }, (_, i) => ({
    bucket: `2030-01-01T12:00#${String(i % 16).padStart(2, '0')}`,
    due: dueKey(1_893_499_200_000 + i, `start-${i}`),
    dueAtMs: 1_893_499_200_000 + i,
    lane: 'normal',
    message: { kind: 'start', runId: `run_${i}`, attempt: 1 },
    expiresAt: 1_893_585_600,
  }));
}

const written = () =>
  ddbMock.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems![TABLE]!);

describe('DynamoDB timer store', () => {
  it('writes 60 timers in chunks of 25', async () => {
    ddbMock.on(BatchWriteCommand).resolves({});

    await store().put(items(60));

    expect(written().map((requests) => requests.length)).toEqual([25, 25, 10]);
    expect(written()[0]![0]).toEqual({ PutRequest: { Item: items(1)[0] } });
  });

  it('retries unprocessed items until they are written', async () => {
    const [first, second] = items(2);
    ddbMock
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: [{ PutRequest: { Item: second! } }] } })
      .resolves({});

    await store().put([first!, second!]);

    expect(written().map((requests) => requests.length)).toEqual([2, 1]);
    expect(written()[1]).toEqual([{ PutRequest: { Item: second } }]);
  });

  it('gives up after the last attempt with the count of unwritten items', async () => {
    ddbMock.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));

    const error = await store()
      .put(items(3))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BatchWriteIncompleteError);
    expect((error as BatchWriteIncompleteError).unprocessed).toBe(3);
    expect(written()).toHaveLength(3);
  });

  it('writes a timer given twice in one call once (BatchWriteItem refuses duplicate keys)', async () => {
    ddbMock.on(BatchWriteCommand).resolves({});
    const [timer] = items(1);

    await store().put([timer!, { ...timer!, lane: 'high' }]);

    expect(written()).toEqual([[{ PutRequest: { Item: { ...timer, lane: 'high' } } }]]);
  });

  it('removes by key in chunks of 25', async () => {
    ddbMock.on(BatchWriteCommand).resolves({});

    await store().remove(items(26));

    expect(written().map((requests) => requests.length)).toEqual([25, 1]);
    const [timer] = items(1);
    expect(written()[0]![0]).toEqual({ DeleteRequest: { Key: { bucket: timer!.bucket, due: timer!.due } } });
  });

  it('queries one bucket up to the bound, following every page', async () => {
    const [a, b] = items(2);
    ddbMock
      .on(QueryCommand)
      .resolvesOnce({ Items: [a!], LastEvaluatedKey: { bucket: a!.bucket, due: a!.due } })
      .resolves({ Items: [b!] });

    const due = await store().listDue('2030-01-01T12:00#00', 1_893_499_260_000);

    expect(due).toEqual([a, b]);
    const inputs = ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toMatchObject({
      TableName: TABLE,
      KeyConditionExpression: '#bucket = :bucket AND #due < :after',
      ExpressionAttributeValues: {
        ':bucket': '2030-01-01T12:00#00',
        ':after': dueKeyAfter(1_893_499_260_000),
      },
    });
    expect(inputs[1]!.ExclusiveStartKey).toEqual({ bucket: a!.bucket, due: a!.due });
  });
});
