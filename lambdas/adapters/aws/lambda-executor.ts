/**
 * The `lambda` target on AWS: a synchronous Invoke whose log tail (the last 4 KB Lambda returns) becomes the
 * attempt's log and whose function error becomes a failed attempt.
 */
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Target } from '../../core/job/targets.js';
import type { Executor } from '../../ports.js';
import { createLogBuffer } from '../executors/log-buffer.js';
import {
  aborted,
  attemptSignal,
  failed,
  parseJsonText,
  succeeded,
  whenAborted,
} from '../executors/outcome.js';
import { sdkFailure } from './sdk-failure.js';

export type LambdaTarget = Extract<Target, { type: 'lambda' }>;

export interface LambdaExecutorOptions {
  readonly client: LambdaClient;
}

/** Invoke errors that the same request will meet again. */
const NON_RETRYABLE = new Set([
  'ResourceNotFoundException',
  'InvalidParameterValueException',
  'InvalidRequestContentException',
  'RequestTooLargeException',
  'UnsupportedMediaTypeException',
  'InvalidRuntimeException',
  'AccessDeniedException',
]);

/** The `{ errorType, errorMessage }` document Lambda returns with a function error. */
function functionError(payload: unknown, fallbackType: string): { type: string; message: string } {
  const doc = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  return {
    type: typeof doc.errorType === 'string' ? doc.errorType : fallbackType,
    message:
      typeof doc.errorMessage === 'string'
        ? doc.errorMessage
        : typeof payload === 'string'
          ? payload
          : `the function failed (${fallbackType})`,
  };
}

/** Creates the executor of `lambda` targets on AWS. */
export function createLambdaExecutor(options: LambdaExecutorOptions): Executor<LambdaTarget> {
  const { client } = options;
  return {
    async execute(target, ctx) {
      const log = createLogBuffer();
      log.line(`Invoke ${target.functionArn} (RequestResponse, run ${ctx.runId}, attempt ${ctx.attempt})`);
      const attempt = attemptSignal(ctx);
      try {
        const sent = client.send(
          new InvokeCommand({
            FunctionName: target.functionArn,
            InvocationType: 'RequestResponse',
            LogType: 'Tail',
            Payload: Buffer.from(JSON.stringify(ctx.payload ?? null)),
          }),
          { abortSignal: attempt.signal },
        );
        // Raced as well as passed: a request handler that ignores the signal must not hold the attempt.
        sent.catch(() => {});
        const res: InvokeCommandOutput | undefined = await Promise.race([
          sent,
          whenAborted(attempt.signal).then(() => undefined),
        ]);
        if (res === undefined) {
          log.line(
            'the invocation keeps running in Lambda until its own timeout; its result will be ignored',
          );
          return aborted(attempt.signal, log.text());
        }
        if (res.LogResult) log.append(Buffer.from(res.LogResult, 'base64'));
        log.line(`StatusCode ${res.StatusCode}, ExecutedVersion ${res.ExecutedVersion ?? '?'}`);
        const payload = parseJsonText(res.Payload ? Buffer.from(res.Payload).toString('utf8') : undefined);
        if (res.FunctionError !== undefined) {
          const error = functionError(payload, res.FunctionError);
          log.line(`${error.type}: ${error.message}`);
          return failed({ ...error, retryable: true }, log.text(), payload);
        }
        return succeeded(log.text(), payload);
      } catch (error) {
        if (attempt.signal.aborted) return aborted(attempt.signal, log.text());
        const failure = sdkFailure(error, NON_RETRYABLE);
        log.line(`Invoke failed: ${failure.type}: ${failure.message}`);
        return failed(failure, log.text());
      } finally {
        attempt.dispose();
      }
    },
  };
}
