import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoAuditLog, shardOf } from '../../../../lambdas/adapters/aws/dynamo-audit-log.js';
import type { AuditRecord } from '../../../../lambdas/core/audit.js';
import { AlreadyExistsError } from '../../../../lambdas/core/errors.js';

const ddbMock = mockClient(DynamoDBDocumentClient);
const TABLE = 'kairos-test-Audit';

afterEach(() => {
  ddbMock.reset();
});

const log = () =>
  createDynamoAuditLog({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName: TABLE,
    cursorSecret: 'unit-secret',
  });

const RECORD: AuditRecord = {
  auditId: 'aud_0123456789abcdefghjk',
  at: '2030-01-01T00:00:00.000Z',
  principal: 'arn:aws:iam::123456789012:user/alice',
  role: 'admin',
  action: 'updateJob',
  method: 'PATCH',
  path: '/v1/jobs/job-a',
  requestId: 'req-1',
  jobId: 'job-a',
  beforeVersion: 3,
  afterVersion: 4,
  status: 200,
  expiresAt: 1_925_000_000,
};

describe('DynamoDB audit log (SDK calls)', () => {
  it('appends with one conditional PutItem and nothing else', async () => {
    ddbMock.on(PutCommand).resolves({});

    await log().append(RECORD);

    expect(ddbMock.calls()).toHaveLength(1);
    expect(ddbMock.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Item: { ...RECORD, shard: shardOf(RECORD.auditId), seq: `${RECORD.at}#${RECORD.auditId}` },
      ConditionExpression: 'attribute_not_exists(seq)',
    });
  });

  it('turns a lost condition into AlreadyExistsError and rethrows anything else', async () => {
    ddbMock
      .on(PutCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }))
      .rejects(new Error('throttled'));

    await expect(log().append(RECORD)).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(log().append(RECORD)).rejects.toThrow('throttled');
  });

  it("reads a job's records from the byJob index, newest first, from `since`", async () => {
    ddbMock.on(QueryCommand).resolves({ Items: [] });

    await log().list({ jobId: 'job-a', since: new Date('2030-01-01T00:00:00Z'), limit: 20 });

    const queries = ddbMock.commandCalls(QueryCommand);
    expect(queries).toHaveLength(1);
    expect(queries[0]?.args[0].input).toEqual({
      TableName: TABLE,
      IndexName: 'byJob',
      KeyConditionExpression: '#p = :p AND seq >= :since',
      ExpressionAttributeNames: { '#p': 'jobId' },
      ExpressionAttributeValues: { ':p': 'job-a', ':since': '2030-01-01T00:00:00.000Z' },
      ScanIndexForward: false,
      Limit: 21,
      ExclusiveStartKey: undefined,
    });
  });

  it('reads the timeline from every shard of the table', async () => {
    ddbMock.on(QueryCommand).resolves({ Items: [] });

    const page = await log().list({ limit: 5 });

    expect(page).toEqual({ items: [], nextCursor: undefined });
    const shards = ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(shards.map((input) => input.ExpressionAttributeValues?.[':p']).sort()).toEqual([
      'audit#0',
      'audit#1',
      'audit#2',
      'audit#3',
    ]);
    expect(shards.every((input) => input.IndexName === undefined && input.Limit === 6)).toBe(true);
  });
});
