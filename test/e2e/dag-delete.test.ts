/**
 * Deleting a DAG job deletes its state machine, but not under a run still executing on it (Step Functions
 * terminates the executions of a deleted state machine): the run's end takes it with it then.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, waitForRun, waitForRuns } from './support/local-api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

/** The local registry keeps one directory of published versions per job's state machine. */
const machines = () => {
  const root = join(api.home, 'workflows');
  return existsSync(root) ? readdirSync(root) : [];
};

async function createDag(script: string): Promise<{ jobId: string; machine: string }> {
  const before = machines();
  const res = await api.request('POST', '/v1/jobs', {
    body: {
      name: 'to-delete',
      schedule: { type: 'immediate' },
      tasks: [{ id: 'a', target: { type: 'command', command: ['sh', '-c', script] } }],
      retry: { maxAttempts: 1 },
    },
  });
  expect(res.status, res.text).toBe(201);
  const [queued] = await waitForRuns(api, res.body.jobId, 1, () => true);
  await waitForRun(api, queued.runId, (r) => r.status !== 'QUEUED', 20_000);
  const machine = machines().find((m) => !before.includes(m));
  expect(machine).toBeDefined();
  return { jobId: res.body.jobId, machine: machine! };
}

describe('deleting a DAG job', () => {
  it('deletes its state machine at once when no run executes on it', async () => {
    const { jobId, machine } = await createDag('true');
    const [run] = await waitForRuns(api, jobId, 1, (r) => r.status === 'SUCCEEDED');
    expect(run.status).toBe('SUCCEEDED');
    expect((await api.request('DELETE', `/v1/jobs/${jobId}`)).status).toBe(200);
    expect(machines()).not.toContain(machine);
  });

  it('keeps it while a run executes on it, and the run finishes on it before it goes', async () => {
    const { jobId, machine } = await createDag('sleep 1.5');
    expect((await api.request('DELETE', `/v1/jobs/${jobId}`)).status).toBe(200);
    expect(machines()).toContain(machine);
    const [ended] = await waitForRuns(api, jobId, 1, (r) => r.status === 'SUCCEEDED', 20_000);
    expect(ended.tasks.a.status).toBe('SUCCEEDED');
    await expect.poll(machines, { timeout: 5_000 }).not.toContain(machine);
  });

  it('with cancelRunning, cancels the run and deletes it', async () => {
    const { jobId, machine } = await createDag('sleep 30');
    expect((await api.request('DELETE', `/v1/jobs/${jobId}?cancelRunning=true`)).status).toBe(200);
    // The run is CANCELLED at once; its task shows it when the stopped execution has wound down.
    const [run] = await waitForRuns(api, jobId, 1, (r) => r.tasks?.a?.status === 'CANCELLED', 20_000);
    expect(run.status).toBe('CANCELLED');
    await expect.poll(machines, { timeout: 5_000 }).not.toContain(machine);
  });
});
