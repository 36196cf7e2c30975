/**
 * The SQS side of the execution engine: `DispatchQueue` over the three lane queues (SendMessageBatch, ten
 * entries a call, failed entries retried) and `DeadLetters` on the dead-letter queue.
 */
import {
  type BatchResultErrorEntry,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { KairosError } from '../../core/errors.js';
import type { Lane, OutboundMessage } from '../../core/messages.js';
import type { Clock, DeadLetters, DispatchQueue } from '../../ports.js';
import { chunk } from './dynamo-batch-write.js';

/** The most entries one SendMessageBatch accepts. */
export const SQS_BATCH_LIMIT = 10;

export interface SqsDispatchQueueOptions {
  readonly client: SQSClient;
  /** Queue URL of each lane. */
  readonly queueUrls: Readonly<Record<Lane, string>>;
  /** Calls per batch, the first included, before failed entries become an error. @default 3 */
  readonly maxAttempts?: number;
  /** Backoff before the second call; doubles each time. @default 100 */
  readonly baseDelayMs?: number;
}

/** One entry SQS refused for good. */
export interface SendFailure {
  readonly lane: Lane;
  readonly code: string;
  readonly message?: string;
  /** SQS blames the request (too large, bad delay): retrying it cannot help. */
  readonly senderFault: boolean;
}

/** Entries of a `sendBatch` that SQS did not accept; the others were sent. */
export class DispatchSendError extends KairosError {
  override readonly retryable: boolean;
  constructor(readonly failures: readonly SendFailure[]) {
    const first = failures[0];
    super(
      `SQS refused ${failures.length} dispatch message(s); first: ${first?.code} ${first?.message ?? ''}`.trim(),
    );
    this.retryable = failures.every((failure) => !failure.senderFault);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Builds a `DispatchQueue` that sends each lane's messages to that lane's queue. */
export function createSqsDispatchQueue(options: SqsDispatchQueueOptions): DispatchQueue {
  const { client, queueUrls } = options;
  const maxAttempts = options.maxAttempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 100;

  /** Sends one batch of one lane; returns the entries refused on the last attempt. */
  const sendChunk = async (lane: Lane, messages: readonly OutboundMessage[]): Promise<SendFailure[]> => {
    // Ids only need to be unique within one request; the position keeps them stable across retries.
    let pending: SendMessageBatchRequestEntry[] = messages.map((entry, i) => ({
      Id: `m${i}`,
      MessageBody: JSON.stringify(entry.message),
      DelaySeconds: entry.delaySeconds,
    }));
    const refused: BatchResultErrorEntry[] = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) await sleep(baseDelayMs * 2 ** (attempt - 2));
      const result = await client.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrls[lane], Entries: pending }),
      );
      const failed = result.Failed ?? [];
      // A sender fault is the entry's own problem (too large, bad delay): sending it again cannot succeed.
      refused.push(...failed.filter((f) => f.SenderFault));
      const transient = failed.filter((f) => !f.SenderFault);
      if (attempt >= maxAttempts) {
        refused.push(...transient);
        break;
      }
      const again = new Set(transient.map((f) => f.Id));
      pending = pending.filter((entry) => again.has(entry.Id));
    }
    return refused.map((f) => ({
      lane,
      code: f.Code ?? 'Unknown',
      message: f.Message,
      senderFault: f.SenderFault ?? false,
    }));
  };

  return {
    async sendBatch(entries) {
      const byLane = new Map<Lane, OutboundMessage[]>();
      for (const entry of entries) byLane.set(entry.lane, [...(byLane.get(entry.lane) ?? []), entry]);
      const calls = [...byLane].flatMap(([lane, messages]) =>
        chunk(messages, SQS_BATCH_LIMIT).map((part) => sendChunk(lane, part)),
      );
      const failures = (await Promise.all(calls)).flat();
      if (failures.length > 0) throw new DispatchSendError(failures);
    },
  };
}

export interface SqsDeadLettersOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** Stamps `recordedAt`. @default - the system clock */
  readonly clock?: Clock;
}

/** Builds `DeadLetters` that send each record as one JSON message to the dead-letter queue. */
export function createSqsDeadLetters(options: SqsDeadLettersOptions): DeadLetters {
  const clock = options.clock ?? { now: () => new Date() };
  return {
    async record(entry) {
      const record = {
        reason: entry.reason,
        body: entry.body,
        runId: entry.runId,
        jobId: entry.jobId,
        recordedAt: clock.now().toISOString(),
      };
      await options.client.send(
        new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: JSON.stringify(record) }),
      );
    },
  };
}
