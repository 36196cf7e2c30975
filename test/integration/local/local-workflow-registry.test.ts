import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalWorkflowRegistry } from '../../../lambdas/adapters/local/local-workflow-registry.js';

const home = mkdtempSync(join(tmpdir(), 'kairos-workflows-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const def = (n: number) =>
  JSON.stringify({ Comment: `v${n}`, StartAt: 'A', States: { A: { Type: 'Succeed' } } });

describe('local workflow registry', () => {
  it('publishes one immutable definition per job version, readable by its version ARN', async () => {
    const registry = createLocalWorkflowRegistry({ home });
    const v1 = await registry.publish('job_a', 1, def(1));
    const v2 = await registry.publish('job_a', 2, def(2));
    expect(v1).toBe('arn:aws:states:local:000000000000:stateMachine:Kairos-local_job_a:1');
    expect(await registry.definitionOf(v1)).toBe(def(1));
    expect(await registry.definitionOf(v2)).toBe(def(2));
    // Publishing version 1 again (a retry) keeps what was published; no temporary file is left behind.
    expect(await registry.publish('job_a', 1, def(99))).toBe(v1);
    expect(await registry.definitionOf(v1)).toBe(def(1));
    expect(readdirSync(join(home, 'workflows', 'Kairos-local_job_a')).sort()).toEqual(['1.json', '2.json']);
  });

  it('survives a reopen, forgets a removed job, and refuses ARNs it did not make', async () => {
    const v1 = await createLocalWorkflowRegistry({ home }).publish('job_b', 1, def(1));
    const reopened = createLocalWorkflowRegistry({ home });
    expect(await reopened.definitionOf(v1)).toBe(def(1));
    await reopened.remove('job_b');
    await expect(reopened.definitionOf(v1)).rejects.toThrow();
    await expect(reopened.definitionOf('arn:aws:states:eu-central-1:1:stateMachine:x:1')).rejects.toThrow(
      'Not a local state machine version ARN',
    );
  });
});
