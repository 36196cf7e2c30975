/**
 * Authorization matrix on the local runtime: every route of `ROUTES` × every role (and no credentials) gets the
 * answer its least role decides: a real success for a role that may call it, 403 for one that may not, 401
 * without a token. Each call gets fresh state, so a success is the route working and a 403 is never a side
 * effect of a missing job or run. A route added to `ROUTES` without a request here fails the suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRole, ROLES, type Role } from '../../lambdas/core/roles.js';
import { ROUTES } from '../../lambdas/handlers/routes.js';
import { type ApiResponse, jobBody, startTestApi, type TestApi, waitForRun } from './support/local-api.js';

interface Call {
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** What a successful call of each operation answers. */
const SUCCESS: Record<string, number> = {
  getHealth: 200,
  getDashboard: 200,
  getMe: 200,
  getOverview: 200,
  getOpenApi: 200,
  listJobs: 200,
  createJob: 201,
  createJobsBatch: 207,
  getJob: 200,
  updateJob: 200,
  deleteJob: 200,
  pauseJob: 200,
  resumeJob: 200,
  getJobStatus: 200,
  previewJob: 200,
  backfillJob: 202,
  getBackfill: 200,
  cancelBackfill: 200,
  triggerRun: 202,
  listRuns: 200,
  getRun: 200,
  getRunLogs: 200,
  cancelRun: 200,
  getSla: 200,
  retryRun: 202,
  listAudit: 200,
};

let api: TestApi;

async function ok(res: ApiResponse, status: number): Promise<any> {
  expect(res.status, res.text).toBe(status);
  return res.body;
}

/** A job that fires at 02:00 UTC daily (never during the test) running `argv` locally. */
async function commandJob(argv: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const body = jobBody({
    name: 'authz',
    schedule: { type: 'cron', expression: '0 2 * * *' },
    target: { type: 'command', command: argv },
    retry: { maxAttempts: 1 },
    sla: undefined,
    ...extra,
  });
  return (await ok(await api.request('POST', '/v1/jobs', { body }), 201)).jobId;
}

async function triggered(argv: string[], until?: (run: any) => boolean): Promise<any> {
  const jobId = await commandJob(argv);
  const run = await ok(await api.request('POST', `/v1/jobs/${jobId}/runs`), 202);
  return until ? waitForRun(api, run.runId, until, 20_000) : run;
}

/** A past window of two hourly slots. */
function pastWindow(): { from: string; to: string } {
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  return { from: new Date(hour - 3 * 3_600_000).toISOString(), to: new Date(hour - 3_600_000).toISOString() };
}

/** Builds a valid request for each operation, creating (as admin) whatever it needs. */
const REQUESTS: Record<string, () => Promise<Call>> = {
  getHealth: async () => ({ path: '/v1/health' }),
  getDashboard: async () => ({ path: '/' }),
  getMe: async () => ({ path: '/v1/me' }),
  getOverview: async () => ({ path: '/v1/overview' }),
  getOpenApi: async () => ({ path: '/v1/openapi.json' }),
  listJobs: async () => ({ path: '/v1/jobs?limit=5' }),
  createJob: async () => ({ path: '/v1/jobs', body: jobBody() }),
  createJobsBatch: async () => ({
    path: '/v1/jobs:batch',
    body: { jobs: [jobBody(), jobBody({ name: 'two' })] },
  }),
  getJob: async () => ({ path: `/v1/jobs/${await commandJob(['true'])}` }),
  updateJob: async () => ({
    path: `/v1/jobs/${await commandJob(['true'])}`,
    body: { description: 'patched' },
    headers: { 'if-match': '"1"' },
  }),
  deleteJob: async () => ({ path: `/v1/jobs/${await commandJob(['true'])}` }),
  pauseJob: async () => ({ path: `/v1/jobs/${await commandJob(['true'])}/pause` }),
  resumeJob: async () => {
    const jobId = await commandJob(['true']);
    await ok(await api.request('POST', `/v1/jobs/${jobId}/pause`), 200);
    return { path: `/v1/jobs/${jobId}/resume` };
  },
  getJobStatus: async () => ({ path: `/v1/jobs/${await commandJob(['true'])}/status` }),
  previewJob: async () => ({ path: `/v1/jobs/${await commandJob(['true'])}/preview?count=3` }),
  backfillJob: async () => ({
    path: `/v1/jobs/${await commandJob(['true'], { schedule: { type: 'cron', expression: '0 * * * *' } })}/backfill`,
    body: { ...pastWindow(), dryRun: true },
  }),
  getBackfill: async () => ({ path: `/v1/backfills/${await backfill()}` }),
  cancelBackfill: async () => ({ path: `/v1/backfills/${await backfill()}/cancel` }),
  triggerRun: async () => ({
    path: `/v1/jobs/${await commandJob(['true'])}/runs`,
    body: { payload: { a: 1 } },
  }),
  listRuns: async () => ({ path: `/v1/jobs/${await commandJob(['true'])}/runs` }),
  getRun: async () => ({ path: `/v1/runs/${(await triggered(['true'])).runId}` }),
  getRunLogs: async () => {
    const run = await triggered(['echo', 'hi'], (r) => r.status === 'SUCCEEDED');
    return { path: `/v1/runs/${run.runId}/logs` };
  },
  cancelRun: async () => ({ path: `/v1/runs/${(await triggered(['sleep', '5'])).runId}/cancel` }),
  getSla: async () => ({ path: '/v1/sla' }),
  retryRun: async () => {
    const run = await triggered(['false'], (r) => r.status === 'FAILED');
    return { path: `/v1/runs/${run.runId}/retry` };
  },
  listAudit: async () => ({ path: '/v1/audit' }),
};

async function backfill(): Promise<string> {
  const jobId = await commandJob(['true'], { schedule: { type: 'cron', expression: '0 * * * *' } });
  const created = await ok(
    await api.request('POST', `/v1/jobs/${jobId}/backfill`, { body: pastWindow() }),
    202,
  );
  return created.backfillId;
}

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api?.close();
});

describe('authorization matrix (local runtime)', () => {
  it('has a request and a success status for every route', () => {
    const missing = ROUTES.map((r) => r.operationId).filter((id) => !REQUESTS[id] || !SUCCESS[id]);
    expect(missing, 'add a request builder and success status for these routes').toEqual([]);
  });

  describe.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', (_name, route) => {
    const callers: readonly (Role | 'anonymous')[] = ['anonymous', ...ROLES];
    it.each(callers)('as %s', async (caller) => {
      const build = REQUESTS[route.operationId];
      if (!build) throw new Error(`no request for ${route.operationId}`);
      const call = await build();
      const token = caller === 'anonymous' ? null : api.tokens[caller];
      const res = await api.request(route.method, call.path, {
        token,
        body: call.body,
        headers: call.headers,
      });
      const expected =
        route.role === 'public'
          ? SUCCESS[route.operationId]
          : caller === 'anonymous'
            ? 401
            : hasRole(caller, route.role)
              ? SUCCESS[route.operationId]
              : 403;
      expect(res.status, `${caller} ${route.method} ${call.path}: ${res.text}`).toBe(expected);
      if (expected === 401 || expected === 403) {
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    });
  });
});
