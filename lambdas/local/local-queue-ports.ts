/**
 * The execution-engine ports on the local queue: `DispatchQueue` (one queue per lane) and `DeadLetters`, plus
 * a reader of the dead-letter queues for tests and the CLI.
 */
import type { Lane } from '../core/messages.js';
import type { Clock, DeadLetters, DispatchQueue } from '../ports.js';
import type { DeadLetterRecord, LocalQueue } from './local-queue-types.js';

/** Where `DeadLetters.record` puts runs that failed for good. */
export const DEAD_LETTERS_QUEUE = 'dead-letters';
/** Where the queue worker moves dispatch messages it could not process. */
export const DISPATCH_DLQ = 'dispatch-dlq';

/** The local queue of a dispatch lane: `dispatch-<lane>`. */
export function laneQueue(lane: Lane): string {
  return `dispatch-${lane}`;
}

/** `DispatchQueue` on the local queue: each message as JSON on its lane's queue, all in one batch write. */
export function createLocalDispatchQueue(queue: LocalQueue): DispatchQueue {
  return {
    async sendBatch(entries) {
      await queue.sendMany(
        entries.map((entry) => ({
          queue: laneQueue(entry.lane),
          body: JSON.stringify(entry.message),
          delaySeconds: entry.delaySeconds,
        })),
      );
    },
  };
}

/** `DeadLetters` on the local queue `dead-letters`. */
export function createLocalDeadLetters(queue: LocalQueue, clock?: Clock): DeadLetters {
  const now = () => (clock ?? { now: () => new Date() }).now();
  return {
    async record(entry) {
      const record: DeadLetterRecord = { ...entry, recordedAt: now().toISOString() };
      await queue.send(DEAD_LETTERS_QUEUE, JSON.stringify(record));
    },
  };
}

/**
 * The records in the dead-letter queues (`dead-letters` and `dispatch-dlq` unless `queues` says otherwise),
 * oldest first, each with the queue it sits in. Reading does not claim or remove anything.
 */
export async function listDeadLetters(
  queue: LocalQueue,
  queues: readonly string[] = [DEAD_LETTERS_QUEUE, DISPATCH_DLQ],
): Promise<(DeadLetterRecord & { readonly queue: string; readonly id: string })[]> {
  const lists = await Promise.all(
    queues.map(async (name) =>
      (await queue.list(name)).map((message) => ({
        ...(JSON.parse(message.body) as DeadLetterRecord),
        queue: name,
        id: message.id,
      })),
    ),
  );
  return lists.flat().sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
}
