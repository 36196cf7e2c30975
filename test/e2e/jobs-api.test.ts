import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobBody, startTestApi, type TestApi } from './support/local-api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('jobs API on the local runtime', () => {
  it('creates a job and returns it with the fields Kairos owns', async () => {
    const res = await api.request('POST', '/v1/jobs', { body: jobBody() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...jobBody(), status: 'ACTIVE', version: 1 });
    expect(res.body.jobId).toMatch(/^job_[0-9a-z]{20}$/);
    expect(res.headers.get('location')).toBe(`/v1/jobs/${res.body.jobId}`);
    expect(res.headers.get('etag')).toBe('"1"');
    // 02:00 Europe/Berlin is 00:00 or 01:00 UTC depending on DST.
    expect(res.body.nextRunAt).toMatch(/T0[01]:00:00\.000Z$/);
    const got = await api.request('GET', `/v1/jobs/${res.body.jobId}`, { token: api.tokens.viewer });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('previews the next fire times of a cron job', async () => {
    const created = await api.request('POST', '/v1/jobs', {
      body: jobBody({ schedule: { type: 'cron', expression: '30 2 * * *', timezone: 'America/New_York' } }),
    });
    const res = await api.request(
      'GET',
      `/v1/jobs/${created.body.jobId}/preview?count=3&from=2026-03-06T12:00:00Z`,
    );
    expect(res.status).toBe(200);
    // 2026-03-08 02:30 does not exist in New York (spring forward): that day has no run.
    expect(res.body.times).toEqual([
      '2026-03-07T07:30:00.000Z',
      '2026-03-09T06:30:00.000Z',
      '2026-03-10T06:30:00.000Z',
    ]);
    const tooMany = await api.request('GET', `/v1/jobs/${created.body.jobId}/preview?count=1001`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].path).toBe('query.count');
  });

  it('updates with If-Match and answers 409 to a stale version', async () => {
    const { body: job } = await api.request('POST', '/v1/jobs', { body: jobBody() });
    const patched = await api.request('PATCH', `/v1/jobs/${job.jobId}`, {
      body: { tags: { team: 'ml' }, sla: null },
      headers: { 'if-match': '"1"' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ version: 2, tags: { team: 'ml' } });
    expect(patched.body.sla).toBeUndefined();
    const stale = await api.request('PATCH', `/v1/jobs/${job.jobId}`, {
      body: { name: 'renamed' },
      headers: { 'if-match': '1' },
    });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toBe('application/problem+json');
    const invalid = await api.request('PATCH', `/v1/jobs/${job.jobId}`, {
      body: { schedule: { type: 'rate', every: '0 minutes' } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].path).toBe('$.schedule.every');
    expect((await api.request('GET', `/v1/jobs/${job.jobId}`)).body.version).toBe(2);
  });

  it('lets exactly one of two concurrent PATCHes with the same version win', async () => {
    for (let round = 0; round < 5; round++) {
      const { body: job } = await api.request('POST', '/v1/jobs', { body: jobBody() });
      const patch = (name: string) =>
        api.request('PATCH', `/v1/jobs/${job.jobId}`, { body: { name }, headers: { 'if-match': '"1"' } });
      const results = await Promise.all([patch('left'), patch('right')]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = results.find((r) => r.status === 200)!;
      const stored = await api.request('GET', `/v1/jobs/${job.jobId}`);
      expect(stored.body).toMatchObject({ version: 2, name: winner.body.name });
    }
  });

  it('pauses, resumes and deletes, refusing illegal changes', async () => {
    const { body: job } = await api.request('POST', '/v1/jobs', { body: jobBody() });
    const paused = await api.request('POST', `/v1/jobs/${job.jobId}/pause`, { token: api.tokens.operator });
    expect(paused.body).toMatchObject({ status: 'PAUSED', version: 2, nextRunAt: null });
    expect((await api.request('POST', `/v1/jobs/${job.jobId}/pause`)).body.version).toBe(2);
    const resumed = await api.request('POST', `/v1/jobs/${job.jobId}/resume`, { token: api.tokens.operator });
    expect(resumed.body).toMatchObject({ status: 'ACTIVE', version: 3 });
    expect(resumed.body.nextRunAt).not.toBeNull();
    const deleted = await api.request('DELETE', `/v1/jobs/${job.jobId}?cancelRunning=true`);
    expect(deleted.body).toMatchObject({ status: 'DELETED', nextRunAt: null });
    expect((await api.request('POST', `/v1/jobs/${job.jobId}/resume`)).status).toBe(409);
    expect((await api.request('PATCH', `/v1/jobs/${job.jobId}`, { body: { name: 'x' } })).status).toBe(409);
    expect((await api.request('DELETE', `/v1/jobs/${job.jobId}?cancelRunning=maybe`)).status).toBe(400);
    const status = await api.request('GET', `/v1/jobs/${job.jobId}/status`);
    expect(status.body).toEqual({ jobId: job.jobId, latestRun: null });
  });

  it('replays a create with the same Idempotency-Key and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': 'create-report-1' };
    const first = await api.request('POST', '/v1/jobs', { body: jobBody({ name: 'idem' }), headers });
    const again = await api.request('POST', '/v1/jobs', { body: jobBody({ name: 'idem' }), headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await api.request('POST', '/v1/jobs', { body: jobBody({ name: 'other' }), headers });
    expect(other.status).toBe(409);
  });

  it('lists newest first with status and tag filters and opaque cursors', async () => {
    const team = `list-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await api.request('POST', '/v1/jobs', { body: jobBody({ name: `l${i}`, tags: { team } }) });
      ids.push(res.body.jobId);
    }
    await api.request('POST', `/v1/jobs/${ids[3]}/pause`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query = `tag=team:${team}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api.request('GET', `/v1/jobs?${query}`, { token: api.tokens.viewer });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((j: { jobId: string }) => j.jobId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const paused = await api.request('GET', `/v1/jobs?tag=team:${team}&status=PAUSED`);
    expect(paused.body.items.map((j: { jobId: string }) => j.jobId)).toEqual([ids[3]]);
    const forged = await api.request('GET', '/v1/jobs?cursor=eyJqb2JJZCI6ImZvcmdlZCJ9.AAAA');
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].path).toBe('query.cursor');
  });

  it('creates a batch and reports each item', async () => {
    const res = await api.request('POST', '/v1/jobs:batch', {
      body: { jobs: [jobBody({ name: 'b1' }), jobBody({ name: '' }), jobBody({ name: 'b3' })] },
    });
    expect(res.status).toBe(207);
    expect(res.body.items[0].jobId).toMatch(/^job_/);
    expect(res.body.items[1].error).toMatchObject({ status: 400, errors: [{ path: '$.jobs[1].name' }] });
    expect(res.body.items[2].jobId).toMatch(/^job_/);
  });

  it('accepts command targets in the local runtime', async () => {
    const res = await api.request('POST', '/v1/jobs', {
      body: jobBody({ target: { type: 'command', command: ['echo', 'hi'] } }),
    });
    expect(res.status).toBe(201);
  });
});
