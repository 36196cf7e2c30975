import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedDynamo } from '../../../lambdas/local/embedded-dynamo.js';
import { createLocalQueue, ensureLocalQueueTable } from '../../../lambdas/local/local-queue.js';

const SCRIPT = resolve('test/integration/local-queue/fixtures/send-messages.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * Runs the sender in `dir` and SIGKILLs it as soon as `enough(acks, done)` holds; resolves with the ids it had
 * acknowledged by then.
 */
function sendThenKill(dir: string, count: string, enough: (acks: number, done: boolean) => boolean) {
  // tsx as a loader in this very process, not the tsx CLI: the CLI runs the script in a child node process, and
  // its SIGKILL cannot be relayed, so that child would live on with the store open (and its lock taken).
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, dir, count], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const acked: string[] = [];
  return new Promise<string[]>((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') done(acked);
      else fail(new Error(`sender exited by itself (code ${code}, signal ${signal})`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('ack ')) acked.push(line.slice(4));
      if (enough(acked.length, line === 'done')) child.kill('SIGKILL');
    });
  });
}

async function reopen(dir: string): Promise<string[]> {
  const dynamo = await startEmbeddedDynamo({ path: dir });
  try {
    const tableName = await ensureLocalQueueTable(dynamo.client, 'kairos-durable');
    const queue = createLocalQueue({ client: dynamo.client, tableName });
    return (await queue.list('dispatch-normal')).map((m) => m.id);
  } finally {
    await dynamo.close();
  }
}

describe('local queue durability', () => {
  it('keeps every sent message when the process is killed with SIGKILL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kairos-queue-'));
    dirs.push(dir);

    const acked = await sendThenKill(dir, '40', (_, done) => done);

    expect(acked).toHaveLength(40);
    expect((await reopen(dir)).sort()).toEqual([...acked].sort());
  });

  it('keeps every acknowledged message when the kill lands in the middle of sending', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kairos-queue-'));
    dirs.push(dir);

    const acked = await sendThenKill(dir, 'forever', (acks) => acks >= 25);

    const stored = new Set(await reopen(dir));
    expect(acked.length).toBeGreaterThanOrEqual(25);
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
  });
});
