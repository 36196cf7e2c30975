import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalQueue } from '../../../lambdas/local/local-queue.js';
import {
  createLocalDeadLetters,
  createLocalDispatchQueue,
  createLocalQueue,
  DEAD_LETTERS_QUEUE,
  listDeadLetters,
} from '../../../lambdas/local/local-queue.js';
import { type ManualClock, manualClock, type QueueStack, startQueueStack } from './fixtures.js';

let stack: QueueStack;
let clock: ManualClock;
let queue: LocalQueue;
let n = 0;
/** A queue name no other test uses, so tests share one dynalite without seeing each other's messages. */
const fresh = () => `q${++n}`;

beforeAll(async () => {
  clock = manualClock();
  stack = await startQueueStack({ clock });
  queue = stack.queue;
});
afterAll(async () => {
  await stack?.dynamo.close();
});

const receive = (name: string, max = 10, visibilityTimeoutSeconds = 30) =>
  queue.receive(name, { max, visibilityTimeoutSeconds });

describe('local queue', () => {
  it('hands a message out once and deletes it with its receipt', async () => {
    const name = fresh();
    const id = await queue.send(name, 'hello');

    const [message] = await receive(name);
    expect(message).toMatchObject({ id, body: 'hello', receiveCount: 1 });
    expect(await receive(name)).toEqual([]);
    expect(await queue.delete(name, message!.receipt)).toBe(true);

    expect(await queue.list(name)).toEqual([]);
  });

  it('keeps a delayed message hidden until its delay has passed', async () => {
    const name = fresh();
    await queue.send(name, 'later', 30);

    expect(await receive(name)).toEqual([]);
    clock.advance(29_999);
    expect(await receive(name)).toEqual([]);
    clock.advance(1);
    expect((await receive(name)).map((m) => m.body)).toEqual(['later']);
  });

  it('delivers again after the visibility timeout, and only the new receiver may delete', async () => {
    const name = fresh();
    await queue.send(name, 'retry me');
    const [first] = await receive(name, 1, 10);

    clock.advance(9_999);
    expect(await receive(name)).toEqual([]);
    clock.advance(1);
    const [second] = await receive(name, 1, 10);

    expect(second).toMatchObject({ id: first!.id, receiveCount: 2 });
    expect(second!.receipt).not.toBe(first!.receipt);
    expect(await queue.delete(name, first!.receipt)).toBe(false);
    expect(await queue.changeVisibility(name, first!.receipt, 0)).toBe(false);
    expect(await queue.delete(name, second!.receipt)).toBe(true);
    expect(await queue.delete(name, second!.receipt)).toBe(false);
  });

  it('makes a message visible again at once with a zero visibility change', async () => {
    const name = fresh();
    await queue.send(name, 'x');
    const [message] = await receive(name);

    expect(await queue.changeVisibility(name, message!.receipt, 0)).toBe(true);

    expect((await receive(name)).map((m) => m.receiveCount)).toEqual([2]);
  });

  it('never gives one message to two concurrent receivers', async () => {
    const name = fresh();
    await queue.sendMany(Array.from({ length: 60 }, (_, i) => ({ queue: name, body: `m${i}` })));
    // A second queue object on the same table: consumers share nothing but the store.
    const other = createLocalQueue({ client: stack.dynamo.client, tableName: stack.tableName, clock });

    const consume = async (q: LocalQueue) => {
      const got: string[] = [];
      for (let batch = await q.receive(name, { max: 7, visibilityTimeoutSeconds: 60 }); batch.length > 0; ) {
        got.push(...batch.map((m) => m.body));
        batch = await q.receive(name, { max: 7, visibilityTimeoutSeconds: 60 });
      }
      return got;
    };
    const results = await Promise.all([queue, other, queue, other, queue, other].map(consume));

    const all = results.flat();
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
    expect(results.filter((r) => r.length > 0).length).toBeGreaterThan(1);
  });

  it('moves a message received more than maxReceiveCount times to the dead-letter queue', async () => {
    const name = fresh();
    const dlq = fresh();
    await queue.send(name, 'doomed');
    const options = {
      max: 1,
      visibilityTimeoutSeconds: 1,
      redrive: { deadLetterQueue: dlq, maxReceiveCount: 2 },
    };

    expect((await queue.receive(name, options)).map((m) => m.receiveCount)).toEqual([1]);
    clock.advance(1000);
    expect((await queue.receive(name, options)).map((m) => m.receiveCount)).toEqual([2]);
    clock.advance(1000);
    expect(await queue.receive(name, options)).toEqual([]);

    expect(await queue.list(name)).toEqual([]);
    const [record] = await listDeadLetters(queue, [dlq]);
    expect(record).toMatchObject({
      body: 'doomed',
      source: name,
      receiveCount: 3,
      reason: 'received 2 times (maxReceiveCount 2)',
      queue: dlq,
    });
  });

  it('dead-letters a received message on request, but not with a stale receipt', async () => {
    const name = fresh();
    const dlq = fresh();
    await queue.send(name, 'bad');
    const [stale] = await receive(name, 1, 1);
    clock.advance(1000);
    const [current] = await receive(name, 1, 30);

    expect(await queue.deadLetter(name, stale!.receipt, dlq, 'stale')).toBe(false);
    expect(await queue.list(dlq)).toEqual([]);
    expect(await queue.deadLetter(name, current!.receipt, dlq, 'handler failed')).toBe(true);

    expect(await queue.list(name)).toEqual([]);
    expect((await listDeadLetters(queue, [dlq])).map((r) => [r.reason, r.body])).toEqual([
      ['handler failed', 'bad'],
    ]);
  });
});

describe('local dispatch queue and dead letters', () => {
  it('puts each message on its lane queue with its delay', async () => {
    const dispatch = createLocalDispatchQueue(queue);

    await dispatch.sendBatch([
      { lane: 'high', message: { kind: 'start', runId: 'run_h', attempt: 1 }, delaySeconds: 0 },
      { lane: 'low', message: { kind: 'timeout', runId: 'run_l', attempt: 2 }, delaySeconds: 5 },
    ]);

    expect((await receive('dispatch-high')).map((m) => JSON.parse(m.body))).toEqual([
      { kind: 'start', runId: 'run_h', attempt: 1 },
    ]);
    expect(await receive('dispatch-low')).toEqual([]);
    clock.advance(5000);
    expect((await receive('dispatch-low')).map((m) => JSON.parse(m.body).runId)).toEqual(['run_l']);
  });

  it('records dead letters that listDeadLetters reads back', async () => {
    await createLocalDeadLetters(queue, clock).record({
      reason: 'attempts exhausted',
      body: { kind: 'start', runId: 'run_9', attempt: 3 },
      runId: 'run_9',
      jobId: 'job_9',
    });

    const records = await listDeadLetters(queue);
    expect(records.filter((r) => r.queue === DEAD_LETTERS_QUEUE)).toEqual([
      {
        reason: 'attempts exhausted',
        body: { kind: 'start', runId: 'run_9', attempt: 3 },
        runId: 'run_9',
        jobId: 'job_9',
        recordedAt: clock.now().toISOString(),
        queue: DEAD_LETTERS_QUEUE,
        id: expect.any(String),
      },
    ]);
  });
});
