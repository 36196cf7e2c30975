import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRuntime, freePort, runCli, startCliRuntime, startCliServer } from './support/kairos-cli.js';

/**
 * `kairos local` and the `jobs` and `token` commands of the built CLI, each as a child process, against one
 * local runtime that the built CLI started too.
 */
const dir = mkdtempSync(join(tmpdir(), 'kairos-cli-jobs-'));
let rt: CliRuntime;
beforeAll(async () => {
  rt = await startCliRuntime(join(dir, 'home'));
});
afterAll(async () => {
  await rt?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const kairos = (...args: string[]) => runCli(args, { env: rt.env });
const json = (text: string) => JSON.parse(text);

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const JOB_YAML = `# YAML, comments and all
name: nightly-report
schedule:
  type: cron
  expression: "0 2 * * *"
  timezone: Europe/Berlin
target:
  type: command
  command: ["sh", "-c", "echo payload=$KAIROS_PAYLOAD"]
payload: { report: sales }
tags:
  team: data
`;

const jobJson = (name: string, tags: Record<string, string> = {}) =>
  JSON.stringify({
    name,
    schedule: { type: 'rate', every: '1 hour' },
    target: { type: 'command', command: ['true'] },
    tags,
  });

/** The job as the API has it, read with the admin token from the runtime's home. */
async function apiGet(path: string) {
  const token = readFileSync(join(rt.home, 'token'), 'utf8').trim();
  const res = await fetch(`${rt.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return res.json();
}

describe('kairos local, token create and help', () => {
  it('starts the runtime, printing its URL and the admin token it saved', () => {
    expect(rt.output()).toContain('Created an admin token');
    const token = readFileSync(join(rt.home, 'token'), 'utf8').trim();
    expect(rt.output()).toContain(`export KAIROS_TOKEN=${token}`);
  });

  it('prints a dashboard sign-in link carrying the token in the fragment, and the page it opens is served', async () => {
    const token = readFileSync(join(rt.home, 'token'), 'utf8').trim();
    const link = /Dashboard: (\S+)/.exec(rt.output())?.[1];
    expect(link).toBe(`${rt.url}/#token=${token}`);
    const page = await fetch(link as string); // fetch drops the fragment, as a browser does
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<meta name="kairos-config"');
  });

  it('token create adds a token of the role that the running runtime accepts at once', async () => {
    const made = await kairos('token', 'create', '--role', 'viewer', '--home', rt.home);
    expect(made.code, made.stderr).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^kairos_[\w-]+$/);
    const list = await runCli(['jobs', 'list'], { env: { KAIROS_PORT: rt.port, KAIROS_TOKEN: token } });
    expect(list.code, list.stderr).toBe(0);
    const asJson = await kairos('token', 'create', '--role', 'operator', '--home', rt.home, '-o', 'json');
    expect(json(asJson.stdout)).toEqual({ token: expect.stringMatching(/^kairos_/), role: 'operator' });
    const bad = await kairos('token', 'create', '--role', 'root', '--home', rt.home);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--role must be one of viewer, operator, admin');
  });

  it('prints the command list, a group and a command usage, exit 0', async () => {
    const top = await kairos('--help');
    expect(top.code).toBe(0);
    for (const name of [
      'local',
      'jobs list',
      'runs logs',
      'backfill',
      'preview',
      'dag compile',
      'token create',
    ])
      expect(top.stdout).toContain(`  ${name} `);
    const group = await kairos('jobs', '--help');
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('jobs pause');
    const one = await kairos('jobs', 'list', '--help');
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Usage: kairos jobs list');
    expect(one.stdout).toContain('--endpoint <url>');
  });
});

