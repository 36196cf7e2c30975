/**
 * What SQS, S3 and Lambda answer in the bench: the counting middleware short-circuits every request of those
 * clients with these outputs, so nothing leaves the process, and keeps the sent messages in memory so the bench
 * can deliver them to the dispatcher like the event source mapping would.
 */

/** A message sent to a lane queue, waiting to be delivered. */
export interface QueuedMessage {
  readonly queueUrl: string;
  readonly body: string;
  readonly delaySeconds: number;
  /** Virtual time at which SQS would make it visible. */
  readonly dueMs: number;
  /** Send order, to deliver messages due at the same instant first-in first-out. */
  readonly seq: number;
}

/** The in-memory side of the faked services. */
export interface FakeAws {
  /** Lane messages not yet delivered. */
  readonly queue: QueuedMessage[];
  /** Bodies sent with SendMessage (the dead-letter queue): a successful life sends none. */
  readonly deadLetters: string[];
  /** Keys of the objects written, with their sizes. */
  readonly objects: Map<string, number>;
  /** Takes the message due first (ties in send order), or undefined when the queue is empty. */
  takeNext(): QueuedMessage | undefined;
}

/** Creates the fake services; `now` is the bench's virtual clock, so delays become due times. */
export function createFakeAws(now: () => number): FakeAws & {
  /** The output of one request, or throws for a request the bench does not expect (never sent to AWS). */
  answer(service: string, command: string, input: any): Record<string, unknown>;
} {
  const queue: QueuedMessage[] = [];
  const deadLetters: string[] = [];
  const objects = new Map<string, number>();
  let seq = 0;
  const messageId = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

  const answer = (service: string, command: string, input: any): Record<string, unknown> => {
    const key = `${service}.${command}`;
    switch (key) {
      case 'sqs.SendMessageBatch': {
        // The adapter reads `Failed` (retries transient failures) and nothing else.
        const entries: Array<{ Id: string; MessageBody: string; DelaySeconds?: number }> = input.Entries;
        const successful = entries.map((entry) => {
          const delaySeconds = entry.DelaySeconds ?? 0;
          queue.push({
            queueUrl: input.QueueUrl,
            body: entry.MessageBody,
            delaySeconds,
            dueMs: now() + delaySeconds * 1000,
            seq,
          });
          return { Id: entry.Id, MessageId: messageId(), MD5OfMessageBody: '' };
        });
        return { Successful: successful, Failed: [] };
      }
      case 'sqs.SendMessage':
        deadLetters.push(input.MessageBody);
        return { MessageId: messageId(), MD5OfMessageBody: '' };
      case 's3.PutObject':
        objects.set(input.Key, Buffer.byteLength(input.Body ?? ''));
        return { ETag: '"bench"' };
      case 'lambda.Invoke':
        // What a RequestResponse invoke with `LogType: Tail` returns: the executor logs the tail and the
        // status, and parses the payload as the attempt's output.
        return {
          StatusCode: 200,
          Payload: new TextEncoder().encode('{"ok":true}'),
          LogResult: Buffer.from(
            'START RequestId: bench Version: $LATEST\nEND RequestId: bench\n' +
              'REPORT RequestId: bench\tDuration: 12.00 ms\tBilled Duration: 12 ms\n',
          ).toString('base64'),
          ExecutedVersion: '$LATEST',
        };
      default:
        throw new Error(`The bench does not expect ${key}; it is never sent to AWS.`);
    }
  };

  const takeNext = (): QueuedMessage | undefined => {
    if (queue.length === 0) return undefined;
    let best = 0;
    for (let i = 1; i < queue.length; i++) {
      const [a, b] = [queue[i], queue[best]];
      if (a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq)) best = i;
    }
    return queue.splice(best, 1)[0];
  };

  return { queue, deadLetters, objects, takeNext, answer };
}
