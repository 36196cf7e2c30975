/**
 * The deployed latch on DynamoDB (dynalite) with Step Functions mocked: whichever of "dep ended" and "waiter
 * registered" comes last releases the waiter, in every order, one after another and all at once.
 */
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDagLatchStore } from '../../../lambdas/adapters/aws/dynamo-dag-latch-store.js';
import { createSfnTaskTokens } from '../../../lambdas/adapters/aws/sfn-task-tokens.js';
import type { LatchRelease, LatchRequest } from '../../../lambdas/core/dag/latch-contract.js';
import type { TaskState } from '../../../lambdas/core/run.js';
import { ensureTables } from '../../../lambdas/local/embedded-dynamo.js';
import { createLatchService, type LatchService } from '../../../lambdas/services/dag/latch.js';
import { run, type StoreStack, startStoreStack } from '../store/fixtures.js';

const sfn = new SFNClient({ region: 'us-east-1' });
const sfnMock = mockClient(sfn);

let stack: StoreStack;
let runsTable: string;
let latch: LatchService;
/** Outputs the latch stored (in S3 on AWS), by key. */
const stored = new Map<string, string>();
/** Tokens resumed, in order; a token already resumed is refused like Step Functions does (InvalidToken). */
let released: { token: string; output: LatchRelease }[];

beforeAll(async () => {
  stack = await startStoreStack();
  runsTable = (await ensureTables(stack.dynamo.client, 'kairos-test')).Runs;
  latch = createLatchService({
    store: createDynamoDagLatchStore({ client: stack.dynamo.client, tableName: runsTable }),
    tokens: createSfnTaskTokens(sfn),
    clock: { now: () => new Date('2030-01-01T00:00:10.000Z') },
    artifacts: {
      async putTaskFile(ref, file, body) {
        const key = `runs/${ref.runId}/${ref.attempt}/tasks/${ref.taskId}/${file}`;
        stored.set(key, body);
        return { uri: `s3://artifacts/${key}`, key, bytes: body.length };
      },
    },
  });
});
afterAll(async () => {
  await stack.dynamo.close();
});
beforeEach(() => {
  released = [];
  sfnMock.reset();
  sfnMock.on(SendTaskSuccessCommand).callsFake((input: { taskToken: string; output: string }) => {
    if (released.some((r) => r.token === input.taskToken)) {
      throw Object.assign(new Error('Invalid token'), { name: 'InvalidToken' });
    }
    released.push({ token: input.taskToken, output: JSON.parse(input.output) as LatchRelease });
    return {};
  });
});

const pending: TaskState = { status: 'PENDING', attempt: 0 };
let seq = 0;

/** A RUNNING DAG run at `attempt` with tasks a, b, c, d PENDING, as an attempt's start leaves it. */
async function dagRun(attempt = 1): Promise<string> {
  const runId = `run_latch${seq++}`;
  await stack.runs.create(
    run(runId, 'job1', {
      status: 'RUNNING',
      attempt,
      tasks: { a: pending, b: pending, c: pending, d: pending },
    }),
  );
  return runId;
}

const ended = (runId: string, taskId: string, end: Extract<LatchRequest, { op: 'ended' }>['end']) =>
  ({ op: 'ended', runId, taskId, end }) as const;

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** d waits on a (SUCCEEDED), b (FAILED) and c (SKIPPED). */
function events(runId: string): { name: string; request: LatchRequest }[] {
  return [
    { name: 'a', request: ended(runId, 'a', { status: 'SUCCEEDED' }) },
    { name: 'b', request: ended(runId, 'b', { Error: 'Boom', Cause: 'it broke' }) },
    { name: 'c', request: ended(runId, 'c', { status: 'SKIPPED' }) },
    {
      name: 'wait',
      request: { op: 'wait', runId, taskId: 'd', deps: ['a', 'b', 'c'], token: `tok-${runId}` },
    },
  ];
}

const expectedRelease: LatchRelease = {
  statuses: ['SUCCEEDED', 'FAILED', 'SKIPPED'],
  ok: [true, false, true],
  tasks: [
    { status: 'SUCCEEDED', ok: true, output: null, outputRef: null },
    { status: 'FAILED', ok: false, output: null, outputRef: null },
    { status: 'SKIPPED', ok: true, output: null, outputRef: null },
  ],
};

async function item(runId: string): Promise<Record<string, unknown>> {
  const got = await stack.dynamo.client.send(
    new GetCommand({ TableName: runsTable, Key: { runId }, ConsistentRead: true }),
  );
  return got.Item!;
}

