import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoRunStore } from '../../../lambdas/adapters/aws/dynamo-run-store.js';

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const mock = mockClient(documentClient);
afterEach(() => mock.reset());

type Keys = { Keys: { runId: string }[]; ProjectionExpression?: string; ConsistentRead?: boolean };

describe('RunStore.statusesOf on DynamoDB', () => {
  it('reads only the status, 100 keys per BatchGetItem, retrying unprocessed keys', async () => {
    const ids = Array.from({ length: 230 }, (_, i) => `run_${i}`);
    let first = true;
    mock.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, Keys> }) => {
      const keys = input.RequestItems.Runs!.Keys;
      // The first request leaves its last key for a second round; run_7 does not exist.
      const later = first ? keys.slice(-1) : [];
      first = false;
      const answered = keys.filter((k) => !later.includes(k) && k.runId !== 'run_7');
      return {
        Responses: {
          Runs: answered.map((k) => ({
            runId: k.runId,
            status: k.runId.endsWith('0') ? 'FAILED' : 'QUEUED',
          })),
        },
        UnprocessedKeys: later.length > 0 ? { Runs: { Keys: later } } : {},
      };
    });
    const store = createDynamoRunStore({ client: documentClient, tableName: 'Runs', cursorSecret: 's' });

    const statuses = await store.statusesOf(ids, { consistent: true });

    const requests = mock
      .commandCalls(BatchGetCommand)
      .map((c) => c.args[0].input.RequestItems!.Runs as Keys);
    expect(requests.map((r) => r.Keys.length)).toEqual([100, 1, 100, 30]);
    for (const request of requests) {
      expect(request).toMatchObject({
        ProjectionExpression: '#p0, #p1',
        ExpressionAttributeNames: { '#p0': 'runId', '#p1': 'status' },
        ConsistentRead: true,
      });
    }
    expect(statuses.size).toBe(229);
    expect(statuses.has('run_7')).toBe(false);
    expect(statuses.get('run_99')).toBe('QUEUED');
    expect(statuses.get('run_10')).toBe('FAILED');
  });

  it('reads eventually consistent by default and sends nothing for no ids', async () => {
    mock.on(BatchGetCommand).resolves({ Responses: { Runs: [{ runId: 'a', status: 'SUCCEEDED' }] } });
    const store = createDynamoRunStore({ client: documentClient, tableName: 'Runs', cursorSecret: 's' });
    expect(await store.statusesOf([])).toEqual(new Map());
    expect(mock.commandCalls(BatchGetCommand)).toHaveLength(0);
    expect(await store.statusesOf(['a'])).toEqual(new Map([['a', 'SUCCEEDED']]));
    const request = mock.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems!.Runs as Keys;
    expect(request.ConsistentRead).toBeUndefined();
  });
});
