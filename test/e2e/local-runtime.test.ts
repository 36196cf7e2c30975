import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { jobBody } from './support/local-api.js';

const run = promisify(execFile);
const KAIROS = ['node_modules/.bin/tsx', 'bin/kairos.ts'];
const home = mkdtempSync(join(tmpdir(), 'kairos-cli-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Starts `kairos local` as `npm start` does and resolves with its URL once it is serving. */
function startKairos(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(KAIROS[0], [KAIROS[1], 'local', '--port', '0', '--home', home], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kairos local did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Kairos (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`kairos local exited with ${code}:\n${output}`)));
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

describe('kairos local (npm start) and kairos token', () => {
  it('prints an admin token, shuts down cleanly and keeps every job across restarts', async () => {
    const first = await startKairos();
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
    expect(await stop(first.child, 'SIGTERM')).toBe(0);

    const second = await startKairos();
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
    expect(await stop(second.child, 'SIGINT')).toBe(0);
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
