import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiskArtifacts } from '../../../lambdas/adapters/local/disk-artifacts.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'kairos-artifacts-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const ref = { jobId: 'job_1', runId: 'run_1', attempt: 1 };

describe('disk artifacts', () => {
  it('round-trips a log and writes the output next to it', async () => {
    const artifacts = createDiskArtifacts({ root });

    const keys = await artifacts.putAttempt(ref, { log: 'line 1\nline ✓\n', output: { rows: 42 } });

    expect(keys).toEqual({
      logKey: 'runs/job_1/run_1/1/log.txt',
      outputKey: 'runs/job_1/run_1/1/output.json',
    });
    expect(await artifacts.getLog(ref)).toBe('line 1\nline ✓\n');
    expect(JSON.parse(await readFile(path.join(root, keys.outputKey!), 'utf8'))).toEqual({ rows: 42 });
  });

  it('replaces a log whole and leaves no temporary files behind', async () => {
    const artifacts = createDiskArtifacts({ root });

    const logs = Array.from({ length: 20 }, (_, i) => `${i}`.repeat(10_000));
    await Promise.all(logs.map((log) => artifacts.putAttempt({ ...ref, attempt: 2 }, { log })));

    // Whichever write landed last, the file holds exactly one of them, never a mix.
    expect(logs).toContain(await artifacts.getLog({ ...ref, attempt: 2 }));
    expect(await readdir(path.join(root, 'runs/job_1/run_1/2'))).toEqual(['log.txt']);
  });

  it('has no log for an attempt that left none', async () => {
    expect(await createDiskArtifacts({ root }).getLog({ ...ref, attempt: 9 })).toBeUndefined();
  });

  it('refuses ids that would leave the artifacts directory', async () => {
    const artifacts = createDiskArtifacts({ root });

    await expect(artifacts.putAttempt({ ...ref, jobId: '..' }, { log: 'x' })).rejects.toThrow(
      /Not a valid attempt/,
    );
    await expect(artifacts.getLog({ ...ref, runId: 'a/../../b' })).rejects.toThrow(/Not a valid attempt/);
  });

  it("keeps a DAG task's files under runs/<runId>/<attempt>/tasks/, with a file:// pointer", async () => {
    const artifacts = createDiskArtifacts({ root });
    const task = { runId: 'run_1', attempt: 1, taskId: 'extract' };

    const ref = await artifacts.putTaskFile(task, 'output.json', '{"rows":3}');
    expect(ref).toMatchObject({ key: 'runs/run_1/1/tasks/extract/output.json', bytes: 10 });
    expect(await readFile(fileURLToPath(ref.uri), 'utf8')).toBe('{"rows":3}');
    expect(await artifacts.getTaskLog(task)).toBeUndefined();
    await artifacts.putTaskFile(task, 'log.txt', 'ran\n');
    expect(await artifacts.getTaskLog(task)).toBe('ran\n');
    await expect(artifacts.getTaskLog({ ...task, taskId: '..' })).rejects.toThrow(/Not a valid task/);
  });
});
