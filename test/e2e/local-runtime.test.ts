import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnKairos, stopKairos } from './support/kairos-process.js';
import { jobBody } from './support/local-api.js';

const run = promisify(execFile);
const KAIROS = ['node_modules/.bin/tsx', 'bin/kairos.ts'];
const home = mkdtempSync(join(tmpdir(), 'kairos-cli-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('kairos local (npm start) and kairos token', () => {
  it('prints an admin token, shuts down cleanly and keeps every job across restarts', async () => {
    const first = await spawnKairos(home);
    const admin = readFileSync(join(home, 'token'), 'utf8').trim();
    expect(first.output()).toContain(admin);
    const auth = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    const created = await fetch(`${first.url}/v1/jobs`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(jobBody()),
    });
    expect(created.status).toBe(201);
    const { jobId } = (await created.json()) as { jobId: string };
    expect(await stopKairos(first.child, 'SIGTERM')).toBe(0);

    const second = await spawnKairos(home);
    const got = await fetch(`${second.url}/v1/jobs/${jobId}`, { headers: auth });
    expect(got.status).toBe(200);
    expect(((await got.json()) as { name: string }).name).toBe('nightly-report');

    const { stdout } = await run(KAIROS[0], [
      KAIROS[1],
      'token',
      'create',
      '--role',
      'viewer',
      '--home',
      home,
    ]);
    const viewer = stdout.trim();
    const list = await fetch(`${second.url}/v1/jobs`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(list.status).toBe(200);
    const denied = await fetch(`${second.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' },
      body: JSON.stringify(jobBody()),
    });
    expect(denied.status).toBe(403);
    expect(await stopKairos(second.child, 'SIGINT')).toBe(0);
  });

  it('exits 2 with usage for a bad command or role', async () => {
    await expect(
      run(KAIROS[0], [KAIROS[1], 'token', 'create', '--role', 'root', '--home', home]),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--role must be one of viewer, operator, admin'),
    });
    await expect(run(KAIROS[0], [KAIROS[1], 'frobnicate'])).rejects.toMatchObject({ code: 2 });
  });
});
