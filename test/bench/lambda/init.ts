/**
 * Imports a Lambda bundle in a fresh `node` process, as a cold Lambda execution environment does before the first
 * invocation, and reports how long the import took and whether anything tried to open a network connection.
 * The child gets only the function's deployed environment (fake values, see `synth.ts`), the variables the
 * Lambda runtime sets and placeholder credentials: nothing of this machine's AWS configuration, and no socket
 * connect is ever opened, so no import can reach AWS.
 */
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FAKE_REGION } from './synth.js';

/** Run in the child: time `import()` of the bundle, recording (and never opening) every socket connect. */
const CHILD = `
const started = performance.now();
const net = await import('node:net');
const attempts = [];
net.Socket.prototype.connect = function (...args) {
  // Recorded and never opened: the socket just waits, and the process exits after the import.
  attempts.push(JSON.stringify(args[0] ?? null).slice(0, 200));
  return this;
};
await import(process.argv[1]);
const initMs = performance.now() - started;
// Anything the import started asynchronously gets a moment to show itself.
await new Promise((resolve) => setTimeout(resolve, 100));
process.stdout.write(JSON.stringify({ initMs, attempts }));
process.exit(0);
`;

export interface InitSample {
  readonly initMs: number;
  /** Socket connects attempted during or right after the import (none is opened). */
  readonly networkAttempts: readonly string[];
}

/** What the Lambda runtime puts in every function's environment (values made up). */
function lambdaRuntimeEnv(functionName: string, memorySize: number): Record<string, string> {
  return {
    AWS_REGION: FAKE_REGION,
    AWS_DEFAULT_REGION: FAKE_REGION,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
    AWS_SESSION_TOKEN: 'fake-session-token',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
  };
}

/** Imports `bundlePath` once in a new `node` process with `environment` (the function's own variables). */
export function importInFreshNode(
  bundlePath: string,
  environment: Readonly<Record<string, string>>,
  options: { readonly functionName: string; readonly memorySize: number },
): Promise<InitSample> {
  const env = {
    PATH: process.env.PATH ?? '',
    ...lambdaRuntimeEnv(options.functionName, options.memorySize),
    LAMBDA_TASK_ROOT: dirname(bundlePath),
    ...environment,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', CHILD, pathToFileURL(bundlePath).href],
      { env, cwd: dirname(bundlePath), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`Importing ${bundlePath} failed (exit ${code}):\n${stderr.slice(0, 4000)}`));
        return;
      }
      try {
        const { initMs, attempts } = JSON.parse(stdout) as { initMs: number; attempts: string[] };
        resolve({ initMs, networkAttempts: attempts });
      } catch {
        reject(new Error(`Unexpected output importing ${bundlePath}: ${stdout.slice(0, 500)} ${stderr}`));
      }
    });
  });
}
