import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capLog, createLogBuffer, MAX_LOG_BYTES } from '../../../../lambdas/adapters/executors/log-buffer.js';

describe('log buffer', () => {
  it('keeps a log under the cap as it is', () => {
    const log = createLogBuffer();
    log.line('one');
    log.append(Buffer.from('two\n'));

    expect(log.text()).toBe('one\ntwo\n');
  });

  it('keeps the head and the tail of a long log within the cap, saying how much it left out', () => {
    const log = createLogBuffer();
    log.line('START');
    for (let i = 0; i < 30_000; i++) log.line(`line ${i} ${'x'.repeat(60)}`);
    log.line('END with the error');

    const text = log.text();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_LOG_BYTES);
    expect(text.startsWith('START\n')).toBe(true);
    expect(text.endsWith('END with the error\n')).toBe(true);
    expect(text).toMatch(/\[… \d+ bytes left out …\]/);
  });

  it('never exceeds the cap, whatever the chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 300 }), { maxLength: 60 }),
        fc.integer({ min: 256, max: 4096 }),
        (chunks, limit) => {
          const log = createLogBuffer(limit);
          for (const chunk of chunks) log.append(chunk);
          const all = chunks.join('');
          const text = log.text();
          expect(Buffer.byteLength(text)).toBeLessThanOrEqual(limit + 8); // a cut multi-byte character may grow
          if (Buffer.byteLength(all) <= limit) expect(text).toBe(all);
        },
      ),
    );
  });

  it('caps a finished text the same way', () => {
    expect(capLog('short')).toBe('short');
    expect(Buffer.byteLength(capLog('y'.repeat(3 * MAX_LOG_BYTES)))).toBeLessThanOrEqual(MAX_LOG_BYTES);
  });
});
