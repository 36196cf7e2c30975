import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  hasAttemptsLeft,
  isNonRetryable,
  resolveRetryPolicy,
  retryDelayMs,
} from '../../../lambdas/core/retry.js';

describe('retry policy', () => {
  it('fills in defaults for missing fields only', () => {
    expect(resolveRetryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
    expect(resolveRetryPolicy({ maxAttempts: 7, backoffRate: undefined })).toEqual({
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: 7,
    });
  });

  it('backs off exponentially up to the max delay without jitter', () => {
    const policy = resolveRetryPolicy({
      initialDelaySeconds: 5,
      backoffRate: 2,
      maxDelaySeconds: 30,
      jitter: 'none',
    });
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n, () => 0.5))).toEqual([
      5000, 10_000, 20_000, 30_000, 30_000,
    ]);
  });

  it('draws full jitter uniformly between zero and the capped delay', () => {
    const policy = resolveRetryPolicy({ initialDelaySeconds: 10, backoffRate: 3, maxDelaySeconds: 60 });
    expect(retryDelayMs(policy, 2, () => 0)).toBe(0);
    expect(retryDelayMs(policy, 2, () => 0.5)).toBe(15_000);
    expect(retryDelayMs(policy, 3, () => 0.999)).toBe(59_940);
  });

  it('never exceeds the cap nor goes negative (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          initialDelaySeconds: fc.integer({ min: 0, max: 86_400 }),
          backoffRate: fc.double({ min: 1, max: 10, noNaN: true }),
          maxDelaySeconds: fc.integer({ min: 0, max: 86_400 }),
          jitter: fc.constantFrom('full' as const, 'none' as const),
        }),
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (input, attempt, draw) => {
          const policy = resolveRetryPolicy(input);
          const delay = retryDelayMs(policy, attempt, () => draw);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(policy.maxDelaySeconds * 1000);
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
  });

  it('counts attempts and names non-retryable errors', () => {
    const policy = resolveRetryPolicy({ maxAttempts: 2, nonRetryableErrors: ['BadInput'] });
    expect(hasAttemptsLeft(policy, 1)).toBe(true);
    expect(hasAttemptsLeft(policy, 2)).toBe(false);
    expect(isNonRetryable(policy, 'BadInput')).toBe(true);
    expect(isNonRetryable(policy, 'Timeout')).toBe(false);
    expect(() => retryDelayMs(policy, 0, Math.random)).toThrow(RangeError);
  });
});
