import { describe, expect, it } from 'vitest';
import { parseBackfillRequest } from '../../../../lambdas/core/backfill/request.js';
import { ValidationError } from '../../../../lambdas/core/errors.js';

const NOW = new Date('2026-06-01T12:00:00Z');

function problemsOf(body: unknown): { path: string; message: string }[] {
  try {
    parseBackfillRequest(body, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return [...(error as ValidationError).problems];
  }
  throw new Error('expected a ValidationError');
}

describe('backfill request', () => {
  it('applies the defaults and reads instants with a zone', () => {
    expect(
      parseBackfillRequest({ from: '2026-05-01T00:00:00Z', to: '2026-05-01T04:00:00+02:00' }, NOW),
    ).toEqual({
      from: new Date('2026-05-01T00:00:00Z'),
      to: new Date('2026-05-01T02:00:00Z'),
      maxConcurrency: 1,
      dryRun: false,
      reprocess: 'none',
    });
  });

  it('keeps the given options', () => {
    const body = {
      from: '2026-05-01T00:00:00Z',
      to: '2026-06-01T12:00:00Z',
      maxConcurrency: 100,
      dryRun: true,
      reprocess: 'failed',
    };
    expect(parseBackfillRequest(body, NOW)).toMatchObject({
      maxConcurrency: 100,
      dryRun: true,
      reprocess: 'failed',
    });
  });

  it('names every unknown field and every bad value by its path', () => {
    const problems = problemsOf({
      from: '2026-05-01T00:00:00Z',
      to: '2026-05-02T00:00:00Z',
      maxConcurency: 2,
      maxConcurrency: 101,
      reprocess: 'some',
    });
    expect(problems.map((p) => p.path).sort()).toEqual([
      '$.maxConcurency',
      '$.maxConcurrency',
      '$.reprocess',
    ]);
    expect(problems.find((p) => p.path === '$.maxConcurency')?.message).toBe('unknown field');
    expect(problemsOf({ to: '2026-05-02T00:00:00Z' }).map((p) => p.path)).toEqual(['$.from']);
    expect(problemsOf([]).map((p) => p.path)).toEqual(['$']);
  });

  it('refuses zone-less or impossible dates, an empty or reversed window, and a window ending in the future', () => {
    expect(problemsOf({ from: '2026-05-01T00:00:00', to: '2026-02-30T00:00:00Z' })).toEqual([
      { path: '$.from', message: expect.stringContaining('is not an instant') },
      { path: '$.to', message: expect.stringContaining('is not an instant') },
    ]);
    expect(problemsOf({ from: '2026-05-01T00:00:00Z', to: '2026-05-01T00:00:00Z' })).toEqual([
      { path: '$.to', message: 'must be after from (2026-05-01T00:00:00.000Z)' },
    ]);
    expect(problemsOf({ from: '2026-05-01T00:00:00Z', to: '2026-06-01T12:00:01Z' })).toEqual([
      {
        path: '$.to',
        message: expect.stringContaining('must not be in the future (now is 2026-06-01T12:00:00.000Z)'),
      },
    ]);
  });
});
