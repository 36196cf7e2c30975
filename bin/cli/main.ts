import { type Command, GLOBAL_HELP, parseCommandArgs } from './command.js';
import { createContext, type Io } from './context.js';
import { describeFailure, UsageError } from './errors.js';

/** Global flags that take a value, so `kairos --output json jobs list` finds the command words after them. */
const VALUE_FLAGS = new Set(['--endpoint', '--output', '-o', '--home']);

/** Splits global flags given before the command words from the words and the command's own arguments. */
export function splitLeading(argv: readonly string[], usage: string): { leading: string[]; rest: string[] } {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') break;
    const name = flag.split('=')[0];
    if (!VALUE_FLAGS.has(name)) throw new UsageError(`unknown flag '${flag}' before the command`, usage);
    const takesNext = !flag.includes('=');
    leading.push(...argv.slice(i, i + (takesNext ? 2 : 1)));
    i += takesNext ? 2 : 1;
  }
  return { leading, rest: argv.slice(i) };
}

const column = (commands: readonly Command[]) => {
  const names = commands.map((c) => c.words.join(' '));
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return commands.map((c, i) => `  ${names[i].padEnd(width)}${c.summary}`).join('\n');
};

export function topUsage(commands: readonly Command[]): string {
  return `Usage: kairos <command> [flags]

Commands:
${column(commands)}

${GLOBAL_HELP}

Exit codes: 0 ok, 1 the API refused or the work failed, 2 usage error.
\`kairos <command> --help\` shows a command's flags.`;
}

function groupUsage(group: string, commands: readonly Command[]): string {
  return `Usage: kairos ${group} <command> [flags]\n\nCommands:\n${column(commands)}\n\n\`kairos ${group} <command> --help\` shows a command's flags.`;
}

/** Runs one command line; resolves with the exit code, having written any failure to stderr. */
export async function runCli(commands: readonly Command[], argv: readonly string[], io: Io): Promise<number> {
  try {
    return await dispatch(commands, argv, io);
  } catch (error) {
    const { lines, exitCode } = describeFailure(error);
    const usage =
      error instanceof UsageError && error.usage !== null ? `\n${error.usage ?? topUsage(commands)}\n` : '';
    io.stderr.write(`kairos: ${lines.join('\n')}\n${usage}`);
    return exitCode;
  }
}

async function dispatch(commands: readonly Command[], argv: readonly string[], io: Io): Promise<number> {
  const top = topUsage(commands);
  const { leading, rest } = splitLeading(argv, top);
  const [first, second] = rest;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    io.stdout.write(`${top}\n`);
    return 0;
  }
  const family = commands.filter((c) => c.words[0] === first);
  if (family.length === 0) throw new UsageError(`unknown command '${first}'`, top);
  let cmd = family.find((c) => c.words.length === 1);
  if (cmd === undefined) {
    const usage = groupUsage(first, family);
    if (second === '--help' || second === '-h') {
      io.stdout.write(`${usage}\n`);
      return 0;
    }
    if (second === undefined) throw new UsageError(`'${first}' needs a command`, usage);
    cmd = family.find((c) => c.words[1] === second);
    if (cmd === undefined) throw new UsageError(`unknown ${first} command '${second}'`, usage);
  }
  const { values, args } = parseCommandArgs(cmd, [...leading, ...rest.slice(cmd.words.length)]);
  if (values.help) {
    io.stdout.write(`${cmd.usage}\n\n${GLOBAL_HELP}\n`);
    return 0;
  }
  const ctx = createContext(values as Record<string, string | undefined>, cmd.usage, io);
  return (await cmd.run(ctx, values, args)) ?? 0;
}
