import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobBody, startTestApi, type TestApi } from './support/local-api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

function expectProblem(res: { status: number; headers: Headers; body: any }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
}

describe('API errors, auth and metadata', () => {
  it('serves health without credentials and the OpenAPI document with them', async () => {
    const health = await api.request('GET', '/v1/health', { token: null });
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', version: expect.any(String) });
    const doc = await api.request('GET', '/v1/openapi.json', { token: api.tokens.viewer });
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/v1/jobs/{jobId}'].patch.operationId).toBe('updateJob');
    expect(doc.body.components.schemas.JobDefinition.required).toEqual(['name', 'schedule']);
  });

  it('answers 401 without a valid token and 403 when the role lacks the right', async () => {
    expectProblem(await api.request('GET', '/v1/jobs', { token: null }), 401);
    expectProblem(await api.request('GET', '/v1/jobs', { token: 'kairos_not-a-token' }), 401);
    expectProblem(await api.request('POST', '/v1/jobs', { token: api.tokens.viewer, body: jobBody() }), 403);
    expectProblem(
      await api.request('POST', '/v1/jobs', { token: api.tokens.operator, body: jobBody() }),
      403,
    );
    const { body: job } = await api.request('POST', '/v1/jobs', { body: jobBody() });
    expectProblem(
      await api.request('POST', `/v1/jobs/${job.jobId}/pause`, { token: api.tokens.viewer }),
      403,
    );
    expectProblem(await api.request('DELETE', `/v1/jobs/${job.jobId}`, { token: api.tokens.operator }), 403);
  });

  it('answers 404 for unknown jobs and routes, 405 for a wrong method', async () => {
    expectProblem(await api.request('GET', '/v1/jobs/job_doesnotexist'), 404);
    expectProblem(await api.request('GET', '/v1/nothing-here'), 404);
    expectProblem(await api.request('PUT', '/v1/jobs'), 405);
  });

  it('rejects bad bodies with the path of every problem', async () => {
    const res = await api.request('POST', '/v1/jobs', {
      body: jobBody({
        name: '',
        surprise: true,
        schedule: { type: 'cron', expression: '0 2 1 * MON', timezone: 'Mars/Olympus' },
        retry: { maxAttempts: 0 },
      }),
    });
    expectProblem(res, 400);
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual([
      '$.name',
      '$.retry.maxAttempts',
      '$.schedule.expression',
      '$.schedule.timezone',
      '$.surprise',
    ]);
    const both = res.body.errors.find((e: { path: string }) => e.path === '$.schedule.expression');
    expect(both.message).toMatch(/day-of-month.*day-of-week/);
  });

  it('rejects malformed JSON, wrong content types and bodies over 256 KB', async () => {
    const malformed = await api.request('POST', '/v1/jobs', {
      rawBody: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(malformed, 400);
    expect(malformed.body.errors[0].path).toBe('$');
    expectProblem(
      await api.request('POST', '/v1/jobs', { rawBody: 'name=x', headers: { 'content-type': 'text/plain' } }),
      415,
    );
    const big = jobBody({ payload: { blob: 'x'.repeat(300 * 1024) } });
    expectProblem(await api.request('POST', '/v1/jobs', { body: big }), 413);
  });

  it('rejects unknown query parameters and bad headers', async () => {
    const res = await api.request('GET', '/v1/jobs?limit=5&colour=blue');
    expectProblem(res, 400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'query.colour' })]);
    expectProblem(await api.request('GET', '/v1/jobs?limit=0'), 400);
    expectProblem(await api.request('GET', '/v1/jobs?tag=nocolon'), 400);
    const { body: job } = await api.request('POST', '/v1/jobs', { body: jobBody() });
    expectProblem(
      await api.request('PATCH', `/v1/jobs/${job.jobId}`, {
        body: { name: 'x' },
        headers: { 'if-match': 'abc' },
      }),
      400,
    );
    expectProblem(await api.request('PATCH', `/v1/jobs/${job.jobId}`, { body: { jobId: 'job_x' } }), 400);
    expectProblem(await api.request('PATCH', `/v1/jobs/${job.jobId}`, { body: { schedule: null } }), 400);
  });

  it('rejects a one-time job in the past and says how to run now', async () => {
    const res = await api.request('POST', '/v1/jobs', {
      body: jobBody({ schedule: { type: 'at', at: '2020-01-01T00:00:00Z' } }),
    });
    expectProblem(res, 400);
    expect(res.body.errors[0]).toMatchObject({
      path: '$.schedule.at',
      message: expect.stringMatching(/immediate/),
    });
  });
});
