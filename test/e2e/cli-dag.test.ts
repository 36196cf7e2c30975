import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import validator from 'asl-validator';
import { afterAll, describe, expect, it } from 'vitest';
import { PLACEHOLDER_ARNS } from '../../bin/commands/dag-compile.js';
import { compileDag } from '../../lambdas/core/dag/compile.js';
import { runCli } from './support/kairos-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kairos-dag-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const command = (id: string, dependsOn: string[] = []) => ({
  id,
  target: { type: 'command', command: ['true'] },
  ...(dependsOn.length > 0 ? { dependsOn } : {}),
});
/** The "N" DAG of the issue: a→c, a→d, b→d. */
const N_DAG = [command('a'), command('b'), command('c', ['a']), command('d', ['a', 'b'])];

function file(name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

/** `kairos dag …` of the built CLI as a child process: exit code, stdout, stderr. */
const kairos = (...args: string[]) => runCli(['dag', ...args]);

describe('kairos dag compile', () => {
  it('prints the ASL of a tasks array, valid and identical to what the compiler gives', async () => {
    const out = await kairos('compile', file('n.json', N_DAG));
    expect(out.code).toBe(0);
    const asl = JSON.parse(out.stdout);
    const expected = compileDag(N_DAG as never, PLACEHOLDER_ARNS);
    expect(asl).toEqual(JSON.parse(JSON.stringify(expected)));
    // The validator fills in defaults (QueryLanguage) on what it is given: compare first, then validate.
    const { isValid, errorsText } = validator(asl);
    expect(isValid, errorsText()).toBe(true);
  });

  it('accepts a whole job definition and can print the level-by-level baseline', async () => {
    const job = { name: 'etl', schedule: { type: 'cron', expression: '0 2 * * *' }, tasks: N_DAG };
    const exact = await kairos('compile', file('job.json', job));
    const level = await kairos('compile', file('job.json', job), '--level-by-level');
    expect(exact.code).toBe(0);
    expect(level.code).toBe(0);
    expect(JSON.parse(level.stdout).Comment).toContain('level-by-level');
    expect(level.stdout).not.toEqual(exact.stdout);
  });

  it('exits 1 naming the problem for a cycle, a job without tasks or a file that is not JSON', async () => {
    const cycle = await kairos('compile', file('cycle.json', [command('a', ['b']), command('b', ['a'])]));
    expect(cycle.code).toBe(1);
    expect(cycle.stderr).toMatch(/dependency cycle: (a -> b -> a|b -> a -> b)/);
    const plain = {
      name: 'one',
      schedule: { type: 'immediate' },
      target: { type: 'command', command: ['true'] },
    };
    const noTasks = await kairos('compile', file('plain.json', plain));
    expect(noTasks.code).toBe(1);
    expect(noTasks.stderr).toContain('$.tasks');
    const notJson = await kairos('compile', file('bad.json', '{ nope'));
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('is not a JSON file');
  });

  it('exits 2 on usage errors', async () => {
    expect((await kairos('compile')).code).toBe(2);
    expect((await kairos('explode', 'x')).code).toBe(2);
  });
});
