/**
 * Mass assignment on the local runtime: no body can set what Kairos owns — a job's status, version, timestamps,
 * owner, sync marker, or any run state. Every body-taking route refuses each such field with a 400 that names
 * it, and leaves jobs and runs exactly as they were; the routes without a body ignore one. Routes are taken from
 * `ROUTES`, so a new route that is neither classified nor tested here fails the suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/handlers/routes.js';
import { type ApiResponse, jobBody, startTestApi, type TestApi, waitForRun } from './support/local-api.js';

/** Fields of a job record that only Kairos sets. */
const JOB_FIELDS = [
  'jobId',
  'status',
  'version',
  'createdAt',
  'updatedAt',
  'owner',
  'nextRunAt',
  'scheduleSyncedVersion',
];
/** Fields of a run record that only Kairos sets. */
const RUN_FIELDS = [
  'runId',
  'trigger',
  'attempt',
  'maxAttempts',
  'attempts',
  'scheduledFor',
  'queuedAt',
  'startedAt',
  'endedAt',
  'error',
  'slaMissed',
  'backfillId',
  'runs',
];
const FORBIDDEN = [...JOB_FIELDS, ...RUN_FIELDS];

/** A plausible value of each field, so a refusal is about the field, not its value. */
const VALUES: Record<string, unknown> = {
  jobId: 'job_mine',
  runId: 'run_mine',
  backfillId: 'bf_mine',
  status: 'SUCCEEDED',
  version: 99,
  createdAt: '2000-01-01T00:00:00.000Z',
  updatedAt: '2000-01-01T00:00:00.000Z',
  owner: 'mallory',
  nextRunAt: null,
  scheduleSyncedVersion: 99,
  trigger: 'schedule',
  attempt: 99,
  maxAttempts: 99,
  attempts: [],
  scheduledFor: '2000-01-01T00:00:00.000Z',
  queuedAt: '2000-01-01T00:00:00.000Z',
  startedAt: '2000-01-01T00:00:00.000Z',
  endedAt: '2000-01-01T00:00:00.000Z',
  error: null,
  slaMissed: true,
  runs: 0,
};

let api: TestApi;
let cronJob: any;

async function ok(res: ApiResponse, status: number): Promise<any> {
  expect(res.status, res.text).toBe(status);
  return res.body;
}

const cronBody = () =>
  jobBody({
    name: 'hourly',
    schedule: { type: 'cron', expression: '0 * * * *' },
    target: { type: 'command', command: ['true'] },
    sla: undefined,
  });

/** Everything a refused body could have changed: every job (all statuses), the cron job, and its runs. */
async function snapshot(): Promise<string> {
  const jobs = await ok(await api.request('GET', '/v1/jobs?limit=100&status=ACTIVE,PAUSED,DELETED'), 200);
  const job = await ok(await api.request('GET', `/v1/jobs/${cronJob.jobId}`), 200);
  const runs = await ok(await api.request('GET', `/v1/jobs/${cronJob.jobId}/runs?limit=100`), 200);
  const { nextRunAt: _, ...stable } = job;
  return JSON.stringify({
    jobs: jobs.items.map((j: any) => [j.jobId, j.status, j.version, j.updatedAt]),
    stable,
    runs: runs.items.map((r: any) => [r.runId, r.status, r.attempt]),
  });
}

/** The routes that take a body, each with a valid body to add one forbidden field to. */
const BODY_ROUTES: Record<string, { path: () => string; body: () => Record<string, unknown> }> = {
  createJob: { path: () => '/v1/jobs', body: cronBody },
  createJobsBatch: { path: () => '/v1/jobs:batch', body: () => ({ jobs: [cronBody()] }) },
  updateJob: { path: () => `/v1/jobs/${cronJob.jobId}`, body: () => ({ description: 'changed' }) },
  triggerRun: { path: () => `/v1/jobs/${cronJob.jobId}/runs`, body: () => ({ payload: { a: 1 } }) },
  backfillJob: {
    path: () => `/v1/jobs/${cronJob.jobId}/backfill`,
    body: () => {
      const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
      return { from: new Date(hour - 7_200_000).toISOString(), to: new Date(hour - 3_600_000).toISOString() };
    },
  },
};

/** Mutating routes without a body: a body sent anyway is ignored (checked below). */
const NO_BODY = ['deleteJob', 'pauseJob', 'resumeJob', 'cancelBackfill', 'cancelRun', 'retryRun'];

beforeAll(async () => {
  api = await startTestApi();
  cronJob = await ok(await api.request('POST', '/v1/jobs', { body: cronBody() }), 201);
  const queued = await ok(await api.request('POST', `/v1/jobs/${cronJob.jobId}/runs`), 202);
  // A finished run of the cron job, so the snapshots also cover run state.
  await waitForRun(api, queued.runId);
});

afterAll(async () => {
  await api?.close();
});

