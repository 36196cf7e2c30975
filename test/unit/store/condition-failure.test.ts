import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoJobStore } from '../../../lambdas/adapters/aws/dynamo-job-store.js';
import { createDynamoRunStore } from '../../../lambdas/adapters/aws/dynamo-run-store.js';
import { IllegalStateError, VersionConflictError } from '../../../lambdas/core/errors.js';
import type { JobRecord } from '../../../lambdas/core/job.js';

// Real DynamoDB honours ReturnValuesOnConditionCheckFailure (dynalite does not, so the integration tests cover
// the fallback read); the document client leaves that item marshalled.
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const mock = mockClient(documentClient);
afterEach(() => mock.reset());

const lostCondition = (item: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    Item: item as never,
  });

const job = {
  jobId: 'j',
  status: 'ACTIVE',
  version: 1,
  createdAt: 'c',
  updatedAt: 'u',
} as unknown as JobRecord;

describe('condition failures with the old item attached', () => {
  it('reads the actual version from the marshalled item, without another read', async () => {
    mock.on(PutCommand).rejects(lostCondition({ jobId: { S: 'j' }, version: { N: '7' } }));
    const store = createDynamoJobStore({ client: documentClient, tableName: 'Jobs', cursorSecret: 's' });

    const error = await store.update(job, 5).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ expected: 5, actual: 7 });
    expect(mock.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_exists(jobId) AND #version = :expected',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(mock.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('names the current status of a run from the marshalled item', async () => {
    mock
      .on(UpdateCommand)
      .rejects(lostCondition({ runId: { S: 'r' }, status: { S: 'RUNNING' }, attempt: { N: '2' } }));
    const store = createDynamoRunStore({ client: documentClient, tableName: 'Runs', cursorSecret: 's' });

    const change = store.transition({ runId: 'r', from: ['QUEUED'], to: 'RUNNING', expectedAttempt: 1 });

    await expect(change).rejects.toBeInstanceOf(IllegalStateError);
    await expect(change).rejects.toThrow('Run r is RUNNING (attempt 2)');
    expect(mock.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('rethrows other errors unchanged', async () => {
    const throttled = Object.assign(new Error('slow down'), {
      name: 'ProvisionedThroughputExceededException',
    });
    mock.on(PutCommand).rejects(throttled);
    const store = createDynamoJobStore({ client: documentClient, tableName: 'Jobs', cursorSecret: 's' });

    await expect(store.create(job)).rejects.toBe(throttled);
  });
});
