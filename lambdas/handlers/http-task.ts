import { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { createS3Artifacts } from '../adapters/aws/s3-artifacts.js';
import { createHttpExecutor, type HttpOutput } from '../adapters/executors/http-executor.js';
import { parseDagExecutionName } from '../core/dag-execution.js';
import { HttpTargetSchema } from '../core/job/targets.js';
import { allowListFromEnv } from '../core/ssrf.js';
import type { Artifacts, Executor } from '../ports.js';

/**
 * Kairos's http task function, invoked by the compiled DAG state machines (`lambda:invoke`) for every `http` task
 * (see `core/dag/task-resource.ts`): one request through the SSRF-guarded http executor. A success answers
 * `{ status, output }`; a failure throws an Error named after the executor's error type (`HttpError`,
 * `SsrfBlocked`, `ConnectionError`, `Timeout`…), which is the error name the task's Retry and Catch match.
 */

function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The Payload of an `http` task's Run state. */
const HttpTaskRequestSchema = z.object({
  /** The execution name, which is the run id. */
  runId: z.string().min(1),
  taskId: z.string().min(1),
  /** `$$.State.RetryCount`: 0 on the task's first attempt. */
  attempt: z.number().int().min(0),
  /** `$$.Execution.Input`: `{ payload }` (see `sfn-dag-executor.ts`). */
  input: z.unknown(),
  /** The target as JSON text (see `targetParameter` in core/dag/task-resource.ts). */
  target: z.preprocess(parseJsonText, HttpTargetSchema),
});

export type HttpTaskRequest = z.input<typeof HttpTaskRequestSchema>;

export interface HttpTaskResponse {
  readonly status: 'succeeded';
  /** Null rather than absent: the Run state's ResultSelector reads `$.Payload.output`. */
  readonly output: HttpOutput | null;
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
  /** Where the task's log goes (`runs/<runId>/<attempt>/tasks/<taskId>/log.txt`), each attempt appended. */
  artifacts?: Pick<Artifacts, 'putTaskFile' | 'getTaskLog'>;
}) {
  const { executor, marginMs = HTTP_TASK_MARGIN_MS, artifacts } = options;
  const keepLog = async (request: z.infer<typeof HttpTaskRequestSchema>, status: string, log: string) => {
    if (!artifacts) return;
    const { runId, attempt } = parseDagExecutionName(request.runId);
    const ref = { runId, attempt, taskId: request.taskId };
    const earlier = (await artifacts.getTaskLog(ref)) ?? '';
    await artifacts.putTaskFile(
      ref,
      'log.txt',
      `${earlier}--- attempt ${request.attempt + 1}: ${status}\n${log}`,
    );
  };
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
    await keepLog(request, outcome.status, outcome.log);
    if (outcome.status === 'succeeded') {
      return { status: 'succeeded', output: (outcome.output as HttpOutput | undefined) ?? null };
    }
    if (outcome.status === 'failed') throw taskError(outcome.error.type, outcome.error.message);
    throw taskError('InvalidRequest', 'the http executor started an asynchronous execution');
  };
}

export const handler = createHttpTaskHandler({
  executor: createHttpExecutor({ allowList: allowListFromEnv(process.env.KAIROS_HTTP_ALLOW) }),
  ...(process.env.KAIROS_ARTIFACTS_BUCKET
    ? {
        artifacts: createS3Artifacts({
          client: new S3Client({}),
          bucket: process.env.KAIROS_ARTIFACTS_BUCKET,
        }),
      }
    : {}),
});
