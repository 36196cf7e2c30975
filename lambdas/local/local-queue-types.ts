/** The interface of the local queue and the records it hands out. */

/** A message handed to a consumer; `receipt` proves the claim when deleting it. */
export interface ReceivedMessage {
  readonly id: string;
  readonly body: string;
  /** Receives so far, this one included. */
  readonly receiveCount: number;
  readonly receipt: string;
}

/** A stored message as `list` shows it, claimed or not. */
export interface StoredMessage {
  readonly id: string;
  readonly body: string;
  readonly receiveCount: number;
  readonly visibleAtMs: number;
}

export interface ReceiveOptions {
  /** Most messages returned. */
  readonly max: number;
  /** How long received messages stay hidden from other consumers. */
  readonly visibilityTimeoutSeconds: number;
  /** Messages received more than `maxReceiveCount` times go to `deadLetterQueue` instead of a consumer. */
  readonly redrive?: { readonly deadLetterQueue: string; readonly maxReceiveCount: number };
}

/** The body of every message in a dead-letter queue. */
export interface DeadLetterRecord {
  readonly reason: string;
  /** The failed message's body (a string as it was on the queue), or what `DeadLetters.record` was given. */
  readonly body: unknown;
  readonly runId?: string;
  readonly jobId?: string;
  /** The queue the message was moved from, when it was moved. */
  readonly source?: string;
  /** Receives of the message before it was moved. */
  readonly receiveCount?: number;
  /** ISO instant. */
  readonly recordedAt: string;
}

/** A durable queue with SQS semantics; queues are names, created on first use. */
export interface LocalQueue {
  /** Stores a message, visible after `delaySeconds`; resolves with its id once it is on disk. */
  send(queue: string, body: string, delaySeconds?: number): Promise<string>;
  /** `send` for many messages at once (BatchWriteItem). */
  sendMany(entries: readonly { queue: string; body: string; delaySeconds?: number }[]): Promise<void>;
  /** Claims up to `max` visible messages, earliest visible first. */
  receive(queue: string, options: ReceiveOptions): Promise<ReceivedMessage[]>;
  /** Deletes a received message; false when the receipt is stale (re-received by someone else, or gone). */
  delete(queue: string, receipt: string): Promise<boolean>;
  /** Hides a received message for `timeoutSeconds` from now (0: visible again at once); false when stale. */
  changeVisibility(queue: string, receipt: string, timeoutSeconds: number): Promise<boolean>;
  /** Moves a received message to `deadLetterQueue` as a `DeadLetterRecord`; false when stale. */
  deadLetter(queue: string, receipt: string, deadLetterQueue: string, reason: string): Promise<boolean>;
  /** Every message of a queue without claiming any (inspection, tests, the CLI). */
  list(queue: string): Promise<StoredMessage[]>;
}
