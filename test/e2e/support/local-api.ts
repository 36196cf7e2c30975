import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRuntime, startLocalRuntime } from '../../../lambdas/local/runtime.js';
import { createToken } from '../../../lambdas/local/tokens.js';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Sent as is, instead of JSON-encoding `body`. */
  readonly rawBody?: string;
  readonly token?: string | null;
  readonly headers?: Record<string, string>;
}

/** A local runtime in a fresh temp home on a free port, with a token of each role and a small client. */
export async function startTestApi() {
  const home = mkdtempSync(join(tmpdir(), 'kairos-e2e-'));
  const runtime: LocalRuntime = await startLocalRuntime({ home, port: 0 });
  const tokens = {
    admin: readFileSync(join(home, 'token'), 'utf8').trim(),
    operator: createToken(home, 'operator'),
    viewer: createToken(home, 'viewer'),
  };

  async function request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const token = options.token === undefined ? tokens.admin : options.token;
    const headers: Record<string, string> = { ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${runtime.url}${path}`, { method, headers, body });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      headers: res.headers,
      text,
      body: type.includes('json') && text ? JSON.parse(text) : text,
    };
  }

  return {
    runtime,
    home,
    tokens,
    request,
    async close() {
      await runtime.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export type TestApi = Awaited<ReturnType<typeof startTestApi>>;

/** A valid job body; override any field. */
export function jobBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'nightly-report',
    schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Berlin' },
    target: { type: 'http', url: 'https://example.com/hook', method: 'POST' },
    payload: { report: 'sales' },
    retry: { maxAttempts: 3, initialDelaySeconds: 5, backoffRate: 2, maxDelaySeconds: 300, jitter: 'full' },
    timeoutSeconds: 600,
    sla: { startWithinSeconds: 60, finishWithinSeconds: 900 },
    priority: 'normal',
    concurrency: { max: 1, overlap: 'skip' },
    tags: { team: 'data' },
    ...overrides,
  };
}
