import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isTerminal } from '../../lambdas/core/run-states.js';
import { spawnKairos, stopKairos } from '../e2e/support/kairos-process.js';

/** A `kairos local` process in a temp home with a local Lambda `noop` that returns at once. */
export async function startBenchRuntime(env: NodeJS.ProcessEnv = {}) {
  const home = mkdtempSync(join(tmpdir(), 'kairos-bench-'));
  writeFileSync(
    join(home, 'functions.json'),
    JSON.stringify({ noop: `${resolve('test/bench/fixtures/noop.ts')}#handler` }),
  );
  const { child, url } = await spawnKairos(home, env);
  const token = readFileSync(join(home, 'token'), 'utf8').trim();
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return res.json();
  };
  return {
    home,
    url,
    token,
    call,
    /** Creates jobs 100 per batch request, `parallel` requests at a time; returns their ids in order. */
    async createJobs(bodies: unknown[], parallel = 4): Promise<string[]> {
      const batches: unknown[][] = [];
      for (let i = 0; i < bodies.length; i += 100) batches.push(bodies.slice(i, i + 100));
      const ids: string[] = [];
      for (let i = 0; i < batches.length; i += parallel) {
        const results = await Promise.all(
          batches.slice(i, i + parallel).map((jobs) => call('POST', '/v1/jobs:batch', { jobs })),
        );
        for (const r of results)
          ids.push(
            ...r.items.map(
              (item: { jobId?: string; error?: unknown }) => item.jobId ?? JSON.stringify(item.error),
            ),
          );
      }
      return ids;
    },
    /** Latest run of each job once all are terminal (polling), or throws after `timeoutMs`. */
    async waitForLatestRuns(jobIds: string[], timeoutMs: number): Promise<Map<string, any>> {
      const done = new Map<string, any>();
      const deadline = Date.now() + timeoutMs;
      while (done.size < jobIds.length) {
        for (const jobId of jobIds) {
          if (done.has(jobId)) continue;
          const { latestRun } = await call('GET', `/v1/jobs/${jobId}/status`);
          if (latestRun && isTerminal(latestRun.status)) {
            done.set(jobId, latestRun);
          }
        }
        if (Date.now() > deadline) throw new Error(`${jobIds.length - done.size} jobs not done in time`);
        if (done.size < jobIds.length) await new Promise((r) => setTimeout(r, 250));
      }
      return done;
    },
    async close() {
      await stopKairos(child, 'SIGTERM');
      rmSync(home, { recursive: true, force: true });
    },
  };
}
