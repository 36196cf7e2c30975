import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../lambdas/core/roles.js';
import { ROUTES } from '../../lambdas/handlers/routes.js';
import { principalIdOf } from '../../lambdas/local/tokens.js';
import { type ApiResponse, jobBody, startTestApi, type TestApi, waitForRun } from './support/local-api.js';

let api: TestApi;
let startedAt: string;
beforeAll(async () => {
  api = await startTestApi();
  startedAt = new Date(Date.now() - 1000).toISOString();
});
afterAll(async () => {
  await api.close();
});

/** What the audit log must cover: every route that is not a read. */
const MUTATING_METHODS = ['POST', 'PATCH', 'PUT', 'DELETE'];
const MUTATING = ROUTES.filter((route) => MUTATING_METHODS.includes(route.method));

/** One mutating call of a route, and the subjects its audit records must name (one record each). */
interface Call {
  readonly res: ApiResponse;
  readonly role: Role;
  readonly path: string;
  readonly subjects: Record<string, unknown>[];
}

const noSla = { sla: undefined, retry: { maxAttempts: 1 } };

async function createJob(overrides: Record<string, unknown> = {}): Promise<any> {
  const res = await api.request('POST', '/v1/jobs', { body: jobBody({ ...noSla, ...overrides }) });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** A daily cron job running a local command: it never fires during the test, runs only when asked. */
const commandJob = (command: string[]) => createJob({ target: { type: 'command', command } });

async function call(
  method: string,
  path: string,
  role: Role,
  subjects: (res: ApiResponse) => Record<string, unknown>[],
  body?: unknown,
): Promise<Call> {
  const res = await api.request(method, path, { body, token: api.tokens[role] });
  expect(res.status, res.text).toBeLessThan(300);
  return { res, role, path, subjects: subjects(res) };
}

/**
 * A valid call of each mutating route, keyed by operation id. A route added to ROUTES without an entry here fails
 * the test below, so the audit coverage of a new route is checked as soon as it exists.
 */
const CALLS: Record<string, () => Promise<Call>> = {
  createJob: () =>
    call('POST', '/v1/jobs', 'admin', (res) => [{ jobId: res.body.jobId, afterVersion: 1 }], jobBody(noSla)),
  createJobsBatch: () =>
    call(
      'POST',
      '/v1/jobs:batch',
      'admin',
      // One record per job created; the refused item created nothing.
      (res) =>
        res.body.items.filter((i: any) => i.jobId).map((i: any) => ({ jobId: i.jobId, afterVersion: 1 })),
      { jobs: [jobBody(noSla), jobBody({ ...noSla, name: 'second' }), { name: 'bad' }] },
    ),
  updateJob: async () => {
    const { jobId } = await createJob();
    const res = await api.request('PATCH', `/v1/jobs/${jobId}`, {
      body: { tags: { team: 'ml' } },
      headers: { 'if-match': '"1"' },
    });
    expect(res.status, res.text).toBe(200);
    return {
      res,
      role: 'admin',
      path: `/v1/jobs/${jobId}`,
      subjects: [{ jobId, beforeVersion: 1, afterVersion: 2 }],
    };
  },
  deleteJob: async () => {
    const { jobId } = await createJob();
    return call('DELETE', `/v1/jobs/${jobId}`, 'admin', () => [{ jobId, beforeVersion: 1, afterVersion: 2 }]);
  },
  pauseJob: async () => {
    const { jobId } = await createJob();
    return call('POST', `/v1/jobs/${jobId}/pause`, 'operator', () => [
      { jobId, beforeVersion: 1, afterVersion: 2 },
    ]);
  },
  resumeJob: async () => {
    const { jobId } = await createJob();
    expect((await api.request('POST', `/v1/jobs/${jobId}/pause`)).status).toBe(200);
    return call('POST', `/v1/jobs/${jobId}/resume`, 'operator', () => [
      { jobId, beforeVersion: 2, afterVersion: 3 },
    ]);
  },
  backfillJob: async () => {
    const { jobId } = await commandJob(['true']);
    return call(
      'POST',
      `/v1/jobs/${jobId}/backfill`,
      'operator',
      (res) => [{ jobId, backfillId: res.body.backfillId }],
      { from: '2025-11-01T02:00:00Z', to: '2025-11-03T02:00:00Z' },
    );
  },
  cancelBackfill: async () => {
    const { jobId } = await commandJob(['true']);
    const started = await api.request('POST', `/v1/jobs/${jobId}/backfill`, {
      body: { from: '2025-10-01T02:00:00Z', to: '2025-11-01T02:00:00Z' },
    });
    expect(started.status, started.text).toBe(202);
    const { backfillId } = started.body;
    return call('POST', `/v1/backfills/${backfillId}/cancel`, 'operator', () => [{ jobId, backfillId }]);
  },
  triggerRun: async () => {
    const { jobId } = await commandJob(['true']);
    return call('POST', `/v1/jobs/${jobId}/runs`, 'operator', (res) => [{ jobId, runId: res.body.runId }]);
  },
  cancelRun: async () => {
    const { jobId } = await commandJob(['sleep', '30']);
    const { runId } = (await api.request('POST', `/v1/jobs/${jobId}/runs`)).body;
    return call('POST', `/v1/runs/${runId}/cancel`, 'operator', () => [{ jobId, runId }]);
  },
  retryRun: async () => {
    const { jobId } = await commandJob(['false']);
    const { runId } = (await api.request('POST', `/v1/jobs/${jobId}/runs`)).body;
    await waitForRun(api, runId, (run) => run.status === 'FAILED');
    return call('POST', `/v1/runs/${runId}/retry`, 'operator', () => [{ jobId, runId }]);
  },
};

/** Every page of `GET /v1/audit` with `query`, as `role`. */
async function auditRecords(query: Record<string, string>, limit = 100): Promise<any[]> {
  const records: any[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const res = await api.request('GET', `/v1/audit?${params}`);
    expect(res.status, res.text).toBe(200);
    records.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return records;
}

const principal = (role: Role) => principalIdOf(api.tokens[role], role);

describe('audit log on the local runtime', () => {
  it('has a call for every mutating route, and none for a route that does not exist', () => {
    expect(MUTATING.length).toBeGreaterThan(0);
    expect(Object.keys(CALLS).sort()).toEqual(MUTATING.map((route) => route.operationId).sort());
  });

  it.each(MUTATING.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s leaves a record of who, what, when, which request and which versions',
    async (_name, route) => {
      const make = CALLS[route.operationId];
      expect(make, `add a call of ${route.operationId} to CALLS`).toBeDefined();
      const { res, role, path, subjects } = await make!();
      const requestId = res.headers.get('x-amzn-requestid');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(subjects.length).toBeGreaterThan(0);

      const records = (await auditRecords({ since: startedAt })).filter((r) => r.requestId === requestId);

      const expected = subjects.map((subject) => ({
        auditId: expect.stringMatching(/^aud_[0-9a-z]{20}$/),
        at: expect.any(String),
        principal: principal(role),
        role,
        action: route.operationId,
        method: route.method,
        path,
        requestId,
        status: res.status,
        expiresAt: expect.any(Number),
        ...subject,
      }));
      expect(records).toHaveLength(expected.length);
      expect(records).toEqual(expect.arrayContaining(expected));
      for (const record of records) {
        expect(Date.parse(record.at)).toBeGreaterThanOrEqual(Date.parse(startedAt));
        // Kept for 365 days.
        expect(record.expiresAt - Date.parse(record.at) / 1000).toBeCloseTo(365 * 86_400, -1);
        // The same record is found by its job.
        const byJob = await auditRecords({ jobId: record.jobId });
        expect(byJob).toContainEqual(record);
      }
    },
  );

  it('records a refused call with its status, and a no-op with the same version before and after', async () => {
    const { jobId } = await createJob();
    const refused = await api.request('POST', `/v1/jobs/${jobId}/pause`, { token: api.tokens.viewer });
    expect(refused.status).toBe(403);
    await api.request('POST', `/v1/jobs/${jobId}/pause`);
    const again = await api.request('POST', `/v1/jobs/${jobId}/pause`);
    expect(again.status).toBe(200);

    const records = await auditRecords({ jobId });

    expect(records.map((r) => [r.action, r.role, r.status, r.beforeVersion, r.afterVersion])).toEqual([
      ['pauseJob', 'admin', 200, 2, 2],
      ['pauseJob', 'admin', 200, 1, 2],
      ['pauseJob', 'viewer', 403, undefined, undefined],
      ['createJob', 'admin', 201, undefined, 1],
    ]);
    expect(records[2]).toMatchObject({
      principal: principal('viewer'),
      requestId: refused.headers.get('x-amzn-requestid'),
    });
  });

  it('lets only admins read the log: viewers and operators get 403', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const res = await api.request('GET', '/v1/audit', { token: api.tokens[role] });
      expect(res.status, role).toBe(403);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await api.request('GET', '/v1/audit', { token: null })).status).toBe(401);
    expect((await api.request('GET', '/v1/audit')).status).toBe(200);
  });

  it('has no route that changes or deletes audit records', async () => {
    expect(ROUTES.filter((r) => r.path.startsWith('/v1/audit')).map((r) => r.method)).toEqual(['GET']);
    const [record] = await auditRecords({ since: startedAt });
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await api.request(method, '/v1/audit', { body: {} });
      expect(res.status, method).toBe(405);
      const one = await api.request(method, `/v1/audit/${record.auditId}`, { body: {} });
      expect(one.status, method).toBe(404);
    }
    expect(await auditRecords({ since: startedAt })).toContainEqual(record);
  });

  it('pages newest first with a signed cursor and answers 400 to a bad query', async () => {
    const all = await auditRecords({ since: startedAt });
    const paged = await auditRecords({ since: startedAt }, 3);
    expect(paged).toEqual(all);
    const ats = all.map((r) => r.at);
    expect(ats).toEqual([...ats].sort().reverse());

    for (const [query, path] of [
      ['limit=0', 'query.limit'],
      ['limit=101', 'query.limit'],
      ['since=yesterday', 'query.since'],
      ['cursor=forged', 'query.cursor'],
      ['jobId=', 'query.jobId'],
      ['job=x', 'query.job'],
    ]) {
      const res = await api.request('GET', `/v1/audit?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(
        res.body.errors.map((e: { path: string }) => e.path),
        query,
      ).toEqual([path]);
    }
  });
});
