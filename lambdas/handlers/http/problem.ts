import type middy from '@middy/core';
import { KairosError, ValidationError } from '../../core/errors.js';
import type { ApiEvent, ApiResult } from './types.js';

/** An RFC 9457 problem document. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly { path: string; message: string }[];
  readonly requestId?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(problem),
  };
}

/** Maps any thrown value to a problem: Kairos errors and 4xx errors from middy keep their status, the rest is a 500. */
export function toProblem(error: unknown, requestId?: string): Problem {
  if (error instanceof KairosError) {
    return {
      type: `urn:kairos:problem:${error.slug}`,
      title: TITLES[error.status] ?? error.name,
      status: error.status,
      detail: error.message,
      ...(error instanceof ValidationError ? { errors: error.problems } : {}),
      requestId,
    };
  }
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      type: 'about:blank',
      title: TITLES[status] ?? 'Client Error',
      status,
      detail: (error as Error).message,
      requestId,
    };
  }
  return {
    type: 'urn:kairos:problem:internal',
    title: TITLES[500],
    status: 500,
    detail: 'An unexpected error occurred; the request id identifies it in the logs.',
    requestId,
  };
}

/** middy error middleware: every failure leaves as problem+json; unexpected ones are logged with their stack. */
export function problemJson(): middy.MiddlewareObj<ApiEvent, ApiResult> {
  return {
    onError: async (request) => {
      const requestId = request.event?.requestContext?.requestId;
      const problem = toProblem(request.error, requestId);
      if (problem.status >= 500) {
        const error = request.error as Error | undefined;
        console.error(
          JSON.stringify({
            level: 'ERROR',
            message: 'unhandled error',
            requestId,
            error: error?.stack ?? String(error),
          }),
        );
      }
      request.response = problemResponse(problem);
    },
  };
}
