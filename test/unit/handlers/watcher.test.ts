import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readTimerConfig } from '../../../lambdas/config-queues.js';
import { bucketKey, dueKey, shardOf } from '../../../lambdas/core/time-buckets.js';

const ddbMock = mockClient(DynamoDBDocumentClient);
const sqsMock = mockClient(SQSClient);
const ENV = {
  KAIROS_SCHEDULE_TABLE: 'kairos-test-Schedule',
  KAIROS_SCHEDULE_SHARDS: '16',
  KAIROS_QUEUE_URL_HIGH: 'https://sqs.test/high',
  KAIROS_QUEUE_URL_NORMAL: 'https://sqs.test/normal',
  KAIROS_QUEUE_URL_LOW: 'https://sqs.test/low',
};

beforeEach(() => {
  vi.resetModules();
  for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
  vi.stubEnv('AWS_REGION', 'us-east-1');
});
afterEach(() => {
  vi.unstubAllEnvs();
  ddbMock.reset();
  sqsMock.reset();
});

describe('readTimerConfig', () => {
  it('reads the table, the shard count and the lane queue URLs', () => {
    expect(readTimerConfig(ENV)).toEqual({
      scheduleTable: 'kairos-test-Schedule',
      shards: 16,
      queueUrls: {
        high: 'https://sqs.test/high',
        normal: 'https://sqs.test/normal',
        low: 'https://sqs.test/low',
      },
    });
  });

  it.each([
    ['KAIROS_QUEUE_URL_LOW', undefined, /KAIROS_QUEUE_URL_LOW/],
    ['KAIROS_SCHEDULE_SHARDS', '0', /KAIROS_SCHEDULE_SHARDS must be an integer in \[1, 100\], got '0'/],
    ['KAIROS_SCHEDULE_SHARDS', '16.5', /got '16.5'/],
    ['KAIROS_SCHEDULE_SHARDS', '101', /got '101'/],
  ])('fails naming %s when it is %s', (name, value, message) => {
    expect(() => readTimerConfig({ ...ENV, [name]: value })).toThrow(message);
  });
});

describe('watcher handler', () => {
  it('moves a due timer from its bucket to its lane queue', async () => {
    const dueAtMs = Date.now() + 120_000;
    const message = { kind: 'timeout', runId: 'run_1', attempt: 1 };
    const timer = {
      bucket: bucketKey(dueAtMs, shardOf('t', 16)),
      due: dueKey(dueAtMs, 't'),
      dueAtMs,
      lane: 'high',
      message,
      expiresAt: 0,
    };
    ddbMock.on(QueryCommand).callsFake((input) => ({
      Items: input.ExpressionAttributeValues[':bucket'] === timer.bucket ? [timer] : [],
    }));
    ddbMock.on(BatchWriteCommand).resolves({});
    sqsMock.on(SendMessageBatchCommand).resolves({ Failed: [] });

    const { handler } = await import('../../../lambdas/handlers/watcher.js');
    const result = await handler();

    expect(result).toEqual({ moved: 1 });
    const [send] = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(send!.QueueUrl).toBe('https://sqs.test/high');
    expect(JSON.parse(send!.Entries![0]!.MessageBody!)).toEqual(message);
    expect(send!.Entries![0]!.DelaySeconds).toBeGreaterThanOrEqual(119);
    expect(ddbMock.commandCalls(BatchWriteCommand)[0]!.args[0].input.RequestItems).toEqual({
      'kairos-test-Schedule': [{ DeleteRequest: { Key: { bucket: timer.bucket, due: timer.due } } }],
    });
  });

  it('fails at cold start when a variable is missing', async () => {
    vi.stubEnv('KAIROS_SCHEDULE_TABLE', '');

    await expect(import('../../../lambdas/handlers/watcher.js')).rejects.toThrow(/KAIROS_SCHEDULE_TABLE/);
  });
});