describe('mass assignment (local runtime)', () => {
  it('classifies every mutating route as taking a body or not', () => {
    const mutating = ROUTES.filter((r) => r.method !== 'GET').map((r) => r.operationId);
    expect(mutating.filter((id) => !BODY_ROUTES[id] && !NO_BODY.includes(id))).toEqual([]);
  });

  it('accepts the valid bodies the checks below start from (so each 400 is the added field)', async () => {
    const job = await ok(await api.request('POST', '/v1/jobs', { body: cronBody() }), 201);
    await ok(await api.request('DELETE', `/v1/jobs/${job.jobId}`), 200);
    const batch = await ok(
      await api.request('POST', '/v1/jobs:batch', { body: { jobs: [cronBody()] } }),
      207,
    );
    expect(batch.items[0].status, JSON.stringify(batch)).toBe(201);
    await ok(await api.request('DELETE', `/v1/jobs/${batch.items[0].jobId}`), 200);
  });

  describe.each(Object.keys(BODY_ROUTES))('%s', (operationId) => {
    const route = ROUTES.find((r) => r.operationId === operationId)!;
    it.each(FORBIDDEN)('refuses %s with a 400 naming it, and changes nothing', async (field) => {
      const spec = BODY_ROUTES[operationId];
      const before = await snapshot();
      const headers = operationId === 'updateJob' ? { 'if-match': `"${cronJob.version}"` } : undefined;
      const res = await api.request(route.method, spec.path(), {
        body: { ...spec.body(), [field]: VALUES[field] },
        headers,
      });
      expect(res.status, res.text).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toContainEqual(expect.objectContaining({ path: `$.${field}` }));
      expect(await snapshot()).toBe(before);
    });
  });

  it.each(FORBIDDEN)(
    'refuses %s inside a batch item: that item fails with 400, no job is created',
    async (field) => {
      const before = await snapshot();
      const res = await api.request('POST', '/v1/jobs:batch', {
        body: { jobs: [{ ...cronBody(), [field]: VALUES[field] }] },
      });
      expect(res.status, res.text).toBe(207);
      expect(res.body.items).toEqual([
        {
          error: expect.objectContaining({
            status: 400,
            errors: expect.arrayContaining([expect.objectContaining({ path: `$.jobs[0].${field}` })]),
          }),
        },
      ]);
      expect(await snapshot()).toBe(before);
    },
  );

  it('ignores a body on the routes that take none: each does only its own change', async () => {
    const injected = {
      status: 'ACTIVE',
      version: 99,
      owner: 'mallory',
      createdAt: VALUES.createdAt,
      attempt: 99,
    };
    const job = await ok(await api.request('POST', '/v1/jobs', { body: cronBody() }), 201);
    const paused = await ok(
      await api.request('POST', `/v1/jobs/${job.jobId}/pause`, { body: injected }),
      200,
    );
    expect(paused).toMatchObject({ status: 'PAUSED', version: job.version + 1, createdAt: job.createdAt });
    const resumed = await ok(
      await api.request('POST', `/v1/jobs/${job.jobId}/resume`, { body: { ...injected, status: 'DELETED' } }),
      200,
    );
    expect(resumed).toMatchObject({ status: 'ACTIVE', version: job.version + 2, createdAt: job.createdAt });
    const deleted = await ok(await api.request('DELETE', `/v1/jobs/${job.jobId}`, { body: injected }), 200);
    expect(deleted).toMatchObject({ status: 'DELETED', createdAt: job.createdAt });

    const command = async (argv: string[]) => {
      const body = { ...cronBody(), target: { type: 'command', command: argv }, retry: { maxAttempts: 1 } };
      const created = await ok(await api.request('POST', '/v1/jobs', { body }), 201);
      return ok(await api.request('POST', `/v1/jobs/${created.jobId}/runs`), 202);
    };
    const failed = await waitForRun(api, (await command(['false'])).runId, (r) => r.status === 'FAILED');
    const retried = await ok(
      await api.request('POST', `/v1/runs/${failed.runId}/retry`, { body: injected }),
      202,
    );
    expect(retried.runId).toBe(failed.runId);
    const again = await waitForRun(api, failed.runId, (r) => r.attempt === 2 && r.status === 'FAILED');
    expect(again.attempts).toHaveLength(2);
    const running = await command(['sleep', '5']);
    const cancelled = await ok(
      await api.request('POST', `/v1/runs/${running.runId}/cancel`, {
        body: { ...injected, status: 'SUCCEEDED' },
      }),
      200,
    );
    expect(cancelled).toMatchObject({ runId: running.runId, status: 'CANCELLED' });
    const window = BODY_ROUTES.backfillJob.body();
    const backfill = await ok(
      await api.request('POST', `/v1/jobs/${cronJob.jobId}/backfill`, { body: window }),
      202,
    );
    const stopped = await ok(
      await api.request('POST', `/v1/backfills/${backfill.backfillId}/cancel`, {
        body: { ...injected, status: 'COMPLETED', runs: 0 },
      }),
      200,
    );
    expect(stopped).toMatchObject({ status: 'CANCELLED', runs: backfill.runs });
  });
});
