import type { DispatchMessage } from '../../core/messages.js';
import { slotRunId } from '../../core/run-id.js';
import type { EngineDeps } from './deps.js';
import { handleFire } from './fire.js';
import { handleStart } from './start.js';
import { handleTimeout } from './timeout.js';

/** The dispatcher: what to do with each message of the dispatch queues. Throwing makes the queue redeliver. */
export function createDispatcher(deps: EngineDeps) {
  return {
    async handle(message: DispatchMessage): Promise<void> {
      switch (message.kind) {
        case 'fire': {
          const fired = await handleFire(deps, message.jobId, message.scheduledFor);
          // Start in the same invocation, with what was just read: one queue message per slot, not two.
          if (fired) await handleStart(deps, slotRunId(message.jobId, message.scheduledFor), 1, fired);
          return;
        }
        case 'start':
          return handleStart(deps, message.runId, message.attempt);
        case 'timeout':
          return handleTimeout(deps, message.runId, message.attempt);
      }
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
