import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { buildCli, CLI_FILE, ROOT } from '../../../scripts/build-cli.js';

/** Everything the bundle is made of: a change to any of it makes the build stale. */
const SOURCES = ['bin', 'lambdas', 'dashboard', 'scripts/build-cli.ts', 'package.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

let built: Promise<string> | undefined;

/**
 * The built CLI (dist/kairos.mjs), built once per test process when it is missing or older than its sources,
 * so tests run what `npm run build` ships, not the TypeScript sources.
 */
export function builtCli(): Promise<string> {
  built ??= (async () => {
    const sources = Math.max(...SOURCES.map((p) => newestMtime(join(ROOT, p))));
    if (existsSync(CLI_FILE) && statSync(CLI_FILE).mtimeMs >= sources) return CLI_FILE;
    return buildCli();
  })();
  return built;
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Added to a clean environment (see {@link cliEnv}). */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is closed after it. */
  readonly input?: string;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/**
 * The test process's environment without anything that would point the CLI elsewhere (KAIROS_*, AWS_*), and
 * with every way to real AWS shut: no instance metadata, no config or credentials files.
 */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('KAIROS_') && !key.startsWith('AWS_')) env[key] = value;
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/kairos-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/kairos-test/credentials',
    ...extra,
  };
}

/** `node dist/kairos.mjs …` as a child process: exit code, stdout, stderr. */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const file = await builtCli();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], {
      cwd: options.cwd ?? ROOT,
      env: cliEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kairos ${args.join(' ')} did not end in time:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A long-running command of the built CLI (`local`, `dashboard`) in its own process. */
export interface CliServer {
  /** What matched `ready` in its output. */
  readonly ready: RegExpExecArray;
  /** Everything it printed so far, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `kairos <args>` and resolves once its output matches `ready`. */
export async function startCliServer(
  args: readonly string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
): Promise<CliServer> {
  const file = await builtCli();
  const child = spawn(process.execPath, [file, ...args], {
    cwd: ROOT,
    env: cliEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`kairos ${args.join(' ')} did not start:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-100_000);
      const found = ready.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`kairos ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
  });
  child.removeAllListeners('exit');
  return {
    ready: match,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface CliRuntime extends CliServer {
  readonly url: string;
  readonly port: string;
  readonly home: string;
  /** Environment that points the CLI at this runtime the default way: KAIROS_PORT and KAIROS_HOME. */
  readonly env: NodeJS.ProcessEnv;
}

/** `kairos local --port 0` of the built CLI in its own process, resolved once it prints its URL. */
export async function startCliRuntime(home: string): Promise<CliRuntime> {
  const server = await startCliServer(
    ['local', '--port', '0', '--home', home],
    /Kairos (http:\/\/127\.0\.0\.1:(\d+))/,
  );
  const [, url, port] = server.ready;
  return { ...server, url, port, home, env: { KAIROS_PORT: port, KAIROS_HOME: home } };
}

/** A port nothing listens on (one the OS just handed out and got back). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
