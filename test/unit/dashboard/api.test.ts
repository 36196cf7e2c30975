import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient, hintFor } from '../../../dashboard/src/api.js';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that answers from a list and records each call. */
function fakeFetch(answers: (Response | Error)[]) {
  const calls: Call[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return next;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('dashboard API client', () => {
  it('resolves paths against the page base (a stage path too) and sends the credentials', async () => {
    const { fetch, calls } = fakeFetch([json(200, { items: [] })]);
    const api = createApiClient({
      baseUrl: 'https://api.example.com/prod/',
      fetch,
      authorization: async () => 'Bearer t0k',
    });
    await api.get('v1/jobs', { limit: 50, status: '', tag: 'team:data', cursor: undefined });
    expect(calls[0].url).toBe('https://api.example.com/prod/v1/jobs?limit=50&tag=team%3Adata');
    expect((calls[0].init.headers as Record<string, string>).authorization).toBe('Bearer t0k');
    expect(calls[0].init.method).toBe('GET');
  });

  it('posts JSON and sends no authorization header when there is none (signing proxy)', async () => {
    const { fetch, calls } = fakeFetch([json(200, { status: 'PAUSED' })]);
    const api = createApiClient({
      baseUrl: 'http://127.0.0.1:8788/',
      fetch,
      authorization: async () => undefined,
    });
    expect(await api.post('/v1/jobs/j1/pause')).toEqual({ status: 'PAUSED' });
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers.authorization).toBeUndefined();
    expect(headers['content-type']).toBe('application/json');
    expect(calls[0].init.body).toBe('{}');
  });

  it('turns a problem+json answer into an ApiError with every bad field', async () => {
    const problem = {
      type: 'urn:kairos:problem:validation',
      title: 'Bad Request',
      status: 400,
      detail: 'The request has 1 problem.',
      errors: [{ path: 'query.tag', message: 'must be key:value' }],
    };
    const { fetch } = fakeFetch([json(400, problem, 'application/problem+json')]);
    const api = createApiClient({ baseUrl: 'http://x/', fetch, authorization: async () => undefined });
    const error = (await api.get('v1/jobs').catch((e) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, title: 'Bad Request', detail: 'The request has 1 problem.' });
    expect(error.errors).toEqual([{ path: 'query.tag', message: 'must be key:value' }]);
    expect(error.message).toBe('Bad Request: The request has 1 problem.');
  });

  it("reads API Gateway's own refusals and non-JSON answers plainly", async () => {
    const { fetch } = fakeFetch([
      json(403, { message: 'User is not authorized to access this resource' }),
      new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    ]);
    const api = createApiClient({ baseUrl: 'http://x/', fetch, authorization: async () => undefined });
    const forbidden = (await api.get('v1/jobs').catch((e) => e)) as ApiError;
    expect(forbidden.detail).toBe('User is not authorized to access this resource');
    expect(hintFor(forbidden, 'viewer')).toMatch(/Your role \(viewer\) does not allow this/);
    const gateway = (await api.get('v1/jobs').catch((e) => e)) as ApiError;
    expect(gateway).toMatchObject({ status: 502, title: 'Error 502', detail: '<html>Bad gateway</html>' });
  });

  it('reports an unreachable API as status 0 with what to check', async () => {
    const { fetch } = fakeFetch([new TypeError('Failed to fetch')]);
    const api = createApiClient({
      baseUrl: 'http://127.0.0.1:8787/',
      fetch,
      authorization: async () => undefined,
    });
    const error = (await api.get('v1/jobs').catch((e) => e)) as ApiError;
    expect(error.status).toBe(0);
    expect(error.detail).toContain('GET /v1/jobs failed: Failed to fetch');
    expect(hintFor(error)).toContain('npm start');
  });

  it('retries a 401 once when the credentials could be renewed, else throws it', async () => {
    let token = 'old';
    const { fetch, calls } = fakeFetch([
      json(401, { title: 'Unauthorized', status: 401, detail: 'expired' }),
      json(200, { ok: true }),
      json(401, { title: 'Unauthorized', status: 401, detail: 'expired' }),
      json(401, { title: 'Unauthorized', status: 401, detail: 'still expired' }),
    ]);
    let renewals = 0;
    const api = createApiClient({
      baseUrl: 'http://x/',
      fetch,
      authorization: async () => token,
      onUnauthorized: async () => {
        renewals++;
        token = 'new';
        return renewals === 1;
      },
    });
    expect(await api.get('v1/me')).toEqual({ ok: true });
    expect((calls[1].init.headers as Record<string, string>).authorization).toBe('new');
    const error = (await api.get('v1/me').catch((e) => e)) as ApiError;
    expect(error.status).toBe(401);
    expect(renewals).toBe(2);
    expect(calls).toHaveLength(3); // the second 401 was not retried: renewal said no
  });

  it('reads text answers (logs)', async () => {
    const { fetch, calls } = fakeFetch([new Response('line 1\n', { status: 200 })]);
    const api = createApiClient({ baseUrl: 'http://x/', fetch, authorization: async () => undefined });
    expect(await api.text('v1/runs/r1/logs', { attempt: 2, task: 'a b' })).toBe('line 1\n');
    expect(calls[0].url).toBe('http://x/v1/runs/r1/logs?attempt=2&task=a+b');
  });
});
