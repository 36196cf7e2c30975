import { describe, expect, it } from 'vitest';
import { choiceFlag, command, intFlag, parseCommandArgs } from '../../../bin/cli/command.js';
import { UsageError } from '../../../bin/cli/errors.js';
import { runCli, splitLeading } from '../../../bin/cli/main.js';

const seen: { values: Record<string, unknown>; args: string[]; output: string }[] = [];

const get = command({
  words: ['things', 'get'],
  summary: 'get a thing',
  usage: 'Usage: kairos things get <id> [--deep]',
  args: ['id', 'extra?'],
  options: { deep: { type: 'boolean' }, file: { type: 'string', short: 'f' } },
  async run(ctx, values, args) {
    seen.push({ values, args, output: ctx.output });
    return values.deep ? 7 : 0;
  },
});
const hello = command({
  words: ['hello'],
  summary: 'say hello',
  usage: 'Usage: kairos hello',
  args: [],
  options: {},
  async run(ctx) {
    ctx.print('hello');
  },
});
const COMMANDS = [get, hello];

/** Runs a command line against the two test commands, collecting what they wrote. */
async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  };
  seen.length = 0;
  const code = await runCli(COMMANDS, argv, io);
  return { code, stdout, stderr, seen: seen[0] };
}

describe('parseCommandArgs', () => {
  it('takes the command flags, the global ones and the positionals, in any order', () => {
    const parsed = parseCommandArgs(get, [
      '--deep',
      'x1',
      '-o',
      'json',
      '-f',
      'a.yaml',
      '--endpoint=https://e',
    ]);
    expect(parsed.args).toEqual(['x1']);
    expect(parsed.values).toMatchObject({
      deep: true,
      output: 'json',
      file: 'a.yaml',
      endpoint: 'https://e',
    });
  });

  it('refuses missing, surplus and unknown arguments with the usage of the command', () => {
    const fail = (argv: string[]) => {
      try {
        parseCommandArgs(get, argv);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        expect((error as UsageError).usage).toBe(get.usage);
        return (error as Error).message;
      }
      throw new Error('no usage error');
    };
    expect(fail([])).toBe('missing <id>');
    expect(fail(['a', 'b', 'c'])).toBe("unexpected argument 'c'");
    expect(fail(['a', '--nope'])).toContain("Unknown option '--nope'");
    expect(fail(['a', '--file'])).toContain("Option '-f, --file <value>' argument missing");
  });

  it('lets --help through without the positionals', () => {
    expect(parseCommandArgs(get, ['--help']).values.help).toBe(true);
  });
});

describe('intFlag and choiceFlag', () => {
  it('accept whole numbers in range and known words (any case)', () => {
    expect(intFlag(undefined, '--limit', 1, 100, '')).toBeUndefined();
    expect(intFlag('100', '--limit', 1, 100, '')).toBe(100);
    expect(choiceFlag('paused', '--status', ['ACTIVE', 'PAUSED'] as const, '')).toBe('PAUSED');
  });

  it.each(['0', '101', '1.5', '-1', 'ten', ''])('refuses --limit %j', (value) => {
    expect(() => intFlag(value, '--limit', 1, 100, 'u')).toThrow(
      /--limit must be a whole number from 1 to 100/,
    );
  });

  it('refuses an unknown word, listing the known ones', () => {
    expect(() => choiceFlag('x', '--status', ['A', 'B'] as const, 'u')).toThrow(
      '--status must be one of A, B',
    );
  });
});

describe('splitLeading', () => {
  it('moves global flags given before the command words', () => {
    expect(splitLeading(['--output', 'json', '--home=/h', 'jobs', 'list', '--all'], '')).toEqual({
      leading: ['--output', 'json', '--home=/h'],
      rest: ['jobs', 'list', '--all'],
    });
    expect(splitLeading(['-h'], '')).toEqual({ leading: [], rest: ['-h'] });
  });

  it('refuses a command flag before the command', () => {
    expect(() => splitLeading(['--all', 'jobs'], '')).toThrow("unknown flag '--all' before the command");
  });
});

describe('runCli', () => {
  it('runs the command named by its words; its result is the exit code (none: 0)', async () => {
    const plain = await run('things', 'get', 'x1', 'x2');
    expect(plain.code).toBe(0);
    expect(plain.seen.args).toEqual(['x1', 'x2']);
    expect(plain.seen.output).toBe('table');
    expect((await run('-o', 'json', 'things', 'get', 'x1', '--deep')).code).toBe(7);
    expect(await run('hello')).toMatchObject({ code: 0, stdout: 'hello\n', stderr: '' });
  });

  it('prints help on stdout with exit 0: all commands, a group, one command', async () => {
    const top = await run();
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('  things get  get a thing\n  hello       say hello');
    expect((await run('--help')).stdout).toBe(top.stdout);
    const group = await run('things', '--help');
    expect(group.stdout).toContain('Usage: kairos things <command>');
    const one = await run('things', 'get', '--help');
    expect(one).toMatchObject({ code: 0, stderr: '' });
    expect(one.stdout).toContain('Usage: kairos things get <id> [--deep]');
    expect(one.stdout).toContain('Global flags:');
    expect(one.seen).toBeUndefined();
  });

  it('usage errors: exit 2, the message then the usage of what was meant, on stderr', async () => {
    const unknown = await run('nope');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^kairos: unknown command 'nope'\n\nUsage: kairos <command>/);
    const noVerb = await run('things');
    expect(noVerb.stderr).toMatch(/^kairos: 'things' needs a command\n\nUsage: kairos things <command>/);
    const badVerb = await run('things', 'eat');
    expect(badVerb.stderr).toMatch(/^kairos: unknown things command 'eat'/);
    const badOutput = await run('hello', '-o', 'yaml');
    expect(badOutput).toMatchObject({ code: 2 });
    expect(badOutput.stderr).toBe(
      "kairos: --output must be table or json, got 'yaml'\n\nUsage: kairos hello\n",
    );
  });
});
