/**
 * The API client: relative URLs resolved against the page's base (so the same build works at `/` locally and
 * under a stage path behind API Gateway), the caller's credentials, and every failure turned into an ApiError
 * whose text can be shown as is. Pure apart from the injected fetch, so its error handling is unit-tested.
 */

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** A failed call, as the person at the screen should read it. */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the API could not be reached at all. */
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  /** Where `v1/...` is resolved against: the document's base URI. */
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  /** The `Authorization` header to send, if any (token, Cognito ID token; none behind the signing proxy). */
  readonly authorization: () => Promise<string | undefined>;
  /**
   * Called once on a 401; answers whether the call should be tried again (credentials were refreshed). When it
   * answers false the 401 is thrown, and the caller shows the sign-in.
   */
  readonly onUnauthorized?: () => Promise<boolean>;
}

export type Query = Record<string, string | number | undefined | null>;

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  text(path: string, query?: Query): Promise<string>;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  function urlOf(path: string, query: Query = {}): string {
    const url = new URL(path.replace(/^\//, ''), options.baseUrl);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  async function send(method: string, url: string, body: unknown, retried = false): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, text/plain' };
    const authorization = await options.authorization();
    if (authorization) headers.authorization = authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await options.fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(
        0,
        'The API could not be reached',
        `${method} ${new URL(url).pathname} failed: ${error instanceof Error ? error.message : String(error)}. Check that Kairos is running and the network is up.`,
      );
    }
    if (res.status === 401 && !retried && options.onUnauthorized && (await options.onUnauthorized())) {
      return send(method, url, body, true);
    }
    if (!res.ok) throw await problemOf(res, method, url);
    return res;
  }

  return {
    async get<T>(path: string, query?: Query): Promise<T> {
      return (await send('GET', urlOf(path, query), undefined)).json() as Promise<T>;
    },
    async post<T>(path: string, body?: unknown): Promise<T> {
      return (await send('POST', urlOf(path), body ?? {})).json() as Promise<T>;
    },
    async text(path: string, query?: Query): Promise<string> {
      return (await send('GET', urlOf(path, query), undefined)).text();
    },
  };
}

/** An RFC 9457 problem as the API sends it, or whatever a proxy in between answered instead. */
export async function problemOf(res: Response, method: string, url: string): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  const fallback = `${method} ${new URL(url).pathname} answered ${res.status} ${res.statusText}`.trim();
  try {
    const body = JSON.parse(text) as {
      title?: unknown;
      detail?: unknown;
      message?: unknown;
      errors?: unknown;
    };
    const title = typeof body.title === 'string' ? body.title : `Error ${res.status}`;
    // API Gateway's own refusals (e.g. an expired Cognito token) are `{ "message": … }`, not problems.
    const detail =
      typeof body.detail === 'string'
        ? body.detail
        : typeof body.message === 'string'
          ? body.message
          : fallback;
    const errors = Array.isArray(body.errors)
      ? body.errors
          .filter((e): e is FieldError => typeof e?.path === 'string' && typeof e?.message === 'string')
          .map(({ path, message }) => ({ path, message }))
      : [];
    return new ApiError(res.status, title, detail, errors);
  } catch {
    return new ApiError(res.status, `Error ${res.status}`, text.trim().slice(0, 300) || fallback);
  }
}

/** What to do about an error, for the line under its message. */
export function hintFor(error: ApiError, role?: string): string | undefined {
  if (error.status === 0) return 'Start the local runtime with `npm start`, or check the endpoint.';
  if (error.status === 401) return 'Sign in again: the credentials were refused or have expired.';
  if (error.status === 403) {
    return role
      ? `Your role (${role}) does not allow this. Ask an admin for a token with more rights.`
      : 'Your role does not allow this. Ask an admin for a token with more rights.';
  }
  if (error.status === 404) return 'It may have been deleted, or the link is wrong.';
  if (error.status === 429) return 'The API is throttling calls; this page tries again on its next refresh.';
  if (error.status >= 500) return 'The API failed; its log has the request id.';
  return undefined;
}
