import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobBody, startTestApi, type TestApi, waitForRun, waitForRuns } from './support/local-api.js';
import { startTargetServer } from './support/target-server.js';

let api: TestApi;
let target: Awaited<ReturnType<typeof startTargetServer>>;
beforeAll(async () => {
  target = await startTargetServer({ '/ok': [200], '/flaky': [500, 500, 200], '/missing': [404] });
  api = await startTestApi({ httpAllowList: ['127.0.0.1'] });
});
afterAll(async () => {
  await api.close();
  await target.close();
});

const fast = { maxAttempts: 3, initialDelaySeconds: 1, backoffRate: 2, maxDelaySeconds: 10, jitter: 'none' };

async function create(overrides: Record<string, unknown>) {
  const res = await api.request('POST', '/v1/jobs', {
    body: jobBody({ sla: undefined, retry: fast, ...overrides }),
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** Whether a process still runs; a zombie (exited, not yet reaped by PID 1 in containers) counts as gone. */
function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
}

describe('execution on the local runtime', () => {
  it('runs immediate, at and rate jobs with command and http targets to SUCCEEDED, with attempts and logs', async () => {
    const immediate = await create({
      schedule: { type: 'immediate' },
      target: { type: 'command', command: ['echo', 'hello from kairos'] },
    });
    const at = await create({
      schedule: { type: 'at', at: new Date(Date.now() + 5000).toISOString() },
      target: { type: 'http', url: target.url('/ok'), method: 'POST' },
    });
    const rate = await create({
      schedule: { type: 'rate', every: '1 minute' },
      target: { type: 'command', command: ['true'] },
    });
    const [run] = await waitForRuns(api, immediate.jobId, 1);
    expect(run).toMatchObject({ status: 'SUCCEEDED', trigger: 'schedule', attempt: 1 });
    expect(run.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: 'SUCCEEDED',
        startedAt: expect.any(String),
        endedAt: expect.any(String),
      }),
    ]);
    const log = await api.request('GET', `/v1/runs/${run.runId}/logs`);
    expect(log.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(log.text).toContain('hello from kairos');
    const [atRun] = await waitForRuns(api, at.jobId, 1, undefined, 20_000);
    expect(atRun.status).toBe('SUCCEEDED');
    expect(Date.parse(atRun.startedAt)).toBeGreaterThanOrEqual(Date.parse(at.schedule.at));
    const [rateRun] = await waitForRuns(api, rate.jobId, 1);
    expect(rateRun.status).toBe('SUCCEEDED');
    const status = await api.request('GET', `/v1/jobs/${immediate.jobId}/status`);
    expect(status.body.latestRun.runId).toBe(run.runId);
  });

  it('retries an http target answering 500, 500, 200 with the policy gaps, and fails a 404 at once', async () => {
    const flaky = await create({
      schedule: { type: 'immediate' },
      target: { type: 'http', url: target.url('/flaky'), method: 'POST' },
    });
    const [run] = await waitForRuns(api, flaky.jobId, 1);
    expect(run).toMatchObject({ status: 'SUCCEEDED', attempt: 3 });
    expect(run.attempts.map((a: any) => a.status)).toEqual(['FAILED', 'FAILED', 'SUCCEEDED']);
    const [t1, t2, t3] = target.hits('/flaky');
    // initialDelaySeconds 1, backoffRate 2, no jitter: 1 s then 2 s between attempts.
    expect(t2 - t1).toBeGreaterThanOrEqual(1000);
    expect(t3 - t2).toBeGreaterThanOrEqual(2000);
    expect(t3 - t2).toBeLessThan(4000);
    const missing = await create({
      schedule: { type: 'immediate' },
      target: { type: 'http', url: target.url('/missing'), method: 'POST' },
    });
    const [failed] = await waitForRuns(api, missing.jobId, 1);
    expect(failed).toMatchObject({ status: 'FAILED', attempt: 1, error: { retryable: false } });
    expect(target.hits('/missing')).toHaveLength(1);
  });

  it('never exceeds maxAttempts', async () => {
    const job = await create({
      schedule: { type: 'immediate' },
      retry: { ...fast, maxAttempts: 2 },
      target: { type: 'command', command: ['false'] },
    });
    const [run] = await waitForRuns(api, job.jobId, 1);
    expect(run).toMatchObject({ status: 'FAILED', attempt: 2, maxAttempts: 2 });
    expect(run.attempts).toHaveLength(2);
  });

  it('times out a command that sleeps past timeoutSeconds and kills its process', async () => {
    const pidFile = join(api.home, 'sleeper.pid');
    const job = await create({
      schedule: { type: 'immediate' },
      timeoutSeconds: 1,
      retry: { maxAttempts: 1 },
      target: { type: 'command', command: ['sh', '-c', `echo $$ > ${pidFile}; exec sleep 30`] },
    });
    const [run] = await waitForRuns(api, job.jobId, 1, undefined, 15_000);
    expect(run).toMatchObject({ status: 'TIMED_OUT', attempt: 1 });
    expect(run.attempts[0].error.type).toBe('Timeout');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).toBe(false);
  });

  it('cancels a running command within 2 s and a queued run before it starts', async () => {
    const pidFile = join(api.home, 'cancel.pid');
    // A recurring job (its first slot is now): overlap policies apply to recurring jobs.
    const job = await create({
      schedule: { type: 'rate', every: '1 hour' },
      concurrency: { max: 1, overlap: 'buffer_one' },
      target: { type: 'command', command: ['sh', '-c', `echo $$ > ${pidFile}; exec sleep 30`] },
    });
    const [running] = await waitForRuns(api, job.jobId, 1, (r) => r.status === 'RUNNING');
    const queued = await api.request('POST', `/v1/jobs/${job.jobId}/runs`, {
      token: api.tokens.operator,
      body: {},
    });
    expect(queued.status).toBe(202);
    await waitForRun(api, queued.body.runId, (r) => r.reason === 'buffered');
    const cancelQueued = await api.request('POST', `/v1/runs/${queued.body.runId}/cancel`, {
      token: api.tokens.operator,
    });
    expect(cancelQueued.body.status).toBe('CANCELLED');
    while (!existsSync(pidFile)) await new Promise((r) => setTimeout(r, 50));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const t0 = Date.now();
    const cancelled = await api.request('POST', `/v1/runs/${running.runId}/cancel`, {
      token: api.tokens.operator,
    });
    expect(cancelled.body.status).toBe('CANCELLED');
    while (alive(pid) && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
    await new Promise((r) => setTimeout(r, 3000));
    const after = await api.request('GET', `/v1/runs/${queued.body.runId}`);
    expect(after.body).toMatchObject({ status: 'CANCELLED', attempt: 0, attempts: [] });
  });

  it('skips a run that would overlap a running one under the skip policy', async () => {
    const job = await create({
      schedule: { type: 'rate', every: '1 hour' },
      concurrency: { max: 1, overlap: 'skip' },
      target: { type: 'command', command: ['sleep', '2'] },
    });
    await waitForRuns(api, job.jobId, 1, (r) => r.status === 'RUNNING');
    const second = await api.request('POST', `/v1/jobs/${job.jobId}/runs`, {
      token: api.tokens.operator,
      body: {},
    });
    const skipped = await waitForRun(api, second.body.runId);
    expect(skipped).toMatchObject({ status: 'SKIPPED', reason: 'overlap', attempts: [] });
    const runs = await waitForRuns(api, job.jobId, 2);
    expect(runs.map((r) => r.status).sort()).toEqual(['SKIPPED', 'SUCCEEDED']);
  });

  it('retries a failed run on request and lists runs by status', async () => {
    const job = await create({
      schedule: { type: 'immediate' },
      retry: { maxAttempts: 1 },
      target: { type: 'command', command: ['false'] },
    });
    const [failed] = await waitForRuns(api, job.jobId, 1);
    expect(failed.status).toBe('FAILED');
    const retried = await api.request('POST', `/v1/runs/${failed.runId}/retry`, {
      token: api.tokens.operator,
    });
    expect(retried.status).toBe(202);
    const again = await waitForRun(api, failed.runId, (r) => r.attempt === 2 && r.status === 'FAILED');
    expect(again.attempts).toHaveLength(2);
    const listed = await api.request('GET', `/v1/jobs/${job.jobId}/runs?status=FAILED`);
    expect(listed.body.items.map((r: any) => r.runId)).toEqual([failed.runId]);
    expect(
      (await api.request('POST', `/v1/runs/${failed.runId}/cancel`, { token: api.tokens.operator })).status,
    ).toBe(409);
  });

  it('uses the payload override of a manual run', async () => {
    const job = await create({
      schedule: { type: 'at', at: new Date(Date.now() + 3_600_000).toISOString() },
      target: { type: 'command', command: ['sh', '-c', 'echo "payload=$KAIROS_PAYLOAD"'] },
    });
    const manual = await api.request('POST', `/v1/jobs/${job.jobId}/runs`, {
      token: api.tokens.operator,
      body: { payload: { n: 42 } },
    });
    const run = await waitForRun(api, manual.body.runId);
    expect(run).toMatchObject({ status: 'SUCCEEDED', trigger: 'manual' });
    expect((await api.request('GET', `/v1/runs/${run.runId}/logs?attempt=1`)).text).toContain(
      'payload={"n":42}',
    );
  });
});
