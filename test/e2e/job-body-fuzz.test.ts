import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobBody, startTestApi, type TestApi } from './support/local-api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

/** Valid job bodies with one field (possibly nested) replaced by an arbitrary JSON value, or removed. */
const mutatedJob = fc
  .tuple(
    fc.constantFrom(
      ['name'],
      ['schedule'],
      ['schedule', 'type'],
      ['schedule', 'expression'],
      ['schedule', 'timezone'],
      ['schedule', 'startAt'],
      ['target'],
      ['target', 'type'],
      ['target', 'url'],
      ['target', 'headers'],
      ['retry'],
      ['retry', 'backoffRate'],
      ['sla'],
      ['concurrency', 'overlap'],
      ['tags'],
      ['tasks'],
      ['extraField'],
    ),
    fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
  )
  .map(([path, value]) => {
    const body = structuredClone(jobBody()) as Record<string, any>;
    let node = body;
    for (const key of path.slice(0, -1)) node = node[key];
    if (value === undefined) delete node[path.at(-1)!];
    else node[path.at(-1)!] = value;
    return body as unknown;
  });

const anyBody = fc.oneof(fc.jsonValue({ maxDepth: 4 }), mutatedJob);

describe('property: no JSON body makes the API fail', () => {
  it('answers 201 or a problem+json 400 that locates every problem', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        const res = await api.request('POST', '/v1/jobs', {
          rawBody: JSON.stringify(body) ?? 'null',
          headers: { 'content-type': 'application/json' },
        });
        expect([201, 400]).toContain(res.status);
        if (res.status === 400) {
          expect(res.headers.get('content-type')).toBe('application/problem+json');
          expect(res.body.errors.length).toBeGreaterThan(0);
          for (const problem of res.body.errors) {
            expect(problem.path).toMatch(/^\$/);
            expect(problem.message).toEqual(expect.any(String));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never answers 5xx to a PATCH of arbitrary JSON', async () => {
    const { body: job } = await api.request('POST', '/v1/jobs', { body: jobBody() });
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        const res = await api.request('PATCH', `/v1/jobs/${job.jobId}`, {
          rawBody: JSON.stringify(body) ?? 'null',
          headers: { 'content-type': 'application/json' },
        });
        expect([200, 400]).toContain(res.status);
        if (res.status === 400)
          expect(res.body.errors.every((p: { path: string }) => /^\$/.test(p.path))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
