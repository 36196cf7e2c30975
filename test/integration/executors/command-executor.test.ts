import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CommandTarget,
  createCommandExecutor,
} from '../../../lambdas/adapters/local/command-executor.js';
import { context, reason } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kairos-cmd-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const executor = createCommandExecutor({ defaultCwd: '/' });
const sh = (script: string, extra: Partial<CommandTarget> = {}): CommandTarget => ({
  type: 'command',
  command: ['sh', '-c', script],
  ...extra,
});

/**
 * Whether a process still runs. `kill(pid, 0)` alone also succeeds for a zombie, and an orphan's zombie lingers
 * where PID 1 does not reap (as in some containers), so a zombie counts as gone.
 */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(pid, 0)
  }
}

/** Waits until the script has written its background pids, one a line, to `file`. */
async function pidsIn(file: string, count: number): Promise<number[]> {
  for (let i = 0; i < 200; i++) {
    const pids = await readFile(file, 'utf8').then(
      (text) => text.split('\n').filter(Boolean).map(Number),
      () => [],
    );
    if (pids.length >= count) return pids;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no ${count} pids in ${file}`);
}

describe('command executor', () => {
  it('succeeds on exit 0 with the run variables and target env, in the target cwd', async () => {
    const outcome = await executor.execute(
      sh('echo "$KAIROS_RUN_ID $KAIROS_ATTEMPT $KAIROS_PAYLOAD $GREETING"; pwd', {
        cwd: dir,
        env: { GREETING: 'hi' },
      }),
      context({ attempt: 3 }),
    );

    expect(outcome).toMatchObject({ status: 'succeeded', output: { exitCode: 0 } });
    expect(outcome.log).toContain('run_test 3 {"hello":"world"} hi');
    expect(outcome.log).toContain(dir);
  });

  it('fails retryably on a non-zero exit code, with stdout and stderr in the log in order', async () => {
    const outcome = await executor.execute(
      sh('echo out; sleep 0.05; echo err >&2; sleep 0.05; echo out2; exit 3'),
      context(),
    );

    expect(outcome).toMatchObject({
      status: 'failed',
      error: { type: 'ExitCode', message: 'the command ended with exit code 3', retryable: true },
      output: { exitCode: 3 },
    });
    expect(outcome.log).toMatch(/out\nerr\nout2\n/);
  });

  it('fails for good when the program does not exist', async () => {
    const outcome = await executor.execute({ type: 'command', command: ['/no/such/program'] }, context());

    expect(outcome).toMatchObject({ status: 'failed', error: { type: 'SpawnError', retryable: false } });
    expect((outcome as { error: { message: string } }).error.message).toContain('ENOENT');
  });

  it('on timeout kills the command and the children it started', async () => {
    const file = path.join(dir, 'timeout.pids');
    const script = `sleep 30 & echo $! > ${file}; sleep 30 & echo $! >> ${file}; echo $$ >> ${file}; wait`;

    const outcome = await executor.execute(sh(script), context({ timeoutMs: 500 }));

    expect(outcome).toMatchObject({ status: 'failed', error: { type: 'Timeout', retryable: true } });
    const pids = await pidsIn(file, 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pids.filter(running)).toEqual([]);
  });

  it('on cancel stops within 2 s, and not before the process has exited', async () => {
    const file = path.join(dir, 'cancel.pids');
    const controller = new AbortController();
    const pending = executor.execute(
      sh(`trap 'echo got TERM; exit 143' TERM; echo $$ > ${file}; sleep 30 & wait`),
      context({ signal: controller.signal }),
    );
    const [shellPid] = await pidsIn(file, 1);

    const started = Date.now();
    controller.abort(reason('CancelledError', 'cancelled by bob'));
    const outcome = await pending;

    expect(Date.now() - started).toBeLessThan(2000);
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { type: 'Cancelled', message: 'cancelled by bob' },
    });
    expect(outcome.log).toContain('got TERM');
    expect(running(shellPid!)).toBe(false);
  });

  it('escalates to SIGKILL for a command that ignores SIGTERM', async () => {
    const quick = createCommandExecutor({ killGraceMs: 300 });
    const file = path.join(dir, 'stubborn.pids');

    const outcome = await quick.execute(
      sh(`trap '' TERM; echo $$ > ${file}; while true; do sleep 0.05; done`),
      context({ timeoutMs: 300 }),
    );

    expect(outcome).toMatchObject({ status: 'failed', error: { type: 'Timeout' } });
    expect(outcome.log).toContain('SIGKILL');
    const [pid] = await pidsIn(file, 1);
    expect(running(pid!)).toBe(false);
  });
});
