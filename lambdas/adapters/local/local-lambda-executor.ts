/**
 * The `lambda` target of the local runtime: `$KAIROS_HOME/functions.json` maps function ARNs or names to
 * `path/to/module.ts#exportName`, and the handler runs in this process (tsx loads TypeScript as is).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { Target } from '../../core/job/targets.js';
import type { ExecutionContext, ExecutionOutcome, Executor } from '../../ports.js';
import { createLogBuffer } from '../executors/log-buffer.js';
import { aborted, attemptSignal, failed, messageOf, succeeded, whenAborted } from '../executors/outcome.js';
import { captureConsole } from './console-capture.js';

export type LambdaTarget = Extract<Target, { type: 'lambda' }>;

export interface LocalLambdaExecutorOptions {
  /** `functions.json`: `{ "<functionArn or name>": "path/to/module.ts#exportName" }`, read at every attempt. */
  readonly functionsFile: string;
  /** What module paths are relative to. @default the directory of `functionsFile` */
  readonly baseDir?: string;
}

type Handler = (event: unknown, context: Context) => unknown;

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` → `<name>`; a plain name stays as it is. */
function functionName(ref: string): string {
  return ref.startsWith('arn:') ? (ref.split(':')[6] ?? ref) : ref;
}

type Lookup = { spec: string; name: string } | { problem: ExecutionOutcome };

async function findFunction(file: string, ref: string): Promise<Lookup> {
  const notFound = (message: string): Lookup => ({
    problem: failed({ type: 'FunctionNotFound', message, retryable: false }, `${message}\n`),
  });
  let map: Record<string, unknown>;
  try {
    map = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return notFound(`cannot read the local functions file ${file}: ${messageOf(error)}`);
  }
  const name = functionName(ref);
  // An ARN may be mapped by its name and a name by any ARN with that name, like AWS resolves them.
  const key = [ref, name, ...Object.keys(map).filter((k) => functionName(k) === name)].find(
    (k) => typeof map[k] === 'string',
  );
  if (key === undefined) {
    const known = Object.keys(map).join(', ') || '(none)';
    return notFound(`no local function ${ref} in ${file}; known functions: ${known}`);
  }
  return { spec: map[key] as string, name };
}

function lambdaContext(ref: string, name: string, ctx: ExecutionContext): Context {
  const deadline = Date.now() + ctx.timeoutMs;
  const ignored = () => {};
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: ref.startsWith('arn:') ? ref : `arn:aws:lambda:local:000000000000:function:${name}`,
    memoryLimitInMB: '128',
    awsRequestId: `${ctx.runId}-${ctx.attempt}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'kairos-local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: ignored,
    fail: ignored,
    succeed: ignored,
  };
}

/** JSON-safe copy of a handler result, so the output can be stored; unserialisable values become text. */
function jsonOutput(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value));
  } catch (error) {
    return `[result not serialisable as JSON: ${messageOf(error)}]`;
  }
}

/** Creates the executor of `lambda` targets that runs handlers in this process. */
export function createLocalLambdaExecutor(options: LocalLambdaExecutorOptions): Executor<LambdaTarget> {
  const baseDir = options.baseDir ?? path.dirname(options.functionsFile);
  return {
    async execute(target, ctx) {
      const found = await findFunction(options.functionsFile, target.functionArn);
      if ('problem' in found) return found.problem;
      const log = createLogBuffer();
      const requestId = `${ctx.runId}-${ctx.attempt}`;
      const hash = found.spec.lastIndexOf('#');
      const modulePath = path.resolve(baseDir, hash < 0 ? found.spec : found.spec.slice(0, hash));
      const exportName = hash < 0 ? 'handler' : found.spec.slice(hash + 1);
      let handler: unknown;
      try {
        // Node caches modules: an edited handler is picked up when the local runtime restarts.
        handler = ((await import(pathToFileURL(modulePath).href)) as Record<string, unknown>)[exportName];
      } catch (error) {
        const message = `cannot load ${modulePath}: ${messageOf(error)}`;
        return failed({ type: 'Runtime.ImportModuleError', message, retryable: false }, `${message}\n`);
      }
      if (typeof handler !== 'function') {
        const message = `${modulePath} has no exported function ${exportName}`;
        return failed({ type: 'Runtime.HandlerNotFound', message, retryable: false }, `${message}\n`);
      }
      log.line(`START RequestId: ${requestId} Function: ${found.name} (${modulePath}#${exportName})`);
      const attempt = attemptSignal(ctx);
      const started = performance.now();
      const context = lambdaContext(target.functionArn, found.name, ctx);
      // The handler runs on inside this process when abandoned after an abort; its result is then ignored.
      const run = captureConsole(
        (line) => log.line(`${new Date().toISOString()}\t${requestId}\t${line}`),
        async () => (handler as Handler)(ctx.payload, context),
      ).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      try {
        const result = await Promise.race([run, whenAborted(attempt.signal).then(() => undefined)]);
        const ms = Math.round(performance.now() - started);
        log.line(`END RequestId: ${requestId}`);
        log.line(`REPORT RequestId: ${requestId}\tDuration: ${ms} ms`);
        if (result === undefined) return aborted(attempt.signal, log.text());
        if (result.ok) return succeeded(log.text(), jsonOutput(result.value));
        const error = result.error;
        const type = error instanceof Error ? error.name || 'Error' : 'Error';
        if (error instanceof Error && error.stack) log.line(error.stack);
        return failed({ type, message: messageOf(error), retryable: true }, log.text(), {
          errorType: type,
          errorMessage: messageOf(error),
        });
      } finally {
        attempt.dispose();
      }
    },
  };
}
