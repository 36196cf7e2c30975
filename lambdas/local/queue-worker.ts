/**
 * The local runtime's consumers: the queue worker plays SQS's event source mapping over the three lane queues
 * (strict priority, bounded concurrency, delete on success, DLQ after too many receives), and the watcher loop
 * plays EventBridge Scheduler's `rate(1 minute)` for the watcher.
 */
import { ValidationError } from '../core/errors.js';
import { LANES, type Lane, parseDispatchMessage } from '../core/messages.js';
import type { Watcher } from '../services/watcher.js';
import { DISPATCH_DLQ, type LocalQueue, laneQueue, type ReceivedMessage } from './local-queue.js';

/** What a handler gets: the raw body (already known to parse), its receive count and its lane. */
export interface WorkerMessage {
  readonly body: string;
  readonly receiveCount: number;
  readonly lane: Lane;
}

/** Where a background failure happened. */
export interface WorkerErrorContext {
  readonly lane?: Lane;
  readonly messageId?: string;
}

export interface QueueWorkerOptions {
  readonly queue: LocalQueue;
  readonly handle: (message: WorkerMessage) => Promise<void>;
  /** Handlers running at once. @default 4 */
  readonly concurrency?: number;
  /** How long a received message stays hidden; extended while its handler runs. @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /** Receives after which a failing message goes to `dispatch-dlq`. @default 5 */
  readonly maxReceiveCount?: number;
  /** Pause after a poll that found nothing in any lane. @default 200 */
  readonly pollMs?: number;
  /** Failed handlers, stale receipts, failed polls. @default - `console.error` */
  readonly onError?: (error: unknown, context: WorkerErrorContext) => void;
}

/** Something running in the background until `stop()`, which waits for its work in progress. */
export interface Stoppable {
  stop(): Promise<void>;
}

/** A sleep that `wake()` cuts short, so `stop()` need not wait out a poll interval. */
export function sleeper() {
  let wake = () => {};
  return {
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    wake: () => wake(),
  };
}

function describe(error: unknown): string {
  if (error instanceof ValidationError) {
    return `${error.message}: ${error.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Starts consuming the lane queues; lanes are polled high → normal → low on every round. */
export function startQueueWorker(options: QueueWorkerOptions): Stoppable {
  const { queue, handle } = options;
  const concurrency = options.concurrency ?? 4;
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
  const maxReceiveCount = options.maxReceiveCount ?? 5;
  const pollMs = options.pollMs ?? 200;
  const onError = options.onError ?? ((error, context) => console.error('queue worker:', context, error));
  const inFlight = new Set<Promise<void>>();
  const idle = sleeper();
  let stopping = false;

  const consume = async (lane: Lane, message: ReceivedMessage): Promise<void> => {
    const name = laneQueue(lane);
    const context = { lane, messageId: message.id };
    const deadLetter = async (error: unknown) => {
      if (!(await queue.deadLetter(name, message.receipt, DISPATCH_DLQ, describe(error)))) {
        onError(
          new Error(`Message ${message.id} was re-received before it could be dead-lettered.`),
          context,
        );
      }
    };
    try {
      parseDispatchMessage(message.body);
    } catch (error) {
      // A poison body can never succeed: straight to the DLQ, without taking more receives.
      await deadLetter(error);
      return;
    }
    // Extends the claim while the handler runs, so a handler slower than the visibility timeout is not handed
    // to a second consumer meanwhile (every third of the timeout leaves room for a slow event loop).
    const extend = async () => {
      if (!(await queue.changeVisibility(name, message.receipt, visibilityTimeoutSeconds))) {
        onError(new Error(`Message ${message.id} was re-received while its handler ran.`), context);
      }
    };
    const heartbeat = setInterval(
      () => void extend().catch((e) => onError(e, context)),
      (visibilityTimeoutSeconds * 1000) / 3,
    );
    try {
      await handle({ body: message.body, receiveCount: message.receiveCount, lane });
    } catch (error) {
      onError(error, context);
      // Otherwise left alone: it reappears after the visibility timeout, as on SQS.
      if (message.receiveCount >= maxReceiveCount) await deadLetter(error);
      return;
    } finally {
      clearInterval(heartbeat);
    }
    if (!(await queue.delete(name, message.receipt))) {
      onError(new Error(`Message ${message.id} was re-received before it could be deleted.`), context);
    }
  };

  const start = (lane: Lane, message: ReceivedMessage): void => {
    const task = consume(lane, message)
      .catch((error) => onError(error, { lane, messageId: message.id }))
      .finally(() => {
        inFlight.delete(task);
        idle.wake(); // a slot is free: poll again now rather than after the pause
      });
    inFlight.add(task);
  };

  const poll = async (): Promise<number> => {
    let started = 0;
    for (const lane of LANES) {
      const room = concurrency - inFlight.size;
      if (room <= 0 || stopping) break;
      const messages = await queue.receive(laneQueue(lane), {
        max: room,
        visibilityTimeoutSeconds,
        // Covers messages whose handler never finished (the process died): no error to record, only a count.
        redrive: { deadLetterQueue: DISPATCH_DLQ, maxReceiveCount },
      });
      for (const message of messages) start(lane, message);
      started += messages.length;
    }
    return started;
  };

  const loop = (async () => {
    while (!stopping) {
      let started = 0;
      try {
        started = inFlight.size < concurrency ? await poll() : 0;
      } catch (error) {
        onError(error, {});
      }
      if (started === 0 && !stopping) await idle.sleep(pollMs);
    }
  })();

  return {
    async stop() {
      stopping = true;
      idle.wake();
      await loop;
      await Promise.all(inFlight);
    },
  };
}

/** Ticks the watcher now and then every `intervalMs`, one tick at a time; `stop()` waits for a running tick. */
export function startWatcherLoop(options: {
  readonly watcher: Watcher;
  /** @default 1000 */
  readonly intervalMs?: number;
  /** @default - `console.error` */
  readonly onError?: (error: unknown) => void;
}): Stoppable {
  const onError = options.onError ?? ((error) => console.error('watcher:', error));
  const idle = sleeper();
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      await options.watcher.tick().catch(onError);
      if (!stopping) await idle.sleep(options.intervalMs ?? 1000);
    }
  })();
  return {
    async stop() {
      stopping = true;
      idle.wake();
      await loop;
    },
  };
}
