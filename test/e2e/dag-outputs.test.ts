/**
 * Task outputs between DAG tasks on the local runtime: a small output travels inline, a large one is stored as an
 * artifact and only its pointer travels (docs/adr/0012-task-outputs.md), through the state data and through the
 * latch alike; each task's log is kept and served by `GET /v1/runs/{id}/logs?task=`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INLINE_OUTPUT_BYTES } from '../../lambdas/core/dag/task-output.js';
import { startTestApi, type TestApi, waitForRun, waitForRuns } from './support/local-api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

/** A command task whose output is what `script` prints into `$KAIROS_OUTPUT_FILE`. */
const sh = (id: string, script: string, dependsOn: string[] = []) => ({
  id,
  target: { type: 'command', command: ['sh', '-c', script] },
  dependsOn,
});

const large = { rows: 'x'.repeat(INLINE_OUTPUT_BYTES * 5) };

async function runDag(tasks: unknown[]) {
  const res = await api.request('POST', '/v1/jobs', {
    body: {
      name: 'outputs',
      schedule: { type: 'immediate' },
      tasks,
      timeoutSeconds: 60,
      retry: { maxAttempts: 1 },
    },
  });
  expect(res.status, res.text).toBe(201);
  const [queued] = await waitForRuns(api, res.body.jobId, 1, () => true);
  return waitForRun(api, queued.runId, undefined, 30_000);
}

describe('task outputs between DAG tasks', () => {
  it('passes small outputs inline and large ones as a pointer, through the structure and the latch', async () => {
    // The N DAG: c gets a through the structure; d gets one of a, b through the latch.
    const run = await runDag([
      sh('a', `printf '{"rows":3}' > "$KAIROS_OUTPUT_FILE"`),
      // Written by the shell: the definition allows 4 KiB per argument.
      sh(
        'b',
        `printf '{"rows":"%s"}' "$(head -c ${large.rows.length} /dev/zero | tr '\\0' x)" > "$KAIROS_OUTPUT_FILE"`,
      ),
      sh('c', `printf '%s' "$KAIROS_UPSTREAM" > "$KAIROS_OUTPUT_FILE"`, ['a']),
      sh('d', `sleep 0.2; printf '%s' "$KAIROS_UPSTREAM" > "$KAIROS_OUTPUT_FILE"`, ['a', 'b']),
    ]);
    expect(run.status).toBe('SUCCEEDED');
    const { a, b, c, d } = run.tasks;
    expect(a.output).toEqual({ rows: 3 });
    expect(a).not.toHaveProperty('outputRef');
    // b's output is stored, and the run shows where.
    expect(b).not.toHaveProperty('output');
    expect(b.outputRef).toMatchObject({
      key: `runs/${run.runId}/1/tasks/b/output.json`,
      bytes: JSON.stringify(large).length,
    });
    expect(JSON.parse(await readFile(fileURLToPath(b.outputRef.uri), 'utf8'))).toEqual(large);
    // What the dependents received: each dependency's end, the output or its pointer.
    const aEnd = { status: 'SUCCEEDED', ok: true, output: { rows: 3 }, outputRef: null };
    expect(c.output).toEqual({ a: aEnd });
    expect(d.output).toEqual({
      a: aEnd,
      b: { status: 'SUCCEEDED', ok: true, output: null, outputRef: b.outputRef },
    });
  });

  it('hands a failed dependency to an all_done task without output', async () => {
    const run = await runDag([
      { ...sh('a', 'exit 3'), retry: { maxAttempts: 1 } },
      {
        ...sh('z', `printf '%s' "$KAIROS_UPSTREAM" > "$KAIROS_OUTPUT_FILE"`, ['a']),
        triggerRule: 'all_done',
      },
    ]);
    expect(run.status).toBe('FAILED');
    expect(run.tasks.z.output).toEqual({ a: { status: 'FAILED', ok: false, output: null, outputRef: null } });
  });

  it("serves each task's log, and says where to look when Kairos kept none", async () => {
    const run = await runDag([sh('a', 'echo extracting; echo done >&2'), sh('b', 'echo loading', ['a'])]);
    expect(run.status).toBe('SUCCEEDED');
    const logOf = (query: string) => api.request('GET', `/v1/runs/${run.runId}/logs?${query}`);
    const a = await logOf('task=a');
    expect(a.status).toBe(200);
    expect(a.text).toContain('--- attempt 1: succeeded');
    expect(a.text).toContain('extracting');
    expect(a.text).toContain('done');
    expect((await logOf('task=b')).text).toContain('loading');
    expect((await logOf('task=nope')).status).toBe(404);
    expect((await logOf('task=a&attempt=2')).status).toBe(400);
  });

  it('refuses a task log of a run that is not a DAG run', async () => {
    const res = await api.request('POST', '/v1/jobs', {
      body: {
        name: 'single',
        schedule: { type: 'immediate' },
        target: { type: 'command', command: ['true'] },
      },
    });
    const [queued] = await waitForRuns(api, res.body.jobId, 1, () => true);
    const run = await waitForRun(api, queued.runId, undefined, 20_000);
    const got = await api.request('GET', `/v1/runs/${run.runId}/logs?task=a`);
    expect(got.status).toBe(400);
    expect(got.body.detail ?? got.text).toMatch(/not a DAG run/);
  });
});
