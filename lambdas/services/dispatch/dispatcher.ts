import type { DispatchMessage } from '../../core/messages.js';
import { pumpBackfill } from '../backfill/pump.js';
import type { EngineDeps } from './deps.js';
import { handleFire } from './fire.js';
import { handleSlaCheck } from './sla.js';
import { handleStart, runClaimedAttempt } from './start.js';
import { handleTimeout } from './timeout.js';

/** The dispatcher: what to do with each message of the dispatch queues. Throwing makes the queue redeliver. */
export function createDispatcher(deps: EngineDeps) {
  return {
    async handle(message: DispatchMessage): Promise<void> {
      switch (message.kind) {
        case 'fire': {
          const fired = await handleFire(deps, message.jobId, message.scheduledFor);
          // Start in the same invocation, with what was just read: one queue message per slot, not two.
          if (!fired) return;
          if (fired.run?.status === 'RUNNING') return runClaimedAttempt(deps, fired.job, fired.run);
          return handleStart(deps, fired.runId, 1, fired);
        }
        case 'start':
          return handleStart(deps, message.runId, message.attempt);
        case 'timeout':
          return handleTimeout(deps, message);
        case 'sla':
          return handleSlaCheck(deps, message);
        case 'backfill':
          return pumpBackfill(deps, message.backfillId);
      }
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
