import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../bin/cli/errors.js';
import { readDocument, readPayload } from '../../../bin/cli/input.js';

const dir = mkdtempSync(join(tmpdir(), 'kairos-cli-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const JOB = { name: 'n', schedule: { type: 'cron', expression: '0 2 * * *' }, tags: { on: 'yes' } };

describe('readDocument', () => {
  it('reads .json as JSON and .yaml/.yml as YAML', () => {
    expect(readDocument(file('a.json', JSON.stringify(JOB)))).toEqual(JOB);
    const yaml = 'name: n\nschedule:\n  type: cron\n  expression: "0 2 * * *"\ntags:\n  on: "yes"\n';
    expect(readDocument(file('a.yaml', yaml))).toEqual(JOB);
    expect(readDocument(file('a.YML', yaml))).toEqual(JOB);
  });

  it('YAML is read with the core schema: "on" and "yes" stay strings, not booleans as in YAML 1.1', () => {
    expect(readDocument(file('b.yaml', 'tags:\n  on: yes\n'))).toEqual({ tags: { on: 'yes' } });
  });

  it('an instant in YAML stays the string the API expects, not a Date', () => {
    const at = readDocument(file('at.yaml', 'schedule:\n  type: at\n  at: 2026-12-01T09:00:00Z\n'));
    expect(at).toEqual({ schedule: { type: 'at', at: '2026-12-01T09:00:00Z' } });
  });

  it('sniffs other names and stdin: JSON when it starts like JSON, else YAML', () => {
    expect(readDocument('-', () => ' {"a": 1}')).toEqual({ a: 1 });
    expect(readDocument('-', () => 'a: 1\n')).toEqual({ a: 1 });
    expect(readDocument(file('job.txt', '[1, 2]'))).toEqual([1, 2]);
  });

  it('an unreadable or malformed file is a usage error printed without the usage', () => {
    const error = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        expect((e as UsageError).usage).toBeNull();
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(error(() => readDocument(join(dir, 'missing.json')))).toBe(
      `cannot read ${join(dir, 'missing.json')}: ENOENT`,
    );
    expect(error(() => readDocument(file('bad.json', '{"a":')))).toMatch(/bad\.json is not valid JSON: /);
    expect(error(() => readDocument(file('bad.yaml', 'a: [1, 2\n')))).toMatch(
      /bad\.yaml is not valid YAML: /,
    );
    expect(error(() => readDocument('-', () => '{nope'))).toMatch(/^stdin is not valid JSON/);
  });
});

describe('readPayload', () => {
  it('takes --payload as JSON or --payload-file as a document; neither is no body', () => {
    expect(readPayload('{"a":1}', undefined, '')).toEqual({ payload: { a: 1 } });
    expect(readPayload('null', undefined, '')).toEqual({ payload: null });
    expect(readPayload(undefined, file('p.yaml', 'a: 1\n'), '')).toEqual({ payload: { a: 1 } });
    expect(readPayload(undefined, undefined, '')).toBeUndefined();
  });

  it('refuses both at once', () => {
    expect(() => readPayload('{}', 'p.json', 'u')).toThrow('give --payload or --payload-file, not both');
  });
});
