import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Context } from './context.js';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command takes (README, CLI). */
export const GLOBAL_OPTIONS = {
  endpoint: { type: 'string' },
  output: { type: 'string', short: 'o' },
  home: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const GLOBAL_HELP = `Global flags:
  --endpoint <url>      deployed API (else KAIROS_ENDPOINT, else the local runtime on 127.0.0.1:$KAIROS_PORT)
  -o, --output <fmt>    table (default) or json: the API's JSON body as it came
  --home <dir>          local state directory (else KAIROS_HOME, else .kairos)
  -h, --help            this help`;

export type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O & typeof GLOBAL_OPTIONS; allowPositionals: true; strict: true }>
>['values'];

/** One `kairos …` command: its words, usage text, flags, positional arguments and what it does. */
export interface Command<O extends Options = Options> {
  /** The words that name it: `['jobs', 'list']`. */
  readonly words: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** Synopsis and flag descriptions, printed for `--help` and after a usage error. */
  readonly usage: string;
  readonly options: O;
  /** Names of the positional arguments, e.g. `['jobId']`; those ending in `?` may be left out. */
  readonly args: readonly string[];
  /** Resolves with the exit code, or with nothing for 0. */
  run(ctx: Context, values: Values<O>, args: string[]): Promise<number> | Promise<void>;
}

/** Identity with inference, so each command's `values` are typed by its own flags. */
export function command<const O extends Options>(definition: Command<O>): Command<O> {
  return definition;
}

export interface Parsed {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly args: string[];
}

/** Parses a command's arguments (after its words) with its own flags and the global ones. */
export function parseCommandArgs(cmd: Command, argv: string[]): Parsed {
  let parsed: { values: Parsed['values']; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...cmd.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // node:util's messages name the flag and suggest `--` for values starting with a dash: good as they are.
    throw new UsageError((error as Error).message, cmd.usage);
  }
  if (parsed.values.help) return { values: parsed.values, args: parsed.positionals };
  const required = cmd.args.filter((a) => !a.endsWith('?')).length;
  const { positionals } = parsed;
  if (positionals.length < required) {
    const missing = cmd.args.slice(positionals.length, required).map((a) => `<${a}>`);
    throw new UsageError(`missing ${missing.join(' ')}`, cmd.usage);
  }
  if (positionals.length > cmd.args.length) {
    const extra = positionals.slice(cmd.args.length).map((a) => `'${a}'`);
    throw new UsageError(`unexpected argument ${extra.join(' ')}`, cmd.usage);
  }
  return { values: parsed.values, args: positionals };
}

/** An integer flag within bounds, or undefined when not given; anything else is a usage error. */
export function intFlag(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
  usage: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`, usage);
  return n;
}

/** One of the allowed words (case-insensitive), or undefined when not given. */
export function choiceFlag<T extends string>(
  value: string | undefined,
  flag: string,
  choices: readonly T[],
  usage: string,
): T | undefined {
  if (value === undefined) return undefined;
  const found = choices.find((c) => c.toLowerCase() === value.toLowerCase());
  if (found === undefined) throw new UsageError(`${flag} must be one of ${choices.join(', ')}`, usage);
  return found;
}