describe('deployed latch on DynamoDB', () => {
  const orders = permutations(['a', 'b', 'c', 'wait']);

  it.each(orders.map((o) => [o.join(' → '), o]))('releases once, at the last event: %s', async (_, order) => {
    const runId = await dagRun();
    const byName = new Map(events(runId).map((e) => [e.name, e.request]));
    for (const [i, name] of (order as string[]).entries()) {
      await latch.handle(byName.get(name)!);
      // Nothing is released before every dep has ended and the waiter is registered.
      expect(released.length).toBe(i === 3 ? 1 : 0);
    }
    expect(released).toEqual([{ token: `tok-${runId}`, output: expectedRelease }]);
    expect(Object.keys(await item(runId)).filter((k) => k.startsWith('latch.waiters.'))).toEqual([]);
  });

  it.each(orders.map((o) => [o.join(' | '), o]))('releases when all arrive at once: %s', async (_, order) => {
    const runId = await dagRun();
    const byName = new Map(events(runId).map((e) => [e.name, e.request]));
    // A duplicate release (two calls both saw the last write) is refused as InvalidToken and ignored.
    await Promise.all((order as string[]).map((name) => latch.handle(byName.get(name)!)));
    expect(released).toEqual([{ token: `tok-${runId}`, output: expectedRelease }]);
  });

  it('writes the live task state: RUNNING with its start, then the end beside it', async () => {
    const runId = await dagRun();
    await latch.handle({ op: 'started', runId, taskId: 'b' });
    const answer = await latch.handle(ended(runId, 'b', { Error: 'States.Timeout', Cause: 'too slow' }));
    await latch.handle(ended(runId, 'c', { status: 'UPSTREAM_FAILED' }));
    expect(answer).toEqual({ status: 'TIMED_OUT', ok: false, output: null, outputRef: null });
    const got = await stack.runs.get(runId);
    expect(got?.tasks).toEqual({
      a: pending,
      b: {
        status: 'TIMED_OUT',
        attempt: 1,
        startedAt: '2030-01-01T00:00:10.000Z',
        endedAt: '2030-01-01T00:00:10.000Z',
        error: { type: 'States.Timeout', message: 'too slow' },
      },
      c: { status: 'UPSTREAM_FAILED', attempt: 0, endedAt: '2030-01-01T00:00:10.000Z' },
      d: pending,
    });
    // The latch's bookkeeping stays out of the run as the API reads it.
    expect(Object.keys(got!).filter((k) => k.startsWith('latch'))).toEqual([]);
  });

  it('a retry (execution <runId>-a2) ignores what attempt 1 recorded', async () => {
    const runId = await dagRun(2);
    const stale = events(runId).slice(0, 3);
    // Attempt 1's execution writing late: refused, the run is at attempt 2.
    for (const e of stale) await latch.handle(e.request);
    await latch.handle({ op: 'wait', runId: `${runId}-a2`, taskId: 'd', deps: ['a'], token: 't2' });
    expect(released).toEqual([]);
    await latch.handle(ended(`${runId}-a2`, 'a', { status: 'SUCCEEDED' }));
    const a = { status: 'SUCCEEDED', ok: true, output: null, outputRef: null } as const;
    expect(released).toEqual([{ token: 't2', output: { statuses: ['SUCCEEDED'], ok: [true], tasks: [a] } }]);
    expect((await stack.runs.get(runId))?.tasks?.a?.status).toBe('SUCCEEDED');
  });

  it('a task without an entry (a retry on an older version) gets a whole one', async () => {
    const runId = `run_latch${seq++}`;
    await stack.runs.create(run(runId, 'job1', { status: 'RUNNING', attempt: 1, tasks: {} }));
    await latch.handle(ended(runId, 'x', { status: 'SKIPPED' }));
    expect((await stack.runs.get(runId))?.tasks).toEqual({
      x: { status: 'SKIPPED', attempt: 0, endedAt: '2030-01-01T00:00:10.000Z' },
    });
  });

  it('passes a small output inline and stores a large one, the waiter and the run getting its pointer', async () => {
    const runId = await dagRun();
    const small = { rows: 3 };
    const large = { rows: 'x'.repeat(5000) };
    const answerA = await latch.handle(ended(runId, 'a', { status: 'SUCCEEDED', output: small }));
    const answerB = await latch.handle(ended(runId, 'b', { status: 'SUCCEEDED', output: large }));
    await latch.handle({ op: 'wait', runId, taskId: 'd', deps: ['a', 'b'], token: `tok-${runId}` });
    const key = `runs/${runId}/1/tasks/b/output.json`;
    const ref = { uri: `s3://artifacts/${key}`, key, bytes: JSON.stringify(large).length };
    expect(answerA).toEqual({ status: 'SUCCEEDED', ok: true, output: small, outputRef: null });
    expect(answerB).toEqual({ status: 'SUCCEEDED', ok: true, output: null, outputRef: ref });
    expect(JSON.parse(stored.get(key)!)).toEqual(large);
    expect(released[0].output.tasks).toEqual([answerA, answerB]);
    const tasks = (await stack.runs.get(runId))?.tasks;
    expect(tasks?.a).toMatchObject({ status: 'SUCCEEDED', output: small });
    expect(tasks?.b).toMatchObject({ status: 'SUCCEEDED', outputRef: ref });
    expect(tasks?.b).not.toHaveProperty('output');
  });
});
