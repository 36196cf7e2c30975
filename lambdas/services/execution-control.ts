import type { ExecutionControl } from '../ports.js';

/**
 * Attempts running in this process. Locally the API and the dispatcher share a process, so cancelling a run
 * reaches its child process at once; on AWS each Lambda has its own (the cancel then lands through the run
 * state: the dispatcher's completion write fails its condition and the result is ignored).
 */
export function createExecutionControl(): ExecutionControl & { abortAll(reason: Error): void } {
  const running = new Map<string, AbortController>();
  return {
    abortAll: (reason) => {
      for (const controller of running.values()) controller.abort(reason);
    },
    register: (runId, controller) => {
      running.set(runId, controller);
    },
    unregister: (runId, controller) => {
      if (running.get(runId) === controller) running.delete(runId);
    },
    abort: (runId, reason) => {
      const controller = running.get(runId);
      controller?.abort(reason);
      return controller !== undefined;
    },
  };
}

/** Abort reason of a run's attempt that ran out of time. */
export class TimeoutAbort extends Error {
  override readonly name = 'TimeoutError';
}

/** Abort reason of a run cancelled by a user. */
export class CancelAbort extends Error {
  override readonly name = 'CancelledError';
}
