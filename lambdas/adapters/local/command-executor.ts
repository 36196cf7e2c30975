/**
 * The local `command` target: a child process (argv, no shell) in its own process group, so a timeout or a
 * cancel takes down everything it started, not only the first process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Target } from '../../core/job/targets.js';
import type { Executor } from '../../ports.js';
import { createLogBuffer } from '../executors/log-buffer.js';
import { aborted, attemptSignal, failed, messageOf, succeeded, whenAborted } from '../executors/outcome.js';

export type CommandTarget = Extract<Target, { type: 'command' }>;

export interface CommandExecutorOptions {
  /** Working directory of commands without `cwd`, and the base of a relative `cwd`. @default process.cwd() */
  readonly defaultCwd?: string;
  /** How long a process group has between SIGTERM and SIGKILL. @default 2000 */
  readonly killGraceMs?: number;
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Sends a signal to the child's whole process group; a group that is already gone is not an error. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Resolves when the process has exited (or failed to start), with its exit or the spawn error. */
function exitOf(child: ChildProcess): Promise<Exit | Error> {
  return new Promise((resolve) => {
    child.once('error', (error) => resolve(error));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/**
 * Waits until the pipes have drained, but not for ever: a background grandchild that inherited stdout keeps the
 * pipe open after the command itself has exited.
 */
async function drained(child: ChildProcess, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([closed, late]);
  clearTimeout(timer);
  child.stdout?.destroy();
  child.stderr?.destroy();
}

/**
 * What the command wrote to `$KAIROS_OUTPUT_FILE` (its answer, as a Lambda's return value is): JSON when it
 * parses, else the text; undefined when it wrote nothing.
 */
async function writtenOutput(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  } finally {
    await rm(file, { force: true });
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Creates the executor of local `command` targets. */
export function createCommandExecutor(options: CommandExecutorOptions = {}): Executor<CommandTarget> {
  const defaultCwd = options.defaultCwd ?? process.cwd();
  const killGraceMs = options.killGraceMs ?? 2000;
  return {
    async execute(target, ctx) {
      const log = createLogBuffer();
      const cwd = path.resolve(defaultCwd, target.cwd ?? '.');
      const [file, ...args] = target.command;
      const outputFile = path.join(tmpdir(), `kairos-output-${randomUUID()}.json`);
      const env = {
        ...process.env,
        ...target.env,
        KAIROS_JOB_ID: ctx.jobId,
        KAIROS_RUN_ID: ctx.runId,
        KAIROS_ATTEMPT: String(ctx.attempt),
        KAIROS_PAYLOAD: JSON.stringify(ctx.payload ?? null),
        // A DAG task's dependencies' ends; large outputs are pointers (a file:// URI locally).
        ...(ctx.upstream === undefined ? {} : { KAIROS_UPSTREAM: JSON.stringify(ctx.upstream) }),
        KAIROS_OUTPUT_FILE: outputFile,
      };
      log.line(`$ ${target.command.map((a) => JSON.stringify(a)).join(' ')} (cwd ${cwd})`);
      const attempt = attemptSignal(ctx);
      if (attempt.signal.aborted) {
        attempt.dispose();
        return aborted(attempt.signal, log.text());
      }
      // detached: the child leads a new process group, which is what `kill(-pid)` addresses.
      const child = spawn(file!, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.on('data', (chunk: Buffer) => log.append(chunk));
      child.stderr?.on('data', (chunk: Buffer) => log.append(chunk));
      const exited = exitOf(child);
      const started = performance.now();
      try {
        const first = await Promise.race([
          exited,
          whenAborted(attempt.signal).then(() => 'aborted' as const),
        ]);
        if (first === 'aborted') {
          signalGroup(child, 'SIGTERM');
          // Runs on after the outcome if the command exits at once: stragglers in the group still get SIGKILL.
          setTimeout(() => signalGroup(child, 'SIGKILL'), killGraceMs).unref();
          const exit = await exited;
          await drained(child, 100);
          if (!(exit instanceof Error)) log.line(`[stopped: ${exit.signal ?? `exit code ${exit.code}`}]`);
          return aborted(attempt.signal, log.text());
        }
        if (first instanceof Error) {
          const message = `could not start ${JSON.stringify(file)} in ${cwd}: ${messageOf(first)}`;
          log.line(message);
          return failed({ type: 'SpawnError', message, retryable: false }, log.text());
        }
        await drained(child, 200);
        const ms = Math.round(performance.now() - started);
        const status = first.signal === null ? `exit code ${first.code}` : `killed by ${first.signal}`;
        log.line(`[${status} after ${ms} ms]`);
        const written = await writtenOutput(outputFile);
        if (first.code === 0) return succeeded(log.text(), written ?? { exitCode: 0 });
        const output = { exitCode: first.code, signal: first.signal };
        return failed(
          { type: 'ExitCode', message: `the command ended with ${status}`, retryable: true },
          log.text(),
          output,
        );
      } finally {
        attempt.dispose();
        await rm(outputFile, { force: true });
      }
    },
  };
}
