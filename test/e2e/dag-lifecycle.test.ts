/**
 * Everything a job does, a DAG job does too, on the local runtime over HTTP: runs on its cron schedule (the clock
 * travels, as in cron-precision.test.ts), manual runs with a payload override, backfill (dry run, then runs with
 * their tasks), an SLA miss alerted once, a run of timed-out tasks ending TIMED_OUT, an operator's retry of a
 * FAILED run re-running the DAG, and the logs of each attempt saying what every task did.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotRunId } from '../../lambdas/core/run-id.js';
import { startTestApi, type TestApi, waitForRun, waitForRuns } from './support/local-api.js';
import { startTargetServer } from './support/target-server.js';
import { sleep, type TravellingClock, travellingClock } from './support/travel-clock.js';

let api: TestApi;
let clock: TravellingClock;
let webhook: Awaited<ReturnType<typeof startTargetServer>>;
let scratch: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'kairos-dag-lifecycle-'));
  webhook = await startTargetServer({ '/alerts': [204] });
  clock = travellingClock('2026-06-01T12:00:50Z');
  api = await startTestApi({ clock, alertWebhook: webhook.url('/alerts'), schedulerMaxLateSeconds: 50 });
});
afterAll(async () => {
  await api.close();
  await webhook.close();
  rmSync(scratch, { recursive: true, force: true });
});

const sh = (id: string, script: string, extra: Record<string, unknown> = {}) => ({
  id,
  target: { type: 'command', command: ['sh', '-c', script] },
  ...extra,
});

async function createDag(body: Record<string, unknown>): Promise<string> {
  const res = await api.request('POST', '/v1/jobs', {
    body: { schedule: { type: 'immediate' }, timeoutSeconds: 60, retry: { maxAttempts: 1 }, ...body },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.jobId;
}

/** a then b: b starts once a has ended. */
const chain = () => [sh('a', 'sleep 0.2'), sh('b', 'true', { dependsOn: ['a'] })];

function expectChainSucceeded(run: any) {
  expect(run.status).toBe('SUCCEEDED');
  expect(run.tasks.a).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
  expect(run.tasks.b).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
  expect(Date.parse(run.tasks.b.startedAt)).toBeGreaterThanOrEqual(Date.parse(run.tasks.a.endedAt));
}

const minute = (m: number) => new Date(Date.parse('2026-06-01T12:00:00Z') + m * 60_000);

