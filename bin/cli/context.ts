import { ApiClient } from './client.js';
import { UsageError } from './errors.js';
import { resolveTarget } from './target.js';

export type OutputMode = 'table' | 'json';

/** Where output goes: process.stdout/stderr, or a test's buffer. `isTTY` decides how progress is drawn. */
export interface Writer {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface Io {
  readonly stdout: Writer;
  readonly stderr: Writer;
}

/** What a command runs with: where its output goes, how the user wants it, and the API to talk to. */
export interface Context {
  readonly output: OutputMode;
  /** Local state directory (`--home`, `KAIROS_HOME`, `.kairos`). */
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** The API client, made on first use (so `preview` or `dag compile` never need an endpoint). */
  api(): ApiClient;
  /** Prints a JSON value as the API sent it: indented by two spaces. */
  json(value: unknown): void;
  /** Prints text followed by a newline (none added when it already ends with one). */
  print(text: string): void;
}

export interface ContextFlags {
  readonly output?: string;
  readonly home?: string;
  readonly endpoint?: string;
}

export function createContext(flags: ContextFlags, usage: string, io: Io, env = process.env): Context {
  const output = flags.output ?? 'table';
  if (output !== 'table' && output !== 'json')
    throw new UsageError(`--output must be table or json, got '${output}'`, usage);
  const home = flags.home ?? env.KAIROS_HOME ?? '.kairos';
  let client: ApiClient | undefined;
  const { stdout, stderr } = io;
  return {
    output,
    home,
    env,
    stdout,
    stderr,
    api() {
      client ??= new ApiClient(resolveTarget({ endpoint: flags.endpoint, home, env, usage }));
      return client;
    },
    json(value) {
      stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    print(text) {
      stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
  };
}
