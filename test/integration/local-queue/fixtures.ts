/** Shared setup of the local queue integration tests: dynalite in memory, the queue table, a hand-moved clock. */
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../lambdas/local/embedded-dynamo.js';
import {
  createLocalQueue,
  ensureLocalQueueTable,
  type LocalQueue,
} from '../../../lambdas/local/local-queue.js';
import type { Clock } from '../../../lambdas/ports.js';

export interface ManualClock extends Clock {
  advance(ms: number): void;
}

/** A clock at `iso` that moves only when told to. */
export function manualClock(iso = '2030-01-01T12:00:00.000Z'): ManualClock {
  let now = Date.parse(iso);
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface QueueStack {
  readonly dynamo: EmbeddedDynamo;
  readonly tableName: string;
  readonly queue: LocalQueue;
}

/** Starts dynalite (in memory unless `path`), creates the queue table and opens the queue on `clock`. */
export async function startQueueStack(options: { clock?: Clock; path?: string } = {}): Promise<QueueStack> {
  const dynamo = await startEmbeddedDynamo({ port: 0, path: options.path });
  const tableName = await ensureLocalQueueTable(dynamo.client, 'kairos-test');
  return {
    dynamo,
    tableName,
    queue: createLocalQueue({ client: dynamo.client, tableName, clock: options.clock }),
  };
}
