/**
 * The API additions the dashboard reads, on the local runtime: the page at `/`, who the caller is (`/v1/me`),
 * the overview of a recent window and a DAG run's graph.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, waitForRun, waitForRuns } from './support/local-api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

const command = (script: string) => ({ type: 'command', command: ['sh', '-c', script] });

async function createJob(body: Record<string, unknown>): Promise<string> {
  const res = await api.request('POST', '/v1/jobs', {
    body: { schedule: { type: 'immediate' }, retry: { maxAttempts: 1 }, timeoutSeconds: 30, ...body },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.jobId;
}

describe('the dashboard page', () => {
  it('is served at / without credentials, with its base, configuration and a hash-only script policy', async () => {
    const res = await api.request('GET', '/', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<base href="/">');
    expect(res.text).toContain('content="{&quot;auth&quot;:&quot;token&quot;}"');
    expect(res.text).not.toMatch(/<script[^>]+src=/); // everything inline: no CDN, no second request
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("connect-src 'self';");
  });
});

describe('GET /v1/me', () => {
  it("answers each token's role, and 401 without one", async () => {
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const res = await api.request('GET', '/v1/me', { token: api.tokens[role] });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe(role);
      expect(typeof res.body.principal).toBe('string');
    }
    expect((await api.request('GET', '/v1/me', { token: null })).status).toBe(401);
  });
});

describe('GET /v1/overview', () => {
  it('counts the runs of the window by outcome and minute, with pick-up latency and the failures', async () => {
    const ok = await createJob({ name: 'overview-ok', target: command('true') });
    const bad = await createJob({ name: 'overview-bad', target: command('echo nope >&2; exit 3') });
    await waitForRuns(api, ok, 1);
    const [failed] = await waitForRuns(api, bad, 1);
    const res = await api.request('GET', '/v1/overview', { token: api.tokens.viewer });
    expect(res.status, res.text).toBe(200);
    const o = res.body;
    expect(o.totals).toMatchObject({ succeeded: 1, failed: 1 });
    expect(o.totals.runs).toBeGreaterThanOrEqual(2);
    expect(o.runsPerMinute.length).toBeGreaterThanOrEqual(60);
    const sum = (key: string) => o.runsPerMinute.reduce((n: number, m: any) => n + m[key], 0);
    expect(sum('started')).toBe(2);
    expect(sum('succeeded')).toBe(1);
    expect(sum('failed')).toBe(1);
    expect(o.pickupLatencyMs.samples).toBe(2);
    expect(o.pickupLatencyMs.p99).toBeGreaterThanOrEqual(o.pickupLatencyMs.p50);
    expect(o.failures).toEqual([
      expect.objectContaining({ runId: failed.runId, jobId: bad, status: 'FAILED' }),
    ]);
    expect(o.truncated).toBe(false);
  });

  it('rejects a window in the future or longer than a day with 400', async () => {
    const future = new Date(Date.now() + 60_000).toISOString();
    const old = new Date(Date.now() - 25 * 3600_000).toISOString();
    for (const since of [future, old, 'yesterday']) {
      const res = await api.request('GET', `/v1/overview?since=${encodeURIComponent(since)}`);
      expect(res.status, since).toBe(400);
      expect(res.body.errors?.[0]?.path ?? res.body.detail).toMatch(/since/);
    }
    expect((await api.request('GET', '/v1/overview?window=1h')).status).toBe(400);
  });
});

describe('a DAG run', () => {
  it('carries the graph of the job version it runs, kept when the job changes', async () => {
    const jobId = await createJob({
      name: 'graph',
      tasks: [
        { id: 'a', target: command('true') },
        { id: 'b', target: command('sleep 0.5'), dependsOn: ['a'] },
        { id: 'c', target: command('true'), dependsOn: ['a', 'b'] },
      ],
    });
    const [queued] = await waitForRuns(api, jobId, 1, () => true);
    const live = await waitForRun(api, queued.runId, (r) => r.graph !== undefined, 10_000);
    expect(live.graph).toEqual({ a: [], b: ['a'], c: ['a', 'b'] });
    const patch = await api.request('PATCH', `/v1/jobs/${jobId}`, {
      body: { tasks: [{ id: 'x', target: command('true') }] },
    });
    expect(patch.status, patch.text).toBe(200);
    const done = await waitForRun(api, queued.runId);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.graph).toEqual({ a: [], b: ['a'], c: ['a', 'b'] });
  });
});
