import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronOracle, EVERY_HOUR } from '../support/cron-oracle.js';
import { jobBody, startTestApi, type TestApi } from './support/local-api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

const fast = { maxAttempts: 1 };
const ACTIVE = ['QUEUED', 'RUNNING', 'RETRYING'];
/** Three days across the end of daylight saving time in New York (2025-11-02, 06:00 UTC). */
const WINDOW = { from: '2025-11-01T00:00:00Z', to: '2025-11-04T00:00:00Z' };

async function createJob(overrides: Record<string, unknown>): Promise<string> {
  const res = await api.request('POST', '/v1/jobs', {
    body: jobBody({ sla: undefined, retry: fast, ...overrides }),
  });
  expect(res.status, res.text).toBe(201);
  return res.body.jobId;
}

const hourlyNewYork = (command: string[]) =>
  createJob({
    schedule: { type: 'cron', expression: '0 * * * *', timezone: 'America/New_York' },
    target: { type: 'command', command },
  });

/** Every run of the job (all pages). */
async function runsOf(jobId: string): Promise<any[]> {
  const runs: any[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await api.request('GET', `/v1/jobs/${jobId}/runs?limit=100${query}`);
    expect(res.status, res.text).toBe(200);
    runs.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return runs;
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 45_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached in time: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const backfill = (jobId: string, body: unknown, token?: string | null) =>
  api.request('POST', `/v1/jobs/${jobId}/backfill`, { body, token });

describe('backfill over HTTP on the local runtime', () => {
  it('runs the oracle count of an hourly job over 3 days across DST; repeating it and a dry run create none', async () => {
    const jobId = await hourlyNewYork(['true']);
    const oracle = cronOracle(
      0,
      EVERY_HOUR,
      'America/New_York',
      Date.parse(WINDOW.from),
      Date.parse(WINDOW.to),
    );
    expect(oracle).toHaveLength(71);

    const dry = await backfill(jobId, { ...WINDOW, dryRun: true });
    expect(dry.status, dry.text).toBe(202);
    expect(dry.body).toEqual({ backfillId: null, runs: 71, slots: 71, skipped: 0, times: oracle });
    expect(await runsOf(jobId)).toEqual([]);

    const started = await backfill(jobId, { ...WINDOW, maxConcurrency: 20 }, api.tokens.operator);
    expect(started.status, started.text).toBe(202);
    expect(started.body).toMatchObject({ backfillId: expect.any(String), runs: 71, slots: 71, skipped: 0 });
    expect(started.body.times).toBeUndefined();
    const id = started.body.backfillId;
    expect(started.headers.get('location')).toBe(`/v1/backfills/${id}`);
    const done = await waitFor(
      'backfill completed',
      async () => (await api.request('GET', `/v1/backfills/${id}`, { token: api.tokens.viewer })).body,
      (view) => view.status === 'COMPLETED',
    );
    expect(done).toMatchObject({
      backfillId: id,
      jobId,
      from: '2025-11-01T00:00:00.000Z',
      to: '2025-11-04T00:00:00.000Z',
      maxConcurrency: 20,
      reprocess: 'none',
      runs: 71,
      launched: 71,
      active: 0,
    });
    const runs = (await runsOf(jobId)).filter((r) => r.trigger === 'backfill');
    expect(runs.map((r) => r.scheduledFor).sort()).toEqual(oracle);
    expect(runs.every((r) => r.status === 'SUCCEEDED' && r.attempt === 1)).toBe(true);

    const again = await backfill(jobId, { ...WINDOW, maxConcurrency: 20 });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ runs: 0, slots: 71, skipped: 71 });
    const dryAgain = await backfill(jobId, { ...WINDOW, dryRun: true });
    expect(dryAgain.body).toEqual({ backfillId: null, runs: 0, slots: 71, skipped: 71, times: [] });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await runsOf(jobId);
    expect(after.filter((r) => r.trigger === 'backfill')).toHaveLength(71);
    expect(after.every((r) => r.attempt <= 1)).toBe(true);
  });

  it('cancel leaves no run of the backfill queued or running, and none starts later', async () => {
    const jobId = await hourlyNewYork(['sleep', '30']);
    const started = await backfill(jobId, {
      from: '2025-11-01T00:00:00Z',
      to: '2025-11-01T10:00:00Z',
      maxConcurrency: 2,
    });
    expect(started.status, started.text).toBe(202);
    const id = started.body.backfillId;
    await waitFor(
      'two runs running',
      () => runsOf(jobId),
      (runs) => runs.filter((r) => r.status === 'RUNNING').length === 2,
      20_000,
    );
    const running = await api.request('GET', `/v1/backfills/${id}`);
    expect(running.body).toMatchObject({ status: 'RUNNING', active: 2, launched: 2 });

    const viewerTry = await api.request('POST', `/v1/backfills/${id}/cancel`, { token: api.tokens.viewer });
    expect(viewerTry.status).toBe(403);
    const cancelled = await api.request('POST', `/v1/backfills/${id}/cancel`, { token: api.tokens.operator });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body).toMatchObject({ backfillId: id, status: 'CANCELLED', active: 0 });
    const check = async () => {
      const runs = await runsOf(jobId);
      expect(runs.filter((r) => ACTIVE.includes(r.status))).toEqual([]);
      return runs;
    };
    const right = await check();
    expect(right.filter((r) => r.status === 'CANCELLED').length).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const later = await check();
    expect(later.map((r) => r.runId).sort()).toEqual(right.map((r) => r.runId).sort());
    expect(later.filter((r) => r.startedAt !== undefined)).toHaveLength(2);

    const twice = await api.request('POST', `/v1/backfills/${id}/cancel`);
    expect(twice.status).toBe(200);
    expect(twice.body).toEqual(cancelled.body);
  });

  it('answers bad requests with 400 problems saying what is wrong', async () => {
    const jobId = await createJob({
      schedule: { type: 'cron', expression: '* * * * *' },
      target: { type: 'command', command: ['true'] },
    });
    const expectProblem = async (body: unknown, path: string, message: RegExp) => {
      const res = await backfill(jobId, body);
      expect(res.status, res.text).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([{ path, message: expect.stringMatching(message) }]),
      );
    };
    await expectProblem(
      { from: '2025-01-01T00:00:00Z', to: '2025-01-09T00:00:00Z' },
      '$.to',
      /holds 11,520 slots; one backfill covers at most 10,000: split it into 2 windows/,
    );
    await expectProblem({ from: '2025-01-01', to: '2025-01-02T00:00:00Z' }, '$.from', /not an instant/);
    await expectProblem({ from: '2025-01-02T00:00:00Z', to: '2025-01-01T00:00:00Z' }, '$.to', /after from/);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    await expectProblem({ from: '2025-01-01T00:00:00Z', to: future }, '$.to', /not be in the future/);
    await expectProblem(
      { from: '2025-01-01T00:00:00Z', to: '2025-01-01T01:00:00Z', force: true },
      '$.force',
      /unknown field/,
    );
    await expectProblem(
      { from: '2025-01-01T00:00:00Z', to: '2025-01-01T01:00:00Z', maxConcurrency: 0 },
      '$.maxConcurrency',
      /./,
    );
    await expectProblem(
      { from: '2025-01-01T00:00:00Z', to: '2025-01-01T01:00:00Z', reprocess: 'x' },
      '$.reprocess',
      /./,
    );

    const once = await createJob({
      schedule: { type: 'immediate' },
      target: { type: 'command', command: ['true'] },
    });
    const res = await backfill(once, { from: '2025-01-01T00:00:00Z', to: '2025-01-01T01:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: 'path.jobId', message: expect.stringContaining('cron and rate') },
    ]);
  });

  it('answers unknown ids with 404 and a viewer with 403', async () => {
    const window = { from: '2025-01-01T00:00:00Z', to: '2025-01-01T01:00:00Z' };
    expect((await backfill('job_unknown', window)).status).toBe(404);
    expect((await api.request('GET', '/v1/backfills/bf_unknown')).status).toBe(404);
    expect((await api.request('POST', '/v1/backfills/bf_unknown/cancel')).status).toBe(404);
    const jobId = await createJob({
      schedule: { type: 'rate', every: '1 hour' },
      target: { type: 'command', command: ['true'] },
    });
    expect((await backfill(jobId, { ...window, dryRun: true }, api.tokens.viewer)).status).toBe(403);
    expect((await backfill(jobId, { ...window, dryRun: true }, null)).status).toBe(401);
    const dry = await backfill(jobId, { ...window, dryRun: true }, api.tokens.operator);
    expect(dry.status).toBe(202);
    expect(dry.body).toMatchObject({ backfillId: null, runs: 1, slots: 1 });
  });
});
