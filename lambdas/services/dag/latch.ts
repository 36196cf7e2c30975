/**
 * The deployed latch (lambdas/core/dag/latch-contract.ts) over its ports: every request is one write to the
 * run; `ended` and `wait` then release each waiter whose deps have all ended. Because each write returns the
 * state as left by every earlier write, whichever of "dep ended" and "waiter registered" comes last releases.
 */
import {
  endError,
  type LatchRequest,
  latchRelease,
  recordedStatus,
  type TaskEndedResponse,
} from '../../core/dag/latch-contract.js';
import { outputToStore } from '../../core/dag/task-output.js';
import { parseDagExecutionName } from '../../core/dag-execution.js';
import type { RunError } from '../../core/run.js';
import type {
  Artifacts,
  Clock,
  DagLatchState,
  DagLatchStore,
  LatchAttempt,
  TaskTokens,
} from '../../ports.js';

/** A Cause can be 32 KB; the run item (400 KB) holds every task's state, so each keeps the start of it. */
const MAX_MESSAGE = 4096;

export interface LatchServiceDeps {
  readonly store: DagLatchStore;
  readonly tokens: TaskTokens;
  readonly clock: Clock;
  /** Where an output too large to pass inline is stored (S3). */
  readonly artifacts: Pick<Artifacts, 'putTaskFile'>;
}

export type LatchResponse = TaskEndedResponse | Record<string, never>;

/** `$$.State.RetryCount` of the calling state, when the definition passes it: attempts = retries + 1. */
function attemptOf(request: LatchRequest): number {
  const retries = (request as { attempt?: unknown }).attempt;
  return typeof retries === 'number' && Number.isInteger(retries) && retries >= 0 ? retries + 1 : 1;
}

export function createLatchService(deps: LatchServiceDeps) {
  const { store, tokens, clock, artifacts } = deps;

  /** Releases every waiter of `state` whose deps have all ended, then forgets it. */
  const releaseReady = async (ref: LatchAttempt, state: DagLatchState): Promise<void> => {
    const ready = Object.entries(state.waiters).filter(([, w]) => w.deps.every((d) => d in state.ended));
    await Promise.all(
      ready.map(async ([taskId, waiter]) => {
        const release = latchRelease(waiter.deps.map((d) => state.ended[d]!));
        // A duplicate (another call released it first) is refused as a spent token: nothing to do.
        await tokens.succeed(waiter.token, release);
        await store.removeWaiter(ref, taskId, waiter.token);
      }),
    );
  };

  return {
    async handle(request: LatchRequest): Promise<LatchResponse> {
      // The definition passes `$$.Execution.Name`, which names the run and the attempt.
      const ref = parseDagExecutionName(request.runId);
      const now = clock.now().toISOString();
      switch (request.op) {
        case 'started':
          await store.recordStart(ref, request.taskId, {
            status: 'RUNNING',
            attempt: attemptOf(request),
            startedAt: now,
          });
          return {};
        case 'ended': {
          let recorded = recordedStatus(request);
          const large = outputToStore(recorded.output);
          if (large !== undefined) {
            // Stored before the end is recorded, so no dependent is released with a pointer to nothing.
            const taskRef = { ...ref, taskId: request.taskId };
            const outputRef = await artifacts.putTaskFile(taskRef, 'output.json', large);
            recorded = { ...recorded, output: null, outputRef };
          }
          const failure = endError(request);
          const error: RunError | undefined =
            failure === undefined
              ? undefined
              : { type: failure.error, message: (failure.cause ?? failure.error).slice(0, MAX_MESSAGE) };
          const { status, output, outputRef } = recorded;
          const state = await store.recordEnd(
            ref,
            request.taskId,
            { status, output, outputRef },
            {
              endedAt: now,
              ...(error === undefined ? {} : { error }),
            },
          );
          if (state !== undefined) await releaseReady(ref, state);
          // The state machine goes on with the recorded status even if the run moved on (nothing waits then).
          return recorded;
        }
        case 'wait': {
          const state = await store.registerWaiter(ref, request.taskId, {
            token: request.token,
            deps: request.deps,
          });
          if (state !== undefined) await releaseReady(ref, state);
          return {};
        }
      }
    },
  };
}

export type LatchService = ReturnType<typeof createLatchService>;