describe('kairos jobs', () => {
  let jobId: string;

  it('create -f job.yaml prints the job with its schedule in words; -o json prints the API body', async () => {
    const human = await kairos('jobs', 'create', '-f', file('job.yaml', JOB_YAML));
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Created job job_\w+ \(nightly-report\), version 1$/m);
    expect(human.stdout).toMatch(/^Schedule: +At 02:00 every day, Europe\/Berlin$/m);
    jobId = /job_\w+/.exec(human.stdout)![0];

    const machine = await kairos(
      'jobs',
      'create',
      '-f',
      file('job2.json', jobJson('hourly-a', { team: 'web' })),
      '-o',
      'json',
    );
    expect(machine.code, machine.stderr).toBe(0);
    const body = json(machine.stdout);
    expect(body).toMatchObject({ name: 'hourly-a', status: 'ACTIVE', version: 1, tags: { team: 'web' } });
    // Exactly the API's body, pretty-printed with two spaces.
    expect(machine.stdout).toBe(`${JSON.stringify(body, null, 2)}\n`);
  });

  it('create reads stdin with -f -, and a repeated idempotency key returns the first job', async () => {
    const first = await runCli(['jobs', 'create', '-f', '-', '--idempotency-key', 'k-1', '-o', 'json'], {
      env: rt.env,
      input: jobJson('from-stdin'),
    });
    expect(first.code, first.stderr).toBe(0);
    const again = await runCli(['jobs', 'create', '-f', '-', '--idempotency-key', 'k-1'], {
      env: rt.env,
      input: jobJson('from-stdin'),
    });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Already created job ${json(first.stdout).jobId} (from-stdin), version 1`);
  });

  it('create with a bad definition exits 1 with the problem and every field error', async () => {
    const bad = file(
      'bad.yaml',
      JOB_YAML.replace('0 2 * * *', '61 2 * * *').replace('Europe/Berlin', 'Mars/Base'),
    );
    const res = await kairos('jobs', 'create', '-f', bad);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^kairos: Bad Request: /);
    expect(res.stderr).toContain('  $.schedule.expression: ');
    expect(res.stderr).toContain('  $.schedule.timezone: ');
  });

  it('create with an unreadable or malformed file is a usage error (exit 2)', async () => {
    const missing = await kairos('jobs', 'create', '-f', join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    const broken = await kairos('jobs', 'create', '-f', file('broken.json', '{ "name": '));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not valid JSON');
    const noFile = await kairos('jobs', 'create');
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('missing -f <file>');
    expect(noFile.stderr).toContain('Usage: kairos jobs create');
  });

  it('list shows a table with the schedule in words; filters by tag and status; pages with --all', async () => {
    const table = await kairos('jobs', 'list');
    expect(table.code, table.stderr).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header.split(/ {2,}/)).toEqual(['NAME', 'ID', 'SCHEDULE', 'STATUS', 'NEXT RUN', 'TAGS']);
    const row = rows.find((r) => r.includes(jobId))!;
    expect(row.split(/ {2,}/)).toEqual([
      'nightly-report',
      jobId,
      'At 02:00 every day, Europe/Berlin',
      'ACTIVE',
      expect.stringMatching(/^\d{4}-\d\d-\d\d 0[01]:00:00Z$/),
      'team:data',
    ]);

    const byTag = json((await kairos('jobs', 'list', '--tag', 'team:data', '-o', 'json')).stdout);
    expect(byTag.items.map((j: any) => j.jobId)).toEqual([jobId]);

    const firstPage = await kairos('jobs', 'list', '--limit', '1');
    expect(firstPage.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(firstPage.stderr).toContain('More jobs: --all lists every page.');
    const all = json((await kairos('jobs', 'list', '--limit', '1', '--all', '-o', 'json')).stdout);
    expect(all.nextCursor).toBeNull();
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    expect(all).toEqual(await apiGet('/v1/jobs?limit=100'));
  });

  it('get shows the summary and the definition; -o json is the API body', async () => {
    const human = await kairos('jobs', 'get', jobId);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Name: +nightly-report$/m);
    expect(human.stdout).toMatch(/^Schedule: +At 02:00 every day, Europe\/Berlin$/m);
    expect(human.stdout).toContain('Definition:\n  name: nightly-report\n  schedule:\n    type: cron');
    const machine = await kairos('jobs', 'get', jobId, '--output', 'json');
    expect(json(machine.stdout)).toEqual(await apiGet(`/v1/jobs/${jobId}`));
  });

  it('update -f patch --if-match changes the job; a stale version is a 409, exit 1', async () => {
    const patch = file('patch.yaml', 'tags:\n  team: ops\n');
    const ok = await kairos('jobs', 'update', jobId, '-f', patch, '--if-match', '1');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Updated job \S+ \(nightly-report\), version 2$/m);
    const stale = await kairos('jobs', 'update', jobId, '-f', patch, '--if-match', '1');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('kairos: Conflict: Expected version 1 but the current version is 2.');
    const badFlag = await kairos('jobs', 'update', jobId, '-f', patch, '--if-match', 'v2');
    expect(badFlag.code).toBe(2);
  });

  it('pause and resume change the status; run starts a run with the given payload', async () => {
    const paused = await kairos('jobs', 'pause', jobId);
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(/^Status: +PAUSED$/m);
    expect(paused.stdout).toMatch(/^Next run: +-$/m);
    const resumed = json((await kairos('jobs', 'resume', jobId, '-o', 'json')).stdout);
    expect(resumed).toMatchObject({ status: 'ACTIVE', nextRunAt: expect.any(String) });

    const run = await kairos('jobs', 'run', jobId, '--payload', '{"report":"ad hoc"}');
    expect(run.code, run.stderr).toBe(0);
    const runId = /Started run (run_\w+) \(QUEUED\)/.exec(run.stdout)?.[1];
    expect(runId, run.stdout).toBeDefined();
    const fromFile = await kairos(
      'jobs',
      'run',
      jobId,
      '--payload-file',
      file('p.json', '{"n":1}'),
      '-o',
      'json',
    );
    expect(json(fromFile.stdout)).toMatchObject({ jobId, trigger: 'manual' });
    const both = await kairos('jobs', 'run', jobId, '--payload', '{}', '--payload-file', 'p.json');
    expect(both.code).toBe(2);
    const notJson = await kairos('jobs', 'run', jobId, '--payload', '{nope');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('--payload is not valid JSON');
  });

  it('delete stops the job; it is then listed only with --status DELETED', async () => {
    const gone = await kairos('jobs', 'delete', jobId, '--cancel-running');
    expect(gone.code, gone.stderr).toBe(0);
    expect(gone.stdout).toMatch(/^Status: +DELETED$/m);
    expect((await kairos('jobs', 'list')).stdout).not.toContain(jobId);
    expect((await kairos('jobs', 'list', '--status', 'deleted')).stdout).toContain(jobId);
  });
});

describe('kairos dashboard without an endpoint', () => {
  it('fronts the local runtime, adding its token to the calls the page makes', async () => {
    const proxy = await startCliServer(
      ['dashboard', '--port', '0'],
      /(http:\/\/127\.0\.0\.1:\d+\/[\w-]+\/)/,
      rt.env,
    );
    try {
      const base = proxy.ready[1];
      expect(proxy.output()).toContain(`Kairos dashboard for ${rt.url}: ${base}`);
      const res = await fetch(new URL('v1/jobs?status=ACTIVE,PAUSED,DELETED&limit=100', base));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(await apiGet('/v1/jobs?status=ACTIVE,PAUSED,DELETED&limit=100'));
    } finally {
      await proxy.stop();
    }
  });
});

describe('kairos jobs: errors and exit codes', () => {
  it('an unknown id exits 1 with the 404 detail', async () => {
    const res = await kairos('jobs', 'get', 'job_doesnotexist');
    expect(res).toMatchObject({ code: 1, stdout: '' });
    expect(res.stderr).toBe("kairos: Not Found: No job with id 'job_doesnotexist'.\n");
  });

  it('a role without the right exits 1 with the 403 detail; a bad token with the 401 one', async () => {
    const viewer = (await kairos('token', 'create', '--role', 'viewer', '--home', rt.home)).stdout.trim();
    const asViewer = { KAIROS_PORT: rt.port, KAIROS_TOKEN: viewer };
    const denied = await runCli(['jobs', 'create', '-f', file('v.json', jobJson('v'))], { env: asViewer });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain(
      "kairos: Forbidden: This route needs the 'admin' role; the caller has 'viewer'.",
    );
    const bad = await runCli(['jobs', 'list'], {
      env: { KAIROS_PORT: rt.port, KAIROS_TOKEN: 'kairos_wrong' },
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^kairos: Unauthorized: /);
  });

  it('no runtime listening: exit 1 saying to start kairos local', async () => {
    const port = await freePort();
    const res = await runCli(['jobs', 'list'], { env: { KAIROS_PORT: String(port), KAIROS_HOME: rt.home } });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`kairos: cannot reach http://127.0.0.1:${port} — is \`kairos local\` running?\n`);
  });

  it('usage errors exit 2 with the usage of the command meant', async () => {
    const cases: [string[], string][] = [
      [['jobs', 'get'], 'missing <jobId>'],
      [['jobs', 'get', 'a', 'b'], "unexpected argument 'b'"],
      [['jobs', 'frobnicate'], "unknown jobs command 'frobnicate'"],
      [['jobs'], "'jobs' needs a command"],
      [['explode'], "unknown command 'explode'"],
      [['jobs', 'list', '--bogus'], "Unknown option '--bogus'"],
      [['jobs', 'list', '--limit', '0'], '--limit must be a whole number from 1 to 100'],
      [['jobs', 'list', '--status', 'SLEEPING'], '--status must be one of ACTIVE, PAUSED, DELETED'],
      [['jobs', 'list', '--tag', 'nocolon'], '--tag must be key:value'],
      [['jobs', 'list', '--output', 'yaml'], '--output must be table or json'],
      [['--endpoint', 'not a url', 'jobs', 'list'], '--endpoint must be a URL'],
    ];
    // Independent of each other: run side by side.
    const results = await Promise.all(cases.map(([args]) => kairos(...args)));
    for (const [i, [args, message]] of cases.entries()) {
      const res = results[i];
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr, args.join(' ')).toContain(message);
      expect(res.stderr, args.join(' ')).toContain('Usage: kairos');
      expect(res.stdout).toBe('');
    }
  });

  it('global flags may come before the command', async () => {
    const res = await kairos('--output', 'json', 'jobs', 'list', '--limit', '1');
    expect(res.code, res.stderr).toBe(0);
    expect(json(res.stdout).items).toHaveLength(1);
    expect(existsSync(join(rt.home, 'token'))).toBe(true);
  });
});
