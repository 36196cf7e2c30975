import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TERMINAL_RUN_STATUSES } from '../../../lambdas/core/run-states.js';
import {
  type LocalRuntime,
  type LocalRuntimeOptions,
  startLocalRuntime,
} from '../../../lambdas/local/runtime.js';
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

/**
 * A local runtime on a free port, with a token of each role and a small client; in a fresh temp home (removed
 * on close), or in `home` when given (kept, so a test can stop the runtime and start it again on the same state).
 */
export async function startTestApi(options: Partial<Omit<LocalRuntimeOptions, 'port'>> = {}) {
  const ownHome = options.home === undefined;
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'kairos-e2e-'));
  const runtime: LocalRuntime = await startLocalRuntime({ ...options, home, port: 0 });
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
      if (ownHome) rmSync(home, { recursive: true, force: true });
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

/** Polls a run until `done(run)` holds (default: a terminal status) or the time runs out. */
export async function waitForRun(
  api: TestApi,
  runId: string,
  done: (run: any) => boolean = (run) => TERMINAL.includes(run.status),
  timeoutMs = 30_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.request('GET', `/v1/runs/${runId}`);
    if (res.status === 200 && done(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} not done in time: ${res.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls a job's run history until it has `count` runs matching `done`. */
export async function waitForRuns(
  api: TestApi,
  jobId: string,
  count: number,
  done: (run: any) => boolean = (run) => TERMINAL.includes(run.status),
  timeoutMs = 30_000,
): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.request('GET', `/v1/jobs/${jobId}/runs?limit=100`);
    const runs = res.status === 200 ? res.body.items.filter(done) : [];
    if (runs.length >= count) return runs;
    if (Date.now() > deadline)
      throw new Error(`job ${jobId}: ${runs.length}/${count} runs done in time: ${res.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const TERMINAL: readonly string[] = TERMINAL_RUN_STATUSES;
