import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/local-api.js';

const run = promisify(execFile);

/** The shell block that follows the `walkthrough` marker in the README. */
function walkthrough(): string {
  const readme = readFileSync('README.md', 'utf8');
  const match = /<!-- walkthrough:[^\n]*-->\n```sh\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README has no walkthrough block');
  return match[1];
}

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('README walk-through', () => {
  it('works as written against the local runtime', async () => {
    // The block reads `.kairos/token` from the working directory and talks to port 8787; point both at the
    // test runtime, whose home directory is `<tmp>/.kairos`-like, without changing anything else.
    const script = walkthrough()
      .replaceAll('http://127.0.0.1:8787', api.runtime.url)
      .replace('.kairos/token', `${api.home}/token`);
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { cwd: dirname(api.home) });
    expect(stdout).toMatch(/^\{"status":"ok"/);
    const jobId = /created (job_[0-9a-z]{20})/.exec(stdout)?.[1];
    expect(jobId).toBeDefined();
    expect(stdout).toContain(
      '"times":["2027-03-26T01:00:00.000Z","2027-03-27T01:00:00.000Z","2027-03-29T00:00:00.000Z"',
    );
    expect(stdout).toContain('"expression":"30 6 * * MON-FRI"');
    expect(stdout).toContain('"status":"PAUSED"');
    expect(stdout).toContain('"status":"DELETED"');
    expect(stdout).toContain('hello from kairos');
    expect(stdout).toMatch(/"trigger":"schedule","status":"SUCCEEDED"/);
    expect(stdout).toContain('"path":"$.target.url"');
    expect(stdout).toContain('"path":"$.schedule.expression"');
  });
});
