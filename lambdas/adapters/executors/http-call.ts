/**
 * One HTTP exchange on `node:http`/`node:https` with an injected `lookup` (the SSRF guard runs at connect time,
 * which global `fetch` does not allow), no redirect following and a bounded response body.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/** How much of a response body an attempt keeps. */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;

export interface HttpCallRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  readonly lookup: LookupFunction;
  readonly signal: AbortSignal;
}

export interface HttpCallResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  /** The first `MAX_RESPONSE_BODY_BYTES` of the body, decoded as UTF-8. */
  readonly body: string;
  /** Whether the body was longer than what was kept. */
  readonly truncated: boolean;
}

/**
 * Sends the request and reads at most `MAX_RESPONSE_BODY_BYTES` of the answer; a longer body is cut and the
 * connection dropped instead of downloading the rest. Rejects with the socket's error (a lookup refusal, a
 * refused connection, the signal's abort) and never follows a redirect.
 */
export function httpCall(request: HttpCallRequest): Promise<HttpCallResponse> {
  const { url, signal } = request;
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? https.request : http.request;
    // agent: false gives every attempt its own connection: a pooled socket would skip the connect-time check.
    const req = send(url, {
      method: request.method,
      headers: request.headers,
      lookup: request.lookup,
      agent: false,
    });
    const onAbort = () => {
      reject(signal.reason);
      req.destroy();
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);

    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let done = false;
      const finish = (truncated: boolean) => {
        if (done) return;
        done = true;
        settle();
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          truncated,
        });
      };
      res.on('data', (chunk: Buffer) => {
        const room = MAX_RESPONSE_BODY_BYTES - kept;
        chunks.push(chunk.subarray(0, room));
        kept += Math.min(room, chunk.length);
        if (chunk.length > room) {
          finish(true);
          req.destroy();
        }
      });
      res.on('end', () => finish(false));
      res.on('error', (error) => {
        settle();
        reject(error);
      });
      res.on('close', () => {
        if (done || res.complete) return;
        settle();
        reject(
          Object.assign(new Error('the connection closed before the response ended'), { code: 'ECONNRESET' }),
        );
      });
    });
    req.on('error', (error) => {
      settle();
      reject(error);
    });
    req.end(request.body);
  });
}
