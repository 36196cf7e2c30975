import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lane } from '../../../lambdas/core/messages.js';
import { DISPATCH_DLQ, laneQueue, listDeadLetters } from '../../../lambdas/local/local-queue.js';
import {
  startQueueWorker,
  startWatcherLoop,
  type WorkerMessage,
} from '../../../lambdas/local/queue-worker.js';
import { type QueueStack, startQueueStack } from './fixtures.js';

let stack: QueueStack;
const stops: (() => Promise<void>)[] = [];

// One dynalite per test: the worker polls fixed lane queues, so tests must not see each other's messages.
beforeEach(async () => {
  stack = await startQueueStack();
});
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  await stack.dynamo.close();
});

const body = (runId: string, attempt = 1) => JSON.stringify({ kind: 'start', runId, attempt });
const runIdOf = (message: WorkerMessage) => JSON.parse(message.body).runId as string;

/** Resolves when `check` holds, polling; fails the test after `timeoutMs`. */
async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function start(options: Omit<Parameters<typeof startQueueWorker>[0], 'queue'>) {
  const errors: unknown[] = [];
  const worker = startQueueWorker({
    queue: stack.queue,
    pollMs: 20,
    onError: (e) => errors.push(e),
    ...options,
  });
  stops.push(() => worker.stop());
  return { worker, errors };
}

describe('queue worker', () => {
  it('drains the high lane before normal and low', async () => {
    const lanes: Lane[] = ['low', 'normal', 'high'];
    await stack.queue.sendMany(
      lanes.flatMap((lane) => [1, 2, 3].map((i) => ({ queue: laneQueue(lane), body: body(`${lane}-${i}`) }))),
    );
    const order: Lane[] = [];

    start({
      concurrency: 1,
      handle: async (message) => {
        order.push(message.lane);
      },
    });

    await eventually(() => order.length === 9);
    expect(order).toEqual(['high', 'high', 'high', 'normal', 'normal', 'normal', 'low', 'low', 'low']);
    // The last handler has returned; its message is deleted right after.
    await eventually(async () => (await stack.queue.list(laneQueue('low'))).length === 0);
  });

  it('sends a poison body to the DLQ with the reason while healthy messages are processed', async () => {
    await stack.queue.send(laneQueue('normal'), '{not json');
    await stack.queue.send(laneQueue('normal'), JSON.stringify({ kind: 'start', runId: '' }));
    await stack.queue.sendMany([1, 2, 3].map((i) => ({ queue: laneQueue('normal'), body: body(`ok-${i}`) })));
    const handled: string[] = [];

    start({
      handle: async (message) => {
        handled.push(runIdOf(message));
      },
    });

    await eventually(async () => handled.length === 3 && (await listDeadLetters(stack.queue)).length === 2);
    expect(handled.sort()).toEqual(['ok-1', 'ok-2', 'ok-3']);
    const reasons = (await listDeadLetters(stack.queue)).map((r) => [
      r.queue,
      r.source,
      r.receiveCount,
      r.reason,
    ]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        [
          DISPATCH_DLQ,
          'dispatch-normal',
          1,
          expect.stringMatching(/^Unparseable message: \$ message body is not JSON/),
        ],
        [DISPATCH_DLQ, 'dispatch-normal', 1, expect.stringMatching(/^Invalid dispatch message: .*runId/)],
      ]),
    );
  });

  it('redelivers a failed message after the visibility timeout and dead-letters it after maxReceiveCount', async () => {
    await stack.queue.send(laneQueue('high'), body('flaky'));
    const receives: number[] = [];

    const { errors } = start({
      visibilityTimeoutSeconds: 1,
      maxReceiveCount: 2,
      handle: async (message) => {
        receives.push(message.receiveCount);
        throw new Error(`target refused (receive ${message.receiveCount})`);
      },
    });

    await eventually(async () => (await listDeadLetters(stack.queue)).length === 1);
    expect(receives).toEqual([1, 2]);
    expect(errors).toHaveLength(2);
    const [record] = await listDeadLetters(stack.queue);
    expect(record).toMatchObject({
      queue: DISPATCH_DLQ,
      reason: 'Error: target refused (receive 2)',
      body: body('flaky'),
      receiveCount: 2,
    });
    // Dead-lettering copies the message first and then deletes it from its lane.
    await eventually(async () => (await stack.queue.list(laneQueue('high'))).length === 0);
  });

  it('runs up to `concurrency` handlers at once and stop() waits for them', async () => {
    await stack.queue.sendMany(
      [1, 2, 3, 4, 5].map((i) => ({ queue: laneQueue('normal'), body: body(`c-${i}`) })),
    );
    let running = 0;
    let peak = 0;
    const finished: string[] = [];
    const { worker } = start({
      concurrency: 3,
      handle: async (message) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 150));
        running--;
        finished.push(runIdOf(message));
      },
    });

    await eventually(() => running === 3);
    await worker.stop();

    expect(peak).toBe(3);
    expect(running).toBe(0);
    expect(finished).toHaveLength(3);
    // The two never started stay queued for the next start.
    expect(await stack.queue.list(laneQueue('normal'))).toHaveLength(2);
  });

  it('keeps a message hidden while a handler outlives the visibility timeout', async () => {
    await stack.queue.send(laneQueue('low'), body('slow'));
    let calls = 0;

    const { worker } = start({
      concurrency: 2,
      visibilityTimeoutSeconds: 1,
      handle: async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 1600));
      },
    });

    await eventually(() => calls === 1);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    await worker.stop();
    expect(calls).toBe(1);
    expect(await stack.queue.list(laneQueue('low'))).toEqual([]);
  });
});

describe('watcher loop', () => {
  it('ticks right away and on every interval until stopped, and reports failures', async () => {
    let ticks = 0;
    const errors: unknown[] = [];
    const loop = startWatcherLoop({
      intervalMs: 20,
      onError: (e) => errors.push(e),
      watcher: {
        async tick() {
          ticks++;
          if (ticks === 2) throw new Error('bucket unreadable');
          return { moved: 0 };
        },
      },
    });

    await eventually(() => ticks >= 4);
    await loop.stop();
    const stoppedAt = ticks;
    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(ticks).toBe(stoppedAt);
    expect(errors.map((e) => (e as Error).message)).toEqual(['bucket unreadable']);
  });
});
