import { ApiError, CliError, type Problem } from './errors.js';
import type { ApiTarget } from './target.js';

export interface CallOptions {
  /** Query parameters; undefined values are left out. */
  readonly query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface ApiReply<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  /** The body parsed when JSON, else the text. */
  readonly body: T;
  readonly text: string;
}

const uriEncode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** What a failed fetch was about, for a message a person can act on. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** A small client of the Kairos API: adds credentials, turns problem+json into ApiError. */
export class ApiClient {
  constructor(readonly target: ApiTarget) {}

  async call<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<ApiReply<T>> {
    const url = new URL(this.target.baseUrl + path);
    // RFC 3986 encoding (a space is %20, never +): what SigV4 signs, so the wire and the signature agree.
    url.search = Object.entries(options.query ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${uriEncode(key)}=${uriEncode(String(value))}`)
      .join('&');
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, await this.target.authorize({ method, url, headers, body }));
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, redirect: 'manual' });
    } catch (error) {
      const hint = this.target.local ? ' — is `kairos local` running?' : `: ${networkCause(error)}`;
      throw new CliError(`cannot reach ${this.target.baseUrl}${hint}`, { cause: error });
    }
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (type.includes('json') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // Left as text: a proxy in between may label an HTML error page as JSON.
      }
    }
    if (res.status >= 400) throw new ApiError(res.status, problemOf(res, parsed));
    if (res.status >= 300)
      throw new CliError(`${url.origin} redirects to ${res.headers.get('location')}: use that as --endpoint`);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }
}

/**
 * The API answers problem+json; API Gateway itself (a denied IAM call, a throttle) answers `{ message }`, and a
 * proxy may answer anything: each becomes a problem with the best detail at hand.
 */
function problemOf(res: Response, body: unknown): Problem {
  const title = res.statusText || `HTTP ${res.status}`;
  if (body && typeof body === 'object') {
    const b = body as Problem & { message?: string; Message?: string };
    if (b.title !== undefined || b.detail !== undefined) return { ...b, title: b.title ?? title };
    const message = b.message ?? b.Message;
    if (typeof message === 'string') return { title, status: res.status, detail: message };
  }
  const text = typeof body === 'string' ? body.trim().slice(0, 300) : '';
  return { title, status: res.status, detail: text || '(empty answer)' };
}
