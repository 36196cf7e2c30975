/** Turns an AWS SDK v3 error into a run error: throttling and server faults retry, bad requests do not. */
import type { RunError } from '../../core/run.js';

interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

const THROTTLING = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/;

/**
 * Classifies an SDK error. `nonRetryable` names the service's errors that will fail the same way every time
 * (a missing function, an invalid parameter); other client faults are non-retryable too, while throttling,
 * server faults (5xx) and errors without an HTTP answer (network, socket timeouts) are retryable.
 */
export function sdkFailure(error: unknown, nonRetryable: ReadonlySet<string>): Required<RunError> {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const type = typeof e.name === 'string' && e.name !== '' ? e.name : 'Error';
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  const status = e.$metadata?.httpStatusCode;
  let retryable: boolean;
  if (nonRetryable.has(type)) retryable = false;
  else if (e.$retryable?.throttling === true || THROTTLING.test(type) || status === 429) retryable = true;
  else if (e.$fault === 'server' || (status !== undefined && status >= 500)) retryable = true;
  else retryable = status === undefined && e.$fault === undefined;
  return { type, message, retryable };
}
