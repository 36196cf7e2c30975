/** What every executor shares: the attempt's abort signal and the outcomes of a failure or an abort. */
import type { RunError } from '../../core/run.js';
import type { ExecutionContext, ExecutionOutcome } from '../../ports.js';
import { capLog } from './log-buffer.js';

/** setTimeout fires at once for delays above 2^31-1 ms; a longer budget simply gets no timer of its own. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** An error whose name tells the outcome mapper that the attempt ran out of time. */
export function timeoutError(timeoutMs: number): Error {
  const error = new Error(`the attempt timed out after ${timeoutMs} ms`);
  error.name = 'TimeoutError';
  return error;
}

/** The signal an executor works under: aborts with `ctx.signal` or when `ctx.timeoutMs` has passed. */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  /** Stops the timer and the listener on `ctx.signal`; call once the attempt has ended. */
  dispose(): void;
}

/**
 * Combines the caller's signal with the attempt's own time budget, so an executor stops even when the caller's
 * timer is late or missing. The reason is passed through unchanged (`TimeoutError` / `CancelledError`).
 */
export function attemptSignal(ctx: Pick<ExecutionContext, 'signal' | 'timeoutMs'>): AttemptSignal {
  const controller = new AbortController();
  const forward = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) forward();
  else ctx.signal.addEventListener('abort', forward, { once: true });
  const timer =
    Number.isFinite(ctx.timeoutMs) && ctx.timeoutMs <= MAX_TIMER_MS
      ? setTimeout(() => controller.abort(timeoutError(ctx.timeoutMs)), Math.max(0, ctx.timeoutMs))
      : undefined;
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', forward);
    },
  };
}

/** A promise that settles (never rejects) when `signal` aborts, to race the work against. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** The error of an aborted attempt: `Timeout` (retryable) for a `TimeoutError`, `Cancelled` for anything else. */
export function abortError(signal: AbortSignal): RunError {
  // Read by shape: the reason may be an Error, a DOMException or whatever the caller passed to abort().
  const reason = (typeof signal.reason === 'object' ? signal.reason : {}) as {
    name?: unknown;
    message?: unknown;
  };
  const name = typeof reason?.name === 'string' ? reason.name : undefined;
  const message = typeof reason?.message === 'string' ? reason.message : undefined;
  return name === 'TimeoutError'
    ? { type: 'Timeout', message: message || 'the attempt timed out', retryable: true }
    : { type: 'Cancelled', message: message || 'the attempt was cancelled', retryable: false };
}

/** A `failed` outcome with its log capped. */
export function failed(
  error: { type: string; message: string; retryable: boolean },
  log: string,
  output?: unknown,
): ExecutionOutcome {
  return output === undefined
    ? { status: 'failed', error, log: capLog(log) }
    : { status: 'failed', error, output, log: capLog(log) };
}

/** A `succeeded` outcome with its log capped. */
export function succeeded(log: string, output?: unknown): ExecutionOutcome {
  return output === undefined
    ? { status: 'succeeded', log: capLog(log) }
    : { status: 'succeeded', output, log: capLog(log) };
}

/** The outcome of an attempt stopped by its signal. */
export function aborted(signal: AbortSignal, log: string): ExecutionOutcome {
  const error = abortError(signal);
  return failed({ ...error, retryable: error.retryable ?? false }, `${log}${error.type}: ${error.message}\n`);
}

/** The message of anything thrown, for logs and error outcomes. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** JSON text as a value; text that is not JSON stays text, and empty text is no value. */
export function parseJsonText(text: string | null | undefined): unknown {
  if (text === undefined || text === null || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // not JSON (a Lambda may return any bytes): keep it as text rather than lose it
  }
}

/** The end of an asynchronous execution (Fargate task, Step Functions execution), read from its event. */
export interface Completion {
  /** The `handle` of the `started` outcome: task ARN or execution ARN. */
  readonly handle: string;
  readonly outcome: ExecutionOutcome;
  /** The run, when the event carries it (ECS `startedBy`, the execution name). */
  readonly runId?: string;
  /** The attempt, when the event carries it. */
  readonly attempt?: number;
}
