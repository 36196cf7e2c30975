/**
 * DAG jobs on the local runtime: the generated ASL runs on aws-local-stepfunctions, each task's target on the
 * local executors, and the run shows every task's live state (`tasks`).
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

const sh = (id: string, script: string, extra: Record<string, unknown> = {}) => ({
  id,
  target: { type: 'command', command: ['sh', '-c', script] },
  ...extra,
});

async function createDag(
  name: string,
  tasks: unknown[],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await api.request('POST', '/v1/jobs', {
    body: {
      name,
      schedule: { type: 'immediate' },
      tasks,
      timeoutSeconds: 60,
      retry: { maxAttempts: 1 },
      ...extra,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.jobId;
}

describe('DAG runs on the local runtime', () => {
  it('runs the N DAG with live task state; c starts when a ends, not when the slow b ends', async () => {
    const jobId = await createDag('n-dag', [
      sh('a', 'sleep 0.3'),
      sh('b', 'sleep 2.5'),
      sh('c', 'sleep 0.2', { dependsOn: ['a'] }),
      sh('d', 'true', { dependsOn: ['a', 'b'] }),
    ]);
    const [queued] = await waitForRuns(api, jobId, 1, () => true);
    // Live: while b still runs, c has already finished.
    const live = await waitForRun(api, queued.runId, (r) => r.tasks?.c?.status === 'SUCCEEDED', 20_000);
    expect(live.status).toBe('RUNNING');
    expect(live.tasks.b.status).toBe('RUNNING');
    expect(live.tasks.d.status).toBe('PENDING');
    const run = await waitForRun(api, queued.runId, undefined, 20_000);
    expect(run.status).toBe('SUCCEEDED');
    for (const id of ['a', 'b', 'c', 'd']) {
      expect(run.tasks[id]).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
      expect(Date.parse(run.tasks[id].endedAt)).toBeGreaterThanOrEqual(Date.parse(run.tasks[id].startedAt));
    }
    expect(Date.parse(run.tasks.c.startedAt)).toBeLessThan(Date.parse(run.tasks.b.endedAt));
    expect(Date.parse(run.tasks.d.startedAt)).toBeGreaterThanOrEqual(Date.parse(run.tasks.b.endedAt));
    expect(run.workflowVersionArn).toMatch(/:stateMachine:Kairos-local_.+:1$/);
  });

  it('routes a failure by trigger rules: d UPSTREAM_FAILED and the run FAILED; with all_done d runs', async () => {
    const diamond = (rule?: string) => [
      sh('a', 'true'),
      sh('b', 'true', { dependsOn: ['a'] }),
      sh('c', 'exit 3', {
        dependsOn: ['a'],
        retry: { maxAttempts: 2, initialDelaySeconds: 1, jitter: 'none' },
      }),
      sh('d', 'true', { dependsOn: ['b', 'c'], ...(rule ? { triggerRule: rule } : {}) }),
    ];
    const strict = await createDag('diamond', diamond());
    const [failed] = await waitForRuns(api, strict, 1, undefined, 30_000);
    expect(failed.status).toBe('FAILED');
    expect(failed.error.type).toBe('DagFailed');
    expect(failed.tasks.b.status).toBe('SUCCEEDED');
    expect(failed.tasks.c).toMatchObject({ status: 'FAILED', attempt: 2 });
    expect(failed.tasks.d.status).toBe('UPSTREAM_FAILED');
    expect(failed.tasks.d.startedAt).toBeUndefined();

    const lenient = await createDag('diamond-all-done', diamond('all_done'));
    const [ran] = await waitForRuns(api, lenient, 1, undefined, 30_000);
    expect(ran.tasks.d.status).toBe('SUCCEEDED');
    expect(ran.tasks.c.status).toBe('FAILED');
    expect(ran.status).toBe('FAILED'); // a failure is never hidden by a clean-up task succeeding
  });

  it('cancel stops the run: the running task is cancelled and no task starts afterwards', async () => {
    const jobId = await createDag('cancel-me', [sh('a', 'sleep 30'), sh('b', 'true', { dependsOn: ['a'] })]);
    const [queued] = await waitForRuns(api, jobId, 1, () => true);
    await waitForRun(api, queued.runId, (r) => r.tasks?.a?.status === 'RUNNING', 20_000);
    const cancel = await api.request('POST', `/v1/runs/${queued.runId}/cancel`, {
      token: api.tokens.operator,
    });
    expect(cancel.status).toBe(200);
    const run = await waitForRun(api, queued.runId, (r) => r.tasks?.a?.status === 'CANCELLED', 10_000);
    expect(run.status).toBe('CANCELLED');
    await new Promise((r) => setTimeout(r, 1500));
    const after = (await api.request('GET', `/v1/runs/${queued.runId}`)).body;
    expect(after.tasks.b.startedAt).toBeUndefined();
    expect(after.tasks.b.status).not.toBe('SUCCEEDED');
  });

  it('a run started before an update finishes on its version; the next run uses the new one', async () => {
    const jobId = await createDag('versioned', [sh('old', 'sleep 2')]);
    const [first] = await waitForRuns(api, jobId, 1, () => true);
    await waitForRun(api, first.runId, (r) => r.tasks?.old?.status === 'RUNNING', 20_000);
    const patched = await api.request('PATCH', `/v1/jobs/${jobId}`, {
      body: { tasks: [sh('new', 'true')] },
      headers: { 'if-match': '"1"' },
    });
    expect(patched.status, patched.text).toBe(200);
    const done = await waitForRun(api, first.runId, undefined, 20_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(Object.keys(done.tasks)).toEqual(['old']);
    expect(done.workflowVersionArn).toMatch(/:1$/);
    const manual = await api.request('POST', `/v1/jobs/${jobId}/runs`, { token: api.tokens.operator });
    expect(manual.status).toBe(202);
    const second = await waitForRun(api, manual.body.runId, undefined, 20_000);
    expect(second.status).toBe('SUCCEEDED');
    expect(Object.keys(second.tasks)).toEqual(['new']);
    expect(second.workflowVersionArn).toMatch(/:2$/);
  });
});
