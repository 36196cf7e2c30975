/**
 * The `http` target: one request per attempt through the SSRF guard, redirects never followed, the response's
 * status, headers and first 64 KB kept as the output.
 */

import { parseIp } from '../../core/ip.js';
import type { Target } from '../../core/job/targets.js';
import { type AllowList, screenAddress } from '../../core/ssrf.js';
import type { ExecutionContext, ExecutionOutcome, Executor } from '../../ports.js';
import { guardedLookup, SsrfBlockedError } from '../net/guarded-lookup.js';
import { type HttpCallResponse, httpCall } from './http-call.js';
import { createLogBuffer, type LogBuffer } from './log-buffer.js';
import { aborted, attemptSignal, failed, messageOf, succeeded } from './outcome.js';

export type HttpTarget = Extract<Target, { type: 'http' }>;

export interface HttpExecutorOptions {
  /** Ranges and hosts that may be reached although private (`KAIROS_HTTP_ALLOW`). */
  readonly allowList: AllowList;
  /** @default 'Kairos-Scheduler/1' */
  readonly userAgent?: string;
}

/** The output of an http attempt. */
export interface HttpOutput {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly truncated: boolean;
}

const WITH_PAYLOAD = new Set(['POST', 'PUT', 'PATCH']);

/** The body to send: the target's (a string as is, anything else as JSON), else the payload for writes. */
function requestBody(target: HttpTarget, payload: unknown): { body?: Buffer; json: boolean } {
  if (target.body !== undefined) {
    return typeof target.body === 'string'
      ? { body: Buffer.from(target.body), json: false }
      : { body: Buffer.from(JSON.stringify(target.body)), json: true };
  }
  if (!WITH_PAYLOAD.has(target.method) || payload === undefined) return { json: false };
  return { body: Buffer.from(JSON.stringify(payload)), json: true };
}

function requestHeaders(target: HttpTarget, ctx: ExecutionContext, userAgent: string, json: boolean) {
  const headers: Record<string, string> = {
    'user-agent': userAgent,
    // Lets the receiver deduplicate: a retried delivery of the same attempt carries the same pair.
    'kairos-run-id': ctx.runId,
    'kairos-attempt': String(ctx.attempt),
  };
  if (json) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(target.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

/** The URL as it may appear in a log: a password in it is hidden. */
function printable(url: URL): string {
  if (url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.password = '***';
  return copy.href;
}

function classify(res: HttpCallResponse, log: LogBuffer): ExecutionOutcome {
  const output: HttpOutput = {
    status: res.status,
    headers: res.headers,
    body: res.body,
    truncated: res.truncated,
  };
  const line = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
  if (res.status >= 200 && res.status < 300) return succeeded(log.text(), output);
  if (res.status >= 300 && res.status < 400) {
    const location = res.headers.location ?? '(no Location header)';
    const message = `${line}: redirected to ${location}; redirects are not followed, point the target at the final URL`;
    return failed({ type: 'HttpRedirect', message, retryable: false }, log.text(), output);
  }
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  const snippet = res.body.trim().slice(0, 200);
  const message = snippet === '' ? line : `${line}: ${snippet}`;
  return failed({ type: 'HttpError', message, retryable }, log.text(), output);
}

/** Why a request failed before an answer, as an outcome: SSRF refusals and bad requests are for good. */
function requestFailure(error: unknown, log: LogBuffer): ExecutionOutcome {
  const message = messageOf(error);
  log.line(`request failed: ${message}`);
  if (error instanceof SsrfBlockedError) {
    return failed({ type: 'SsrfBlocked', message, retryable: false }, log.text());
  }
  const code = (error as { code?: unknown }).code;
  // Node's own validation (ERR_INVALID_CHAR in a header value…) will fail the same way every time.
  if (typeof code === 'string' && code.startsWith('ERR_')) {
    return failed({ type: 'InvalidRequest', message, retryable: false }, log.text());
  }
  const detail = typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  return failed({ type: 'ConnectionError', message: detail, retryable: true }, log.text());
}

/** Creates the executor of `http` targets. */
export function createHttpExecutor(options: HttpExecutorOptions): Executor<HttpTarget> {
  const { allowList, userAgent = 'Kairos-Scheduler/1' } = options;
  const lookup = guardedLookup({ allowList });
  return {
    async execute(target, ctx) {
      const log = createLogBuffer();
      const url = new URL(target.url);
      log.line(`${target.method} ${printable(url)} (run ${ctx.runId}, attempt ${ctx.attempt})`);
      // Node connects to an IP literal without calling `lookup`, so literals are screened here.
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (parseIp(host) !== undefined) {
        const verdict = screenAddress(host, host, allowList);
        if (verdict.blocked) return requestFailure(new SsrfBlockedError(host, host, verdict.reason!), log);
      }
      const { body, json } = requestBody(target, ctx.payload);
      const headers = requestHeaders(target, ctx, userAgent, json);
      if (body !== undefined) headers['content-length'] = String(body.length);
      const attempt = attemptSignal(ctx);
      const started = performance.now();
      try {
        const res = await httpCall({
          url,
          method: target.method,
          headers,
          body,
          lookup,
          signal: attempt.signal,
        });
        const ms = Math.round(performance.now() - started);
        log.line(`HTTP ${res.status} ${res.statusText} after ${ms} ms`);
        if (res.body !== '') log.line(res.body);
        if (res.truncated) log.line('[response body cut at 64 KB]');
        return classify(res, log);
      } catch (error) {
        if (attempt.signal.aborted) return aborted(attempt.signal, log.text());
        return requestFailure(error, log);
      } finally {
        attempt.dispose();
      }
    },
  };
}
