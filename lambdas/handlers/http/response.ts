import type { ApiResult } from './types.js';

/** A JSON response; `headers` add to (and may override) the content type. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** ETag of a versioned resource: the version, so it can be sent back as `If-Match`. */
export function etag(version: number): Record<string, string> {
  return { etag: `"${version}"` };
}
