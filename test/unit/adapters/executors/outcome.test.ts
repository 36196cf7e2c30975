import { describe, expect, it, vi } from 'vitest';
import { abortError, attemptSignal, parseJsonText } from '../../../../lambdas/adapters/executors/outcome.js';

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('attemptSignal', () => {
  it('aborts with a TimeoutError after timeoutMs', () => {
    vi.useFakeTimers();
    try {
      const attempt = attemptSignal({ signal: new AbortController().signal, timeoutMs: 1000 });
      vi.advanceTimersByTime(999);
      expect(attempt.signal.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(abortError(attempt.signal)).toEqual({
        type: 'Timeout',
        message: 'the attempt timed out after 1000 ms',
        retryable: true,
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it("passes the caller's reason through, already aborted or later", () => {
    const early = new AbortController();
    early.abort(named('CancelledError', 'cancelled by dave'));
    const late = new AbortController();
    const attempt = attemptSignal({ signal: late.signal, timeoutMs: 60_000 });
    late.abort(named('TimeoutError', 'run timeout of 5 min'));

    expect(abortError(attemptSignal({ signal: early.signal, timeoutMs: 1 }).signal)).toEqual({
      type: 'Cancelled',
      message: 'cancelled by dave',
      retryable: false,
    });
    expect(abortError(attempt.signal)).toMatchObject({ type: 'Timeout', message: 'run timeout of 5 min' });
    attempt.dispose();
  });

  it('sets no timer for budgets setTimeout cannot hold, instead of firing at once', () => {
    vi.useFakeTimers();
    try {
      const attempt = attemptSignal({
        signal: new AbortController().signal,
        timeoutMs: 30 * 24 * 3600 * 1000,
      });
      vi.advanceTimersByTime(10);
      expect(attempt.signal.aborted).toBe(false);
      attempt.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts a plain abort() as a cancel', () => {
    const controller = new AbortController();
    controller.abort();
    expect(abortError(controller.signal)).toMatchObject({ type: 'Cancelled', retryable: false });
  });
});

describe('parseJsonText', () => {
  it('parses JSON, keeps other text and drops empty text', () => {
    expect(parseJsonText('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonText('not json')).toBe('not json');
    expect(parseJsonText('')).toBeUndefined();
    expect(parseJsonText(null)).toBeUndefined();
  });
});