describe('DAG jobs through the whole job lifecycle', () => {
  it('runs a cron DAG job on schedule, each slot once, with its tasks', async () => {
    const jobId = await createDag({
      name: 'dag-every-minute',
      schedule: { type: 'cron', expression: '* * * * *' },
      tasks: chain(),
    });
    for (const slot of [minute(1), minute(2)]) {
      if (clock.nowMs() < slot.getTime() - 2000) clock.travelTo(new Date(slot.getTime() - 2000));
      const run = await waitForRun(api, slotRunId(jobId, slot.toISOString()), undefined, 20_000);
      expectChainSucceeded(run);
      expect(run.trigger).toBe('schedule');
      expect(Date.parse(run.attempts[0].startedAt) - slot.getTime()).toBeLessThan(2_000);
      // Past the minute's late schedule fire, which must add nothing.
      clock.travelTo(new Date(slot.getTime() + 51_000));
      await sleep(500);
    }
    // The job stops before the clock reaches its next slot, so the runs below are the only ones.
    const deleted = await api.request('DELETE', `/v1/jobs/${jobId}`);
    expect(deleted.status, deleted.text).toBe(200);
    const history = await api.request('GET', `/v1/jobs/${jobId}/runs?limit=100`);
    expect(history.body.items.map((r: any) => r.scheduledFor).sort()).toEqual(
      [minute(1), minute(2)].map((m) => m.toISOString()),
    );
  });

  it('runs a manual run now, its payload override reaching the tasks', async () => {
    const out = join(scratch, 'manual');
    const jobId = await createDag({
      name: 'dag-manual',
      schedule: { type: 'cron', expression: '0 3 * * *' },
      payload: { day: 'job-default' },
      tasks: [sh('a', `echo "$KAIROS_PAYLOAD" > ${out}`), sh('b', 'true', { dependsOn: ['a'] })],
    });
    const manual = await api.request('POST', `/v1/jobs/${jobId}/runs`, {
      token: api.tokens.operator,
      body: { payload: { day: 'override-2026-05-31' } },
    });
    expect(manual.status, manual.text).toBe(202);
    const run = await waitForRun(api, manual.body.runId, undefined, 20_000);
    expect(run.trigger).toBe('manual');
    expect(run.status).toBe('SUCCEEDED');
    expect(run.tasks.a.status).toBe('SUCCEEDED');
    expect(run.tasks.b.status).toBe('SUCCEEDED');
    expect(readFileSync(out, 'utf8')).toContain('override-2026-05-31');
  });

  it('backfills a DAG job: the dry run counts the slots, the runs each run every task', async () => {
    const jobId = await createDag({
      name: 'dag-hourly',
      schedule: { type: 'cron', expression: '0 * * * *' },
      tasks: chain(),
    });
    const window = { from: '2026-05-01T00:00:00Z', to: '2026-05-01T03:00:00Z' };
    const dry = await api.request('POST', `/v1/jobs/${jobId}/backfill`, {
      body: { ...window, dryRun: true },
    });
    expect(dry.status, dry.text).toBe(202);
    const times = ['2026-05-01T00:00:00.000Z', '2026-05-01T01:00:00.000Z', '2026-05-01T02:00:00.000Z'];
    expect(dry.body).toMatchObject({ backfillId: null, runs: 3, times });
    expect((await api.request('GET', `/v1/jobs/${jobId}/runs`)).body.items).toEqual([]);

    const started = await api.request('POST', `/v1/jobs/${jobId}/backfill`, {
      body: { ...window, maxConcurrency: 2 },
      token: api.tokens.operator,
    });
    expect(started.status, started.text).toBe(202);
    expect(started.body).toMatchObject({ backfillId: expect.any(String), runs: 3 });
    const runs = await waitForRuns(api, jobId, 3, undefined, 30_000);
    expect(runs.map((r) => r.scheduledFor).sort()).toEqual(times);
    for (const run of runs) {
      expect(run.trigger).toBe('backfill');
      expectChainSucceeded(run);
    }
    const again = await api.request('POST', `/v1/jobs/${jobId}/backfill`, { body: window });
    expect(again.body).toMatchObject({ runs: 0, skipped: 3 });
  });

  it('alerts once when a slow DAG run misses finishWithinSeconds', async () => {
    const jobId = await createDag({
      name: 'dag-slow',
      sla: { finishWithinSeconds: 2 },
      tasks: [sh('slow', 'sleep 3.5'), sh('after', 'true', { dependsOn: ['slow'] })],
    });
    const [run] = await waitForRuns(api, jobId, 1, undefined, 20_000);
    expect(run).toMatchObject({ status: 'SUCCEEDED', slaMissed: true });
    expect(run.tasks.after.status).toBe('SUCCEEDED');
    await sleep(500);
    expect(webhook.hits('/alerts')).toHaveLength(1);
    const sla = await api.request('GET', '/v1/sla', { token: api.tokens.viewer });
    expect(sla.body.misses.filter((m: any) => m.jobId === jobId)).toEqual([
      {
        runId: run.runId,
        jobId,
        kind: 'finish',
        deadline: new Date(Date.parse(run.scheduledFor) + 2000).toISOString(),
        detectedAt: expect.any(String),
      },
    ]);
  });

  it('ends a run whose only failure is a task timeout TIMED_OUT, without re-running the DAG', async () => {
    const jobId = await createDag({
      name: 'dag-task-timeout',
      retry: { maxAttempts: 2, initialDelaySeconds: 1, jitter: 'none' },
      tasks: [
        sh('slow', 'sleep 10', { timeoutSeconds: 1, retry: { maxAttempts: 1 } }),
        sh('fast', 'true'),
        sh('after', 'true', { dependsOn: ['slow'] }),
      ],
    });
    const [run] = await waitForRuns(api, jobId, 1, undefined, 20_000);
    expect(run).toMatchObject({
      status: 'TIMED_OUT',
      attempt: 1,
      error: { type: 'Timeout', message: expect.stringContaining('slow (TIMED_OUT)') },
    });
    expect(run.tasks).toMatchObject({
      slow: { status: 'TIMED_OUT' },
      fast: { status: 'SUCCEEDED' },
      after: { status: 'UPSTREAM_FAILED' },
    });
    expect(run.attempts).toHaveLength(1);
  });

  it('retries a FAILED DAG run on request: a new attempt re-runs the DAG from fresh task states', async () => {
    const marker = join(scratch, 'fixed');
    const jobId = await createDag({
      name: 'dag-retry',
      tasks: [
        sh('a', 'true'),
        sh('b', `test -f ${marker}`, { dependsOn: ['a'], retry: { maxAttempts: 1 } }),
        sh('c', 'true', { dependsOn: ['b'] }),
      ],
    });
    const [failed] = await waitForRuns(api, jobId, 1, undefined, 20_000);
    expect(failed).toMatchObject({ status: 'FAILED', attempt: 1, error: { type: 'DagFailed' } });
    expect(failed.tasks).toMatchObject({
      a: { status: 'SUCCEEDED' },
      b: { status: 'FAILED' },
      c: { status: 'UPSTREAM_FAILED' },
    });
    const firstLog = await api.request('GET', `/v1/runs/${failed.runId}/logs`);
    expect(firstLog.status).toBe(200);
    expect(firstLog.headers.get('content-type')).toContain('text/plain');
    expect(firstLog.text).toMatch(/a: SUCCEEDED, 1 attempt/);
    expect(firstLog.text).toMatch(/b: FAILED, 1 attempt, [\d.]+ s — \S+/);
    expect(firstLog.text).toMatch(/c: UPSTREAM_FAILED/);

    writeFileSync(marker, '');
    expect(existsSync(marker)).toBe(true);
    const retried = await api.request('POST', `/v1/runs/${failed.runId}/retry`, {
      token: api.tokens.operator,
    });
    expect(retried.status, retried.text).toBe(202);
    const seen: any[] = [];
    const run = await waitForRun(
      api,
      failed.runId,
      (r) => {
        if (r.attempt === 2) seen.push(r);
        return r.attempt === 2 && ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED'].includes(r.status);
      },
      20_000,
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(run.error).toBeUndefined();
    expect(run.attempts.map((a: any) => a.status)).toEqual(['FAILED', 'SUCCEEDED']);
    for (const id of ['a', 'b', 'c']) {
      expect(run.tasks[id]).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
      expect(Date.parse(run.tasks[id].startedAt)).toBeGreaterThanOrEqual(
        Date.parse(run.attempts[1].startedAt),
      );
    }
    // While attempt 2 ran, no task showed attempt 1's end.
    for (const r of seen.filter((s) => s.status === 'RUNNING'))
      expect(['FAILED', 'UPSTREAM_FAILED'], JSON.stringify(r.tasks)).not.toContain(r.tasks?.b?.status);

    const latest = await api.request('GET', `/v1/runs/${failed.runId}/logs`);
    expect(latest.text).toContain('attempt 2');
    expect(latest.text).toMatch(/b: SUCCEEDED/);
    const first = await api.request('GET', `/v1/runs/${failed.runId}/logs?attempt=1`);
    expect(first.text).toMatch(/b: FAILED/);
  });
});
