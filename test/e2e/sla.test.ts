import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobBody, startTestApi, type TestApi, waitForRuns } from './support/local-api.js';
import { startTargetServer } from './support/target-server.js';

let api: TestApi;
let webhook: Awaited<ReturnType<typeof startTargetServer>>;
beforeAll(async () => {
  webhook = await startTargetServer({ '/alerts': [204] });
  api = await startTestApi({ alertWebhook: webhook.url('/alerts') });
});
afterAll(async () => {
  await api.close();
  await webhook.close();
});

describe('SLA on the local runtime', () => {
  it('alerts once for a run finishing after finishWithinSeconds, also when the timer is delivered twice', async () => {
    const created = await api.request('POST', '/v1/jobs', {
      body: jobBody({
        schedule: { type: 'immediate' },
        sla: { finishWithinSeconds: 2 },
        timeoutSeconds: 30,
        target: { type: 'command', command: ['sleep', '5'] },
      }),
    });
    expect(created.status).toBe(201);
    const [run] = await waitForRuns(api, created.body.jobId, 1, undefined, 20_000);
    expect(run).toMatchObject({ status: 'SUCCEEDED', slaMissed: true });
    // Deliver the finish check again, as SQS may.
    const deadline = new Date(Date.parse(run.scheduledFor) + 2000).toISOString();
    await api.runtime.engine.queue.send(
      'dispatch-normal',
      JSON.stringify({ kind: 'sla', runId: run.runId, check: 'finish', deadline }),
      0,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(webhook.hits('/alerts')).toHaveLength(1);
    const sla = await api.request('GET', '/v1/sla', { token: api.tokens.viewer });
    expect(sla.status).toBe(200);
    expect(sla.body.misses.filter((m: any) => m.jobId === created.body.jobId)).toEqual([
      {
        runId: run.runId,
        jobId: created.body.jobId,
        kind: 'finish',
        deadline,
        detectedAt: expect.any(String),
      },
    ]);
    expect(sla.body.jobs).toContainEqual({ jobId: created.body.jobId, runs: 1, missed: 1 });
    expect((await api.request('GET', '/v1/sla?since=2020-01-01T00:00:00Z')).status).toBe(400);
  });
});
