import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRuntime, runCli, startCliRuntime } from './support/kairos-cli.js';
import { TERMINAL } from './support/local-api.js';

/** The `runs` and `backfill` commands of the built CLI against one `kairos local` of the built CLI. */
const dir = mkdtempSync(join(tmpdir(), 'kairos-cli-runs-'));
let rt: CliRuntime;
beforeAll(async () => {
  // A local Lambda handler written in TypeScript: the built CLI (plain JavaScript) must load it all the same.
  const home = join(dir, 'home');
  mkdirSync(home);
  writeFileSync(join(home, 'functions.json'), JSON.stringify({ 'kairos-greet': 'greet.ts#handler' }));
  writeFileSync(
    join(home, 'greet.ts'),
    "export const handler = async (event: unknown): Promise<string> => 'hi ' + JSON.stringify(event);\n",
  );
  rt = await startCliRuntime(home);
});
afterAll(async () => {
  await rt?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const kairos = (...args: string[]) => runCli(args, { env: rt.env });
const json = (text: string) => JSON.parse(text);

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const token = readFileSync(join(rt.home, 'token'), 'utf8').trim();
  const res = await fetch(`${rt.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

/** A job that fires only once a year (so no scheduled run gets in the way), running `command`. */
async function createJob(command: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const job = await api('POST', '/v1/jobs', {
    name: `job-${command[0] ?? 'lambda'}`,
    schedule: { type: 'cron', expression: '0 0 1 1 *' },
    target: { type: 'command', command },
    retry: { maxAttempts: 1 },
    ...extra,
  });
  return job.jobId;
}

async function startRun(jobId: string): Promise<string> {
  const res = await kairos('jobs', 'run', jobId, '-o', 'json');
  expect(res.code, res.stderr).toBe(0);
  return json(res.stdout).runId;
}

async function waitForRun(runId: string, done = (run: any) => TERMINAL.includes(run.status)): Promise<any> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = await api('GET', `/v1/runs/${runId}`);
    if (done(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} not done: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('kairos runs', () => {
  let jobId: string;
  let runId: string;

  it('list shows the history as a table, --status filters, -o json is the API page', async () => {
    jobId = await createJob(['sh', '-c', 'echo "hello $KAIROS_PAYLOAD"']);
    runId = await startRun(jobId);
    await waitForRun(runId);
    const table = await kairos('runs', 'list', jobId);
    expect(table.code, table.stderr).toBe(0);
    const [header, row] = table.stdout.trimEnd().split('\n');
    expect(header.split(/ {2,}/)).toEqual([
      'RUN ID',
      'SCHEDULED FOR',
      'TRIGGER',
      'STATUS',
      'ATTEMPT',
      'DURATION',
      'ERROR',
    ]);
    expect(row.split(/ {2,}/)).toEqual([
      runId,
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
      'manual',
      'SUCCEEDED',
      '1/1',
      expect.stringMatching(/^\d+(ms|\.\ds)$/),
      '-',
    ]);
    const failedOnly = await kairos('runs', 'list', jobId, '--status', 'failed,timed_out');
    expect(failedOnly.stdout).toBe('No runs match.\n');
    const page = json((await kairos('runs', 'list', jobId, '-o', 'json')).stdout);
    expect(page).toEqual(await api('GET', `/v1/jobs/${jobId}/runs`));
  });

  it('get shows the run and its attempts; logs prints the attempt log as is', async () => {
    const human = await kairos('runs', 'get', runId);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Status: +SUCCEEDED$/m);
    expect(human.stdout).toMatch(/^Attempt: +1 of 1$/m);
    expect(human.stdout).toMatch(/^ {2}ATTEMPT +STATUS +STARTED +ENDED +DURATION +ERROR$/m);
    expect(human.stdout).toMatch(/^ {2}1 +SUCCEEDED /m);
    expect(json((await kairos('runs', 'get', runId, '-o', 'json')).stdout)).toEqual(
      await api('GET', `/v1/runs/${runId}`),
    );
    const logs = await kairos('runs', 'logs', runId);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('hello null');
    const token = readFileSync(join(rt.home, 'token'), 'utf8').trim();
    const raw = await fetch(`${rt.url}/v1/runs/${runId}/logs`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logs.stdout).toBe(await raw.text());
  });

  it('retry starts a new attempt of a failed run; logs --attempt reads an earlier one', async () => {
    const failing = await createJob(['sh', '-c', 'echo "attempt $KAIROS_ATTEMPT"; exit 3']);
    const failed = await startRun(failing);
    const ended = await waitForRun(failed);
    expect(ended.status).toBe('FAILED');
    const list = await kairos('runs', 'list', failing);
    expect(list.stdout).toMatch(/FAILED +1\/1 +\S+ +\S.*exit/);
    const retry = await kairos('runs', 'retry', failed);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toMatch(new RegExp(`^Retrying run ${failed} \\(\\w+\\)`));
    await waitForRun(failed, (run) => run.attempts.length === 2 && TERMINAL.includes(run.status));
    const get = await kairos('runs', 'get', failed);
    expect(get.stdout).toMatch(/^ {2}1 +FAILED /m);
    expect(get.stdout).toMatch(/^ {2}2 +FAILED /m);
    expect((await kairos('runs', 'logs', failed, '--attempt', '1')).stdout).toContain('attempt 1');
    expect((await kairos('runs', 'logs', failed)).stdout).toContain('attempt 2');
    const notFailed = await kairos('runs', 'retry', runId);
    expect(notFailed.code).toBe(1);
    expect(notFailed.stderr).toMatch(/^kairos: Conflict: .*only FAILED or TIMED_OUT runs can be retried/);
  });

  it('cancel stops a running run; cancelling an ended one is a 409, exit 1', async () => {
    const slow = await createJob(['sleep', '30']);
    const running = await startRun(slow);
    await waitForRun(running, (run) => run.status === 'RUNNING');
    const cancel = await kairos('runs', 'cancel', running);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toBe(`Cancelled run ${running}: CANCELLED\n`);
    const again = await kairos('runs', 'cancel', running, '-o', 'json');
    expect(again.code, again.stderr).toBe(0);
    expect(json(again.stdout)).toMatchObject({ runId: running, status: 'CANCELLED' });
    const ended = await kairos('runs', 'cancel', runId, '-o', 'json');
    expect(ended.code).toBe(1);
    expect(ended.stdout).toBe('');
    expect(ended.stderr).toMatch(/^kairos: Conflict: .* is SUCCEEDED/);
  });

  it("get shows a DAG run's tasks; logs --task prints one task's log", async () => {
    const dag = (
      await api('POST', '/v1/jobs', {
        name: 'dag',
        schedule: { type: 'cron', expression: '0 0 1 1 *' },
        tasks: [
          { id: 'extract', target: { type: 'command', command: ['sh', '-c', 'echo extracting'] } },
          { id: 'load', target: { type: 'command', command: ['true'] }, dependsOn: ['extract'] },
        ],
      })
    ).jobId;
    const run = await startRun(dag);
    await waitForRun(run);
    const human = await kairos('runs', 'get', run);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^ {2}TASK +STATUS +ATTEMPT +STARTED +DURATION +OUTPUT \/ ERROR$/m);
    expect(human.stdout).toMatch(/^ {2}extract +SUCCEEDED +1 /m);
    expect(human.stdout).toMatch(/^ {2}load +SUCCEEDED +1 /m);
    const taskLog = await kairos('runs', 'logs', run, '--task', 'extract');
    expect(taskLog.code, taskLog.stderr).toBe(0);
    expect(taskLog.stdout).toContain('extracting');
  });

  it('runs a local Lambda handler written in TypeScript (kairos local of the built CLI loads it)', async () => {
    const jobId = await createJob([], { target: { type: 'lambda', functionArn: 'kairos-greet' } });
    const run = await waitForRun(await startRun(jobId));
    expect(run.status, JSON.stringify(run.error)).toBe('SUCCEEDED');
  });

  it('errors: unknown run 404 (exit 1), bad flags and missing ids (exit 2)', async () => {
    const missing = await kairos('runs', 'get', 'run_nope');
    expect(missing).toMatchObject({ code: 1, stderr: "kairos: Not Found: No run with id 'run_nope'.\n" });
    for (const args of [
      ['runs', 'get'],
      ['runs', 'list', jobId, '--status', 'DONE'],
      ['runs', 'logs', runId, '--attempt', 'first'],
    ]) {
      const res = await kairos(...args);
      expect(res.code, args.join(' ')).toBe(2);
    }
  });
});

describe('kairos backfill', () => {
  const WINDOW = ['--from', '2025-11-01T00:00:00Z', '--to', '2025-11-01T06:00:00Z'];

  const hourly = (command: string[]) =>
    createJob(command, { schedule: { type: 'cron', expression: '0 * * * *' } });

  it('--dry-run prints the times and creates nothing', async () => {
    const jobId = await hourly(['true']);
    const human = await kairos('backfill', jobId, ...WINDOW, '--dry-run');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toBe(
      [
        'Dry run: 6 runs for 6 slots; nothing was created.',
        '  LOCAL (UTC)                  UTC',
        ...[0, 1, 2, 3, 4, 5].map((h) => `  Sat 2025-11-01 0${h}:00 +00:00  2025-11-01 0${h}:00:00Z`),
        '',
      ].join('\n'),
    );
    const machine = json((await kairos('backfill', jobId, ...WINDOW, '--dry-run', '-o', 'json')).stdout);
    expect(machine).toMatchObject({ backfillId: null, runs: 6, slots: 6, skipped: 0 });
    expect(machine.times).toHaveLength(6);
    expect((await api('GET', `/v1/jobs/${jobId}/runs`)).items).toEqual([]);
  });

  it('runs the window with a progress bar until every run ended, exit 0', async () => {
    const jobId = await hourly(['true']);
    const res = await kairos('backfill', jobId, ...WINDOW, '--max-concurrency', '3');
    expect(res.code, res.stderr).toBe(0);
    const id = /Backfill (bf_\w+): 6 runs for 6 slots/.exec(res.stdout)?.[1];
    expect(id, res.stdout).toBeDefined();
    expect(res.stdout).toContain(`Backfill ${id} completed: 6 runs (6 SUCCEEDED)`);
    // Not a terminal: one line per change of the numbers, the last one full.
    const bars = res.stderr.trimEnd().split('\n');
    expect(
      bars.every((line) => /^\[[#-]{30}\] {2}\d\/6 done/.test(line)),
      res.stderr,
    ).toBe(true);
    expect(bars.at(-1)).toBe(`[${'#'.repeat(30)}]  6/6 done  100%`);
    expect(res.stderr).not.toContain('\r');

    const again = await kairos('backfill', jobId, ...WINDOW, '-o', 'json');
    expect(again.code, again.stderr).toBe(0);
    expect(json(again.stdout)).toMatchObject({ status: 'COMPLETED', runs: 0, launched: 0, active: 0 });
  });

  it('exits 1 naming the runs when a run of the backfill failed', async () => {
    const jobId = await hourly(['false']);
    const res = await kairos(
      'backfill',
      jobId,
      '--from',
      '2025-11-01T00:00:00Z',
      '--to',
      '2025-11-01T02:00:00Z',
    );
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/completed: 2 runs \(2 FAILED\)/);
    expect(res.stderr).toMatch(
      /kairos: 2 of 2 runs of backfill bf_\w+ failed:\n {2}run_\w+ {2}2025-11-01 01:00:00Z {2}FAILED/,
    );
  });

  it('exits 1 when the backfill is cancelled while it waits', async () => {
    const jobId = await hourly(['sleep', '30']);
    const waiting = kairos('backfill', jobId, ...WINDOW);
    let backfillId: string | undefined;
    for (let i = 0; i < 100 && !backfillId; i++) {
      backfillId = (await api('GET', `/v1/jobs/${jobId}/runs`)).items.find(
        (r: any) => r.backfillId,
      )?.backfillId;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(backfillId).toBeDefined();
    await api('POST', `/v1/backfills/${backfillId}/cancel`);
    const res = await waiting;
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      new RegExp(`kairos: backfill ${backfillId} was cancelled after launching 1 of 6 runs\n$`),
    );
  });

  it('--no-wait returns at once with the accepted backfill', async () => {
    const jobId = await hourly(['true']);
    const res = await kairos('backfill', jobId, ...WINDOW, '--no-wait', '-o', 'json');
    expect(res.code, res.stderr).toBe(0);
    expect(json(res.stdout)).toEqual({
      backfillId: expect.stringMatching(/^bf_/),
      runs: 6,
      slots: 6,
      skipped: 0,
    });
    expect(res.stderr).toBe('');
  });

  it('a window the API refuses is exit 1 with its field errors; a malformed flag exit 2', async () => {
    const jobId = await hourly(['true']);
    const future = await kairos(
      'backfill',
      jobId,
      '--from',
      '2025-11-01T00:00:00Z',
      '--to',
      '2999-01-01T00:00:00Z',
    );
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(/^kairos: Bad Request: /);
    expect(future.stderr).toContain('  $.to: must not be in the future');
    const notInstant = await kairos('backfill', jobId, '--from', 'yesterday', '--to', '2025-11-01T00:00:00Z');
    expect(notInstant.code).toBe(2);
    expect(notInstant.stderr).toContain("--from 'yesterday' is not an instant");
    const noTo = await kairos('backfill', jobId, '--from', '2025-11-01T00:00:00Z');
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toContain('missing --to <instant>');
    const concurrency = await kairos('backfill', jobId, ...WINDOW, '--max-concurrency', '500');
    expect(concurrency.code).toBe(2);
    const unknown = await kairos('backfill', 'job_nope', ...WINDOW);
    expect(unknown).toMatchObject({ code: 1, stderr: "kairos: Not Found: No job with id 'job_nope'.\n" });
  });
});
