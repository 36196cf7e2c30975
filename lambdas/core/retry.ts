/** A job's retry policy with every default filled in. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly initialDelaySeconds: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds: number;
  readonly jitter: 'full' | 'none';
  readonly nonRetryableErrors: readonly string[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  initialDelaySeconds: 5,
  backoffRate: 2,
  maxDelaySeconds: 300,
  jitter: 'full',
  nonRetryableErrors: [],
};

/** Fills in defaults for the fields a job left out. */
export function resolveRetryPolicy(input?: Partial<RetryPolicy>): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...stripUndefined(input ?? {}) };
}

/** Uniform random number in [0, 1). Injected so tests and simulations are deterministic. */
export type RandomSource = () => number;

/**
 * Delay before the attempt after `failedAttempt` (1-based), in milliseconds: exponential backoff capped at
 * `maxDelaySeconds`, then "full jitter" (a uniform draw in [0, cap]) which spreads retries of many runs that
 * failed together, as recommended in the AWS Architecture Blog's "Exponential Backoff and Jitter".
 */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number, random: RandomSource): number {
  if (!Number.isInteger(failedAttempt) || failedAttempt < 1) {
    throw new RangeError(`failedAttempt must be a positive integer, got ${failedAttempt}`);
  }
  const exponential = policy.initialDelaySeconds * policy.backoffRate ** (failedAttempt - 1);
  const capMs = Math.min(exponential, policy.maxDelaySeconds) * 1000;
  if (policy.jitter === 'none') return Math.round(capMs);
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.floor(draw * capMs);
}

/** Whether another attempt may follow attempt `attempt` (1-based). */
export function hasAttemptsLeft(policy: RetryPolicy, attempt: number): boolean {
  return attempt < policy.maxAttempts;
}

/** Whether an error of this type must fail the run at once instead of being retried. */
export function isNonRetryable(policy: RetryPolicy, errorType: string): boolean {
  return policy.nonRetryableErrors.includes(errorType);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
