import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetters } from '../../lambdas/local/local-queue.js';
import { jobBody, startTestApi, type TestApi, waitForRun, waitForRuns } from './support/local-api.js';
import { startTargetServer } from './support/target-server.js';

let api: TestApi;
beforeAll(async () => {
  // The engine is started by hand once the queue holds what each test needs.
  api = await startTestApi({ execute: false });
});
afterAll(async () => {
  await api.close();
});

const send = (body: string) => api.runtime.engine.queue.send('dispatch-normal', body, 0);

describe('delivery guarantees on the local runtime', () => {
  it('executes one attempt when the same messages are delivered twice, and dead-letters a poison message', async () => {
    const marks = join(api.home, 'executions.txt');
    const command = {
      type: 'command',
      command: ['sh', '-c', `echo "$KAIROS_RUN_ID $KAIROS_ATTEMPT" >> ${marks}`],
    };
    // An immediate job: its slot timer (a `fire` message) is already queued; deliver a copy of it.
    const job = await api.request('POST', '/v1/jobs', {
      body: jobBody({ schedule: { type: 'immediate' }, target: command, concurrency: { max: 2 } }),
    });
    await send(JSON.stringify({ kind: 'fire', jobId: job.body.jobId, scheduledFor: job.body.createdAt }));
    // A manual run: its `start` message is queued; deliver a copy of it too.
    const manual = await api.request('POST', `/v1/jobs/${job.body.jobId}/runs`, { body: {} });
    await send(JSON.stringify({ kind: 'start', runId: manual.body.runId, attempt: 1 }));
    await send('{"kind":"explode"}');
    await send('not json at all');

    api.runtime.engine.start();
    const runs = await waitForRuns(api, job.body.jobId, 2);
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    await waitForRun(api, manual.body.runId);
    await new Promise((r) => setTimeout(r, 1000)); // let any straggling duplicate run
    const lines = readFileSync(marks, 'utf8').trim().split('\n').sort();
    expect(lines).toEqual([...runs.map((r) => `${r.runId} 1`)].sort());
    for (const run of runs) expect(run.attempts).toHaveLength(1);

    const dead = await listDeadLetters(api.runtime.engine.queue);
    const poison = dead.filter((d) => d.source === 'dispatch-normal');
    expect(poison.map((d) => d.body).sort()).toEqual(['not json at all', '{"kind":"explode"}']);
    for (const d of poison) expect(d.reason).toMatch(/message/i);
  });
});

describe('SSRF guard', () => {
  let target: Awaited<ReturnType<typeof startTargetServer>>;
  beforeAll(async () => {
    target = await startTargetServer({ '/ok': [200] });
  });
  afterAll(async () => {
    await target.close();
  });

  it('refuses http targets at private, loopback and link-local addresses at create time', async () => {
    for (const url of [
      'http://127.0.0.1:8080/',
      'http://10.0.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://localhost/',
    ]) {
      const res = await api.request('POST', '/v1/jobs', {
        body: jobBody({ target: { type: 'http', url, method: 'GET' } }),
      });
      expect(res.status, url).toBe(400);
      expect(res.body.errors[0]).toMatchObject({
        path: '$.target.url',
        message: expect.stringMatching(/loopback|private|link-local/),
      });
    }
    const patched = await api.request('POST', '/v1/jobs', { body: jobBody() });
    const res = await api.request('PATCH', `/v1/jobs/${patched.body.jobId}`, {
      body: { target: { type: 'http', url: 'http://169.254.169.254/', method: 'GET' } },
    });
    expect(res.status).toBe(400);
  });
});
