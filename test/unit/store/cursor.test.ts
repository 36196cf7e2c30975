import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import { createCursorCodec } from '../../../lambdas/store/cursor.js';

const KEYS = ['jobId', 'listKey', 'createdKey'] as const;
const codec = createCursorCodec('unit-test-secret');
const key = { jobId: 'j-1', listKey: 'JOB', createdKey: '2030-01-01T00:00:00.000Z#j-1' };

function expectCursorError(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      { path: 'query.cursor', message: expect.any(String) },
    ]);
    return;
  }
  expect.fail('expected a ValidationError');
}

describe('createCursorCodec', () => {
  it('round-trips a key into an opaque URL-safe string', () => {
    const cursor = codec.encode(key);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('j-1');
    expect(codec.decode(cursor, KEYS)).toEqual(key);
  });

  it('keeps numbers as numbers', () => {
    const numeric = { id: 'a', at: 1_700_000_000 };

    expect(codec.decode(codec.encode(numeric), ['id', 'at'])).toEqual(numeric);
  });

  it('refuses a cursor signed with another secret', () => {
    const foreign = createCursorCodec('another-secret').encode(key);

    expectCursorError(() => codec.decode(foreign, KEYS));
  });

  it('refuses a payload that was swapped under a valid signature', () => {
    const [, signature] = codec.encode(key).split('.');
    const forged = Buffer.from(JSON.stringify({ ...key, jobId: 'j-2' })).toString('base64url');

    expectCursorError(() => codec.decode(`${forged}.${signature}`, KEYS));
  });

  it('refuses keys of the wrong shape even when correctly signed', () => {
    expectCursorError(() => codec.decode(codec.encode({ jobId: 'j-1' }), KEYS));
    expectCursorError(() => codec.decode(codec.encode({ ...key, extra: 'x' }), KEYS));
    expectCursorError(() => codec.decode(codec.encode({ runId: 'r', jobId: 'j', scheduledKey: 's' }), KEYS));
    expectCursorError(() => codec.decode(codec.encode({ id: Number.NaN }), ['id']));
    expectCursorError(() => codec.decode(codec.encode([] as unknown as Record<string, string>), []));
    expectCursorError(() => codec.decode(codec.encode({ id: { nested: 1 } } as never), ['id']));
  });

  it('refuses malformed and truncated cursors', () => {
    const cursor = codec.encode(key);

    for (const bad of [
      '',
      '.',
      'abc',
      `${cursor}.x`,
      cursor.slice(0, -1),
      cursor.slice(1),
      `${cursor}=`,
      'a'.repeat(5000),
    ]) {
      expectCursorError(() => codec.decode(bad, KEYS));
    }
    expectCursorError(() => codec.decode(undefined as unknown as string, KEYS));
  });

  it('throws only ValidationError for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (garbage) => {
        expectCursorError(() => codec.decode(garbage, KEYS));
      }),
    );
  });

  it('detects any change to a valid cursor', () => {
    const cursor = codec.encode(key);
    const mutation = fc.record({
      at: fc.nat({ max: cursor.length - 1 }),
      deleteCount: fc.nat({ max: 3 }),
      insert: fc.string({ maxLength: 3 }),
    });

    fc.assert(
      fc.property(mutation, ({ at, deleteCount, insert }) => {
        const mutated = cursor.slice(0, at) + insert + cursor.slice(at + deleteCount);
        fc.pre(mutated !== cursor);
        expectCursorError(() => codec.decode(mutated, KEYS));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses an empty secret at construction', () => {
    expect(() => createCursorCodec('')).toThrow(/secret/);
  });
});
