import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnKairos, stopKairos } from '../e2e/support/kairos-process.js';
import { jobBody } from '../e2e/support/local-api.js';
import { type BenchLine, percentile } from './types.js';

const CONCURRENCY = 8;
const DURATION_MS = 5000;

/**
 * `POST /v1/jobs` against the local runtime (`kairos local` in its own process, embedded DynamoDB on disk),
 * from CONCURRENCY clients in this process, each sending its next request when the previous one answers.
 */
export default async function benchApiCreate(): Promise<BenchLine[]> {
  const home = mkdtempSync(join(tmpdir(), 'kairos-bench-'));
  const { child, url } = await spawnKairos(home);
  try {
    const token = readFileSync(join(home, 'token'), 'utf8').trim();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const body = JSON.stringify(jobBody());
    const post = () => fetch(`${url}/v1/jobs`, { method: 'POST', headers, body });
    for (let i = 0; i < 50; i++) await (await post()).arrayBuffer(); // warm-up
    const latencies: number[] = [];
    let failures = 0;
    const start = performance.now();
    const deadline = start + DURATION_MS;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          const res = await post();
          await res.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (res.status !== 201) failures++;
        }
      }),
    );
    const elapsed = performance.now() - start;
    latencies.sort((a, b) => a - b);
    return [
      {
        name: 'api.createJob.local',
        value: Math.round((latencies.length * 1000) / elapsed),
        unit: 'req/s',
        concurrentClients: CONCURRENCY,
        requests: latencies.length,
        failures,
        p50Ms: Number(percentile(latencies, 50).toFixed(2)),
        p99Ms: Number(percentile(latencies, 99).toFixed(2)),
      },
    ];
  } finally {
    await stopKairos(child, 'SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
}
