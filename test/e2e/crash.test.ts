import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnKairos, stopKairos } from './support/kairos-process.js';
import { TERMINAL } from './support/local-api.js';

const JOBS = 2000;
const home = mkdtempSync(join(tmpdir(), 'kairos-crash-'));
let current: ChildProcess | undefined;
afterAll(async () => {
  if (current) await stopKairos(current, 'SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

async function call(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('crash safety', () => {
  it(`loses none of ${JOBS} jobs due within 10 s when the runtime is killed with -9 twice`, async () => {
    const marks = join(home, 'marks.txt');
    writeFileSync(
      join(home, 'functions.json'),
      JSON.stringify({ marker: `${resolve('test/e2e/fixtures/marker.ts')}#handler` }),
    );
    let kairos = await spawnKairos(home);
    current = kairos.child;
    const token = readFileSync(join(home, 'token'), 'utf8').trim();
    // Creating 2,000 jobs takes a while here; the burst starts once they all exist.
    const t0 = Date.now() + 25_000;
    const bodies = Array.from({ length: JOBS }, (_, i) => ({
      name: `crash-${i}`,
      schedule: { type: 'at', at: new Date(t0 + (i % 10) * 1000).toISOString() },
      target: { type: 'lambda', functionArn: 'marker' },
      payload: { marks, job: i },
      timeoutSeconds: 10,
      retry: { maxAttempts: 5, initialDelaySeconds: 1, backoffRate: 1, maxDelaySeconds: 1 },
    }));
    const batches = Array.from({ length: JOBS / 100 }, (_, b) => bodies.slice(b * 100, b * 100 + 100));
    const results = await Promise.all(
      batches.map((jobs) => call(kairos.url, token, 'POST', '/v1/jobs:batch', { jobs })),
    );
    const jobIds: string[] = results.flatMap((res) =>
      res.body.items.map((item: { jobId?: string }) => item.jobId),
    );
    expect(jobIds.filter(Boolean)).toHaveLength(JOBS);
    expect(Date.now()).toBeLessThan(t0);

    // Kill -9 in the middle of the burst, restart, kill -9 again, restart for good.
    await new Promise((r) => setTimeout(r, Math.max(0, t0 - Date.now()) + 2500));
    await stopKairos(kairos.child, 'SIGKILL');
    kairos = await spawnKairos(home);
    current = kairos.child;
    await new Promise((r) => setTimeout(r, 3000));
    await stopKairos(kairos.child, 'SIGKILL');
    kairos = await spawnKairos(home);
    current = kairos.child;

    const pending = new Set(jobIds);
    const statuses: Record<string, number> = {};
    const deadline = Date.now() + 150_000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const jobId of [...pending]) {
        const res = await call(kairos.url, token, 'GET', `/v1/jobs/${jobId}/status`);
        const status = res.body.latestRun?.status;
        if (TERMINAL.includes(status)) {
          pending.delete(jobId);
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 1000));
      if (process.env.KAIROS_TEST_VERBOSE) console.log(`pending ${pending.size}`, statuses);
    }
    const stuck = await Promise.all(
      [...pending]
        .slice(0, 5)
        .map(
          async (jobId) => (await call(kairos.url, token, 'GET', `/v1/jobs/${jobId}/status`)).body.latestRun,
        ),
    );
    await stopKairos(kairos.child, 'SIGTERM');
    current = undefined;
    if (stuck.length > 0) console.log(JSON.stringify({ stuck }));

    const executions = readFileSync(marks, 'utf8').trim().split('\n');
    const perJob = new Map<string, number>();
    for (const job of executions) perJob.set(job, (perJob.get(job) ?? 0) + 1);
    const ranTwice = [...perJob.values()].filter((n) => n > 1).length;
    console.log(
      JSON.stringify({
        name: 'crash.kill9x2',
        jobs: JOBS,
        lost: pending.size,
        statuses,
        executions: executions.length,
        jobsExecutedMoreThanOnce: ranTwice,
      }),
    );
    expect(pending.size).toBe(0);
    expect(statuses).toEqual({ SUCCEEDED: JOBS });
    expect(perJob.size).toBe(JOBS);
  }, 300_000);
});
