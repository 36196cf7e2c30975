import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSqsDeadLetters,
  createSqsDispatchQueue,
  DispatchSendError,
} from '../../../../lambdas/adapters/aws/sqs-dispatch-queue.js';
import type { OutboundMessage } from '../../../../lambdas/core/messages.js';

const sqsMock = mockClient(SQSClient);
const queueUrls = {
  high: 'https://sqs.test/q-high',
  normal: 'https://sqs.test/q-normal',
  low: 'https://sqs.test/q-low',
};

afterEach(() => {
  sqsMock.reset();
});

function messages(count: number, lane: OutboundMessage['lane'] = 'normal'): OutboundMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    lane,
    message: { kind: 'start', runId: `run_${lane}_${i}`, attempt: 1 },
    delaySeconds: i,
  }));
}

const queue = () => createSqsDispatchQueue({ client: new SQSClient({}), queueUrls, baseDelayMs: 0 });

describe('SQS dispatch queue', () => {
  it('sends 25 messages as batches of 10, 10 and 5 with unique ids, bodies and delays', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    await queue().sendBatch(messages(25));

    const calls = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries?.length)).toEqual([10, 10, 5]);
    for (const call of calls) {
      expect(call.QueueUrl).toBe(queueUrls.normal);
      const ids = call.Entries!.map((e) => e.Id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    const entries = calls.flatMap((c) => c.Entries!);
    expect(entries.map((e) => JSON.parse(e.MessageBody!).runId)).toEqual(
      messages(25).map((m) => (m.message as { runId: string }).runId),
    );
    expect(entries.map((e) => e.DelaySeconds)).toEqual(messages(25).map((m) => m.delaySeconds));
  });

  it('sends each lane to its own queue', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    await queue().sendBatch([...messages(2, 'low'), ...messages(1, 'high'), ...messages(3, 'normal')]);

    const byUrl = Object.fromEntries(
      sqsMock
        .commandCalls(SendMessageBatchCommand)
        .map((c) => [c.args[0].input.QueueUrl, c.args[0].input.Entries!.length]),
    );
    expect(byUrl).toEqual({ [queueUrls.low]: 2, [queueUrls.high]: 1, [queueUrls.normal]: 3 });
  });

  it('makes no call for an empty batch', async () => {
    await queue().sendBatch([]);

    expect(sqsMock.calls()).toHaveLength(0);
  });

  it('resends only the entries that failed, then succeeds', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: 'm1', Code: 'InternalError', SenderFault: false }] })
      .resolves({ Failed: [] });

    await queue().sendBatch(messages(3));

    const calls = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.Entries!.map((e) => [e.Id, JSON.parse(e.MessageBody!).runId])).toEqual([
      ['m1', 'run_normal_1'],
    ]);
  });

  it('gives up after the last attempt and throws with the failures', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: 'm0', Code: 'ServiceUnavailable', Message: 'busy', SenderFault: false }] });

    const error = await queue()
      .sendBatch(messages(2))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DispatchSendError);
    expect((error as DispatchSendError).failures).toEqual([
      { lane: 'normal', code: 'ServiceUnavailable', message: 'busy', senderFault: false },
    ]);
    expect((error as DispatchSendError).retryable).toBe(true);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
  });

  it('does not resend an entry SQS blames on the sender', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolves({ Failed: [{ Id: 'm0', Code: 'InvalidParameterValue', SenderFault: true }] });

    const error = await queue()
      .sendBatch(messages(1, 'high'))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DispatchSendError);
    expect((error as DispatchSendError).retryable).toBe(false);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });

  it('lets an SDK error through', async () => {
    sqsMock.on(SendMessageBatchCommand).rejects(new Error('AccessDenied'));

    await expect(queue().sendBatch(messages(1))).rejects.toThrow('AccessDenied');
  });
});

describe('SQS dead letters', () => {
  it('sends one JSON record with reason, body, ids and time', async () => {
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'x' });
    const deadLetters = createSqsDeadLetters({
      client: new SQSClient({}),
      queueUrl: 'https://sqs.test/dlq',
      clock: { now: () => new Date('2030-01-01T00:00:00.000Z') },
    });

    await deadLetters.record({
      reason: 'attempts exhausted',
      body: { a: 1 },
      runId: 'run_1',
      jobId: 'job_1',
    });
    await deadLetters.record({ reason: 'poison', body: 'not json' });

    const inputs = sqsMock.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.QueueUrl)).toEqual(['https://sqs.test/dlq', 'https://sqs.test/dlq']);
    expect(inputs.map((i) => JSON.parse(i.MessageBody!))).toEqual([
      {
        reason: 'attempts exhausted',
        body: { a: 1 },
        runId: 'run_1',
        jobId: 'job_1',
        recordedAt: '2030-01-01T00:00:00.000Z',
      },
      { reason: 'poison', body: 'not json', recordedAt: '2030-01-01T00:00:00.000Z' },
    ]);
  });
});
