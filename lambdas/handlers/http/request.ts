import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../core/errors.js';
import type { QueryParams } from '../../services/jobs/params.js';
import type { ApiEvent } from './types.js';

/** Largest request body accepted (API Gateway allows 10 MB; jobs never need more than this). */
export const MAX_BODY_BYTES = 256 * 1024;

/** The request body parsed as JSON: 413 when too large, 415 for a non-JSON type, 400 (path `$`) when malformed. */
export function readJsonBody(event: ApiEvent): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `The body is ${bytes.length} bytes; the limit is ${MAX_BODY_BYTES} bytes.`,
    );
  }
  const type = header(event, 'content-type');
  if (type !== undefined && !/^application\/([a-z.+-]*\+)?json\b/i.test(type.trim())) {
    throw new UnsupportedMediaTypeError(`Content-Type must be application/json, not '${type}'.`);
  }
  if (bytes.length === 0) throw ValidationError.at('$', 'a JSON body is required');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ValidationError(
      [{ path: '$', message: `the body is not valid JSON: ${(error as Error).message}` }],
      undefined,
      {
        cause: error,
      },
    );
  }
}

/** Like `readJsonBody` but an absent body is `undefined` (for routes whose body is optional). */
export function readOptionalJsonBody(event: ApiEvent): unknown {
  return event.body === null || event.body === undefined || event.body === ''
    ? undefined
    : readJsonBody(event);
}

/** Header value by lower-case name (headers are normalised by middy's header normaliser). */
export function header(event: ApiEvent, name: string): string | undefined {
  return event.headers?.[name] ?? undefined;
}

export function queryOf(event: ApiEvent): QueryParams {
  return (event.queryStringParameters ?? {}) as QueryParams;
}

/** A path parameter as API Gateway delivers it (already URL-decoded; the local runtime does the same). */
export function pathParam(event: ApiEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === '') throw ValidationError.at(`path.${name}`, 'is required');
  return value;
}
