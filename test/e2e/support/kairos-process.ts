import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/**
 * `kairos local` in a process of its own: `node --import tsx` (one process, so SIGKILL really kills the
 * runtime; the tsx CLI would leave its child running). Resolves once the server prints its URL.
 */
export function spawnKairos(
  home: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bin/kairos.ts', 'local', '--port', '0', '--home', home],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    },
  );
  let output = '';
  // KAIROS_TEST_PROCESS_LOG=<file> keeps everything the process printed, for diagnosing a failed run.
  const keep = process.env.KAIROS_TEST_PROCESS_LOG;
  if (keep) {
    const sink = createWriteStream(keep, { flags: 'a' });
    child.stdout?.pipe(sink);
    child.stderr?.pipe(sink);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kairos local did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 100_000) output = output.slice(-50_000);
      const url = /Kairos (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`kairos local exited with ${code}:\n${output}`)));
  });
}

/** Sends `signal` and resolves when the process has exited. */
export function stopKairos(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}
