import { z } from 'zod';
import { createHttpExecutor, type HttpOutput } from '../adapters/executors/http-executor.js';
import { HttpTargetSchema } from '../core/job/targets.js';
import { allowListFromEnv } from '../core/ssrf.js';
import type { Executor } from '../ports.js';

/**
 * Kairos's http task function, invoked by the compiled DAG state machines (`lambda:invoke`) for every `http` task
 * (see `core/dag/task-resource.ts`): one request through the SSRF-guarded http executor. A success answers
 * `{ status, output }`; a failure throws an Error named after the executor's error type (`HttpError`,
 * `SsrfBlocked`, `ConnectionError`, `Timeout`…), which is the error name the task's Retry and Catch match.
 */

/** The Payload of an `http` task's Run state. */
const HttpTaskRequestSchema = z.object({
  /** The execution name, which is the run id. */
  runId: z.string().min(1),
  taskId: z.string().min(1),
  /** `$$.State.RetryCount`: 0 on the task's first attempt. */
  attempt: z.number().int().min(0),
  /** `$$.Execution.Input`: `{ payload }` (see `sfn-dag-executor.ts`). */
  input: z.unknown(),
  target: HttpTargetSchema,
});

export type HttpTaskRequest = z.input<typeof HttpTaskRequestSchema>;

export interface HttpTaskResponse {
  readonly status: 'succeeded';
  readonly output: HttpOutput | undefined;
}

/** What the handler reads of the Lambda context. */
export interface HttpTaskContext {
  getRemainingTimeInMillis(): number;
}

/** Time kept back from the Lambda's remaining time, so a timed-out request is reported rather than killed. */
export const HTTP_TASK_MARGIN_MS = 2_000;

/** An Error whose name is `type`, the way Step Functions reports a Lambda's error (`errorType`). */
export function taskError(type: string, message: string): Error {
  const error = new Error(message);
  error.name = type;
  return error;
}

function payloadOf(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return undefined;
  const payload = (input as { payload?: unknown }).payload;
  return payload === null ? undefined : payload;
}

export function createHttpTaskHandler(options: {
  executor: Executor<z.infer<typeof HttpTargetSchema>>;
  marginMs?: number;
}) {
  const { executor, marginMs = HTTP_TASK_MARGIN_MS } = options;
  return async (event: unknown, context: HttpTaskContext): Promise<HttpTaskResponse> => {
    const parsed = HttpTaskRequestSchema.safeParse(event);
    if (!parsed.success) {
      // Not retryable by any means: the definition itself is wrong. Named so a Catch on it stays possible.
      throw taskError('InvalidRequest', `not an http task request: ${z.prettifyError(parsed.error)}`);
    }
    const request = parsed.data;
    const timeoutMs = Math.max(0, context.getRemainingTimeInMillis() - marginMs);
    const outcome = await executor.execute(request.target, {
      // DAG runs are known by run id here; the job id is not part of the task's Payload.
      jobId: '',
      runId: request.runId,
      attempt: request.attempt + 1,
      payload: payloadOf(request.input),
      timeoutMs,
      signal: new AbortController().signal,
    });
    if (outcome.status === 'succeeded') {
      return { status: 'succeeded', output: outcome.output as HttpOutput | undefined };
    }
    if (outcome.status === 'failed') throw taskError(outcome.error.type, outcome.error.message);
    throw taskError('InvalidRequest', 'the http executor started an asynchronous execution');
  };
}

export const handler = createHttpTaskHandler({
  executor: createHttpExecutor({ allowList: allowListFromEnv(process.env.KAIROS_HTTP_ALLOW) }),
});
