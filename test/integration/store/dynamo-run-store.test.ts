import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  IllegalStateError,
  NotFoundError,
  ValidationError,
} from '../../../lambdas/core/errors.js';
import type { RunRecord } from '../../../lambdas/core/run.js';
import type { RunStatus } from '../../../lambdas/core/run-states.js';
import { createCursorCodec } from '../../../lambdas/store/cursor.js';
import { run, type StoreStack, startStoreStack } from './fixtures.js';

let stack: StoreStack;
beforeAll(async () => {
  stack = await startStoreStack();
});
afterAll(async () => {
  await stack?.dynamo.close();
});

describe('DynamoRunStore create/get', () => {
  it('stores a run once and reads it back', async () => {
    const record = run('run-1', 'job-a', { error: { type: 'Timeout', message: 'slow', retryable: true } });

    await stack.runs.create(record);

    expect(await stack.runs.get('run-1')).toEqual(record);
    await expect(stack.runs.create(run('run-1', 'job-a'))).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(await stack.runs.get('missing')).toBeUndefined();
  });
});

describe('DynamoRunStore transition', () => {
  it('changes status and sets the given attributes in one write', async () => {
    await stack.runs.create(run('t-1', 'job-t'));
    const attempts = [{ attempt: 1, status: 'RUNNING' as const, startedAt: '2030-01-01T00:00:01.000Z' }];

    const running = await stack.runs.transition({
      runId: 't-1',
      from: ['QUEUED'],
      to: 'RUNNING',
      expectedAttempt: 1,
      set: { startedAt: '2030-01-01T00:00:01.000Z', attempts },
    });

    expect(running).toEqual({
      ...run('t-1', 'job-t'),
      status: 'RUNNING',
      startedAt: '2030-01-01T00:00:01.000Z',
      attempts,
    });
    expect(await stack.runs.get('t-1')).toEqual(running);
  });

  it('removes attributes given as undefined', async () => {
    await stack.runs.create(run('t-2', 'job-t', { status: 'FAILED', error: { type: 'E', message: 'boom' } }));

    const requeued = await stack.runs.transition({
      runId: 't-2',
      from: ['FAILED'],
      to: 'QUEUED',
      set: { error: undefined, attempt: 2 },
    });

    expect(requeued.error).toBeUndefined();
    expect(requeued).toMatchObject({ status: 'QUEUED', attempt: 2 });
    expect(await stack.runs.get('t-2')).toEqual(requeued);
  });

  it('refuses a change from another status, naming the current status and attempt', async () => {
    await stack.runs.create(run('t-3', 'job-t', { status: 'SUCCEEDED' }));

    const change = stack.runs.transition({ runId: 't-3', from: ['RUNNING'], to: 'FAILED' });

    await expect(change).rejects.toBeInstanceOf(IllegalStateError);
    await expect(change).rejects.toThrow(/SUCCEEDED \(attempt 1\).*FAILED/);
  });

  it('refuses a stale attempt even when the status matches', async () => {
    await stack.runs.create(run('t-4', 'job-t', { status: 'RUNNING', attempt: 2 }));

    const stale = stack.runs.transition({
      runId: 't-4',
      from: ['RUNNING'],
      to: 'SUCCEEDED',
      expectedAttempt: 1,
    });

    await expect(stale).rejects.toBeInstanceOf(IllegalStateError);
    await expect(stale).rejects.toThrow(/attempt 2.*at attempt 1/);
    expect((await stack.runs.get('t-4'))?.status).toBe('RUNNING');
  });

  it('reports an unknown run as NotFoundError, without creating it', async () => {
    await expect(
      stack.runs.transition({ runId: 'ghost', from: ['QUEUED'], to: 'RUNNING' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(stack.runs.transition({ runId: 'ghost', from: [], to: 'RUNNING' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await stack.runs.get('ghost')).toBeUndefined();
  });

  it('lets exactly one of two concurrent QUEUED → RUNNING transitions win', async () => {
    for (let round = 0; round < 5; round++) {
      const runId = `race-${round}`;
      await stack.runs.create(run(runId, 'job-race'));
      const start = (worker: string) =>
        stack.runs.transition({
          runId,
          from: ['QUEUED'],
          to: 'RUNNING',
          expectedAttempt: 1,
          set: { queuedAt: worker },
        });

      const results = await Promise.allSettled([start('a'), start('b')]);

      const won = results.filter((r): r is PromiseFulfilledResult<RunRecord> => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(IllegalStateError);
      expect((await stack.runs.get(runId))?.queuedAt).toBe(won[0]?.value.queuedAt);
    }
  });

  it('keeps the history position in step with a new scheduledFor', async () => {
    await stack.runs.create(run('moved', 'job-move', { status: 'SCHEDULED' }, 0));
    await stack.runs.create(run('stays', 'job-move', { status: 'SCHEDULED' }, 5));

    await stack.runs.transition({
      runId: 'moved',
      from: ['SCHEDULED'],
      to: 'QUEUED',
      set: { scheduledFor: '2030-01-01T00:10:00.000Z' },
    });

    expect((await stack.runs.latestForJob('job-move'))?.runId).toBe('moved');
  });
});

describe('DynamoRunStore listByJob', () => {
  const statuses: RunStatus[] = ['SUCCEEDED', 'FAILED', 'SUCCEEDED', 'SKIPPED', 'RUNNING'];
  const history: RunRecord[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 23; i++) {
      history.push(
        run(`h-${String(i).padStart(2, '0')}`, 'job-h', { status: statuses[i % statuses.length]! }, i),
      );
    }
    await Promise.all([...history, run('other-1', 'job-other', {}, 99)].map((r) => stack.runs.create(r)));
  });

  async function listAll(filter: RunStatus[] | undefined, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await stack.runs.listByJob({ jobId: 'job-h', statuses: filter, limit, cursor });
      ids.push(...page.items.map((r) => r.runId));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return ids;
  }

  it.each([
    [undefined, 5],
    [undefined, 23],
    [['FAILED', 'SKIPPED'] as RunStatus[], 2],
    [['RUNNING'] as RunStatus[], 10],
    [['CANCELLED'] as RunStatus[], 3],
  ])('pages newest first (statuses %j, limit %i) with no duplicates or misses', async (filter, limit) => {
    const expected = history
      .filter((r) => filter === undefined || filter.includes(r.status))
      .map((r) => r.runId)
      .reverse();

    expect(await listAll(filter, limit)).toEqual(expected);
  });

  it('returns the newest run as the latest, and nothing for a job without runs', async () => {
    expect((await stack.runs.latestForJob('job-h'))?.runId).toBe('h-22');
    expect(await stack.runs.latestForJob('job-none')).toBeUndefined();
  });

  it('refuses a cursor of another job or a forged one', async () => {
    const { nextCursor } = await stack.runs.listByJob({ jobId: 'job-h', limit: 2 });
    const forged = createCursorCodec('guessed').encode({ runId: 'h-01', jobId: 'job-h', scheduledKey: 'x' });

    for (const cursor of [nextCursor!, forged, 'garbage']) {
      const jobId = cursor === nextCursor ? 'job-other' : 'job-h';
      const error = await stack.runs.listByJob({ jobId, limit: 2, cursor }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems[0]?.path).toBe('query.cursor');
    }
  });
});

describe('DynamoRunStore setTaskState', () => {
  const pending = { status: 'PENDING', attempt: 0 };

  it('writes each task of the running attempt on its own, so simultaneous ends all land', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `task_${i}`);
    await stack.runs.create(
      run('dag-1', 'job-dag', {
        status: 'RUNNING',
        attempt: 1,
        tasks: Object.fromEntries(ids.map((id) => [id, pending])),
      }),
    );
    const ended = (id: string) => ({
      status: 'SUCCEEDED',
      attempt: 1,
      startedAt: '2030-01-01T00:00:01.000Z',
      endedAt: `2030-01-01T00:00:0${id.length % 10}.000Z`,
    });
    const written = await Promise.all(ids.map((id) => stack.runs.setTaskState('dag-1', 1, id, ended(id))));
    expect(written.every(Boolean)).toBe(true);
    const stored = await stack.runs.get('dag-1');
    expect(stored?.tasks).toEqual(Object.fromEntries(ids.map((id) => [id, ended(id)])));
    expect(stored?.status).toBe('RUNNING');
  });

  it('refuses a stale attempt, a run that ended otherwise than cancelled and a run without tasks', async () => {
    await stack.runs.create(
      run('dag-2', 'job-dag', { status: 'RUNNING', attempt: 2, tasks: { a: pending } }),
    );
    const failed = { status: 'FAILED', attempt: 3, error: { type: 'Boom', message: 'no' } };
    expect(await stack.runs.setTaskState('dag-2', 1, 'a', failed)).toBe(false);
    await stack.runs.create(
      run('dag-3', 'job-dag', { status: 'TIMED_OUT', attempt: 1, tasks: { a: pending } }),
    );
    expect(await stack.runs.setTaskState('dag-3', 1, 'a', failed)).toBe(false);
    // A cancelled run takes its tasks' last states.
    await stack.runs.create(
      run('dag-5', 'job-dag', { status: 'CANCELLED', attempt: 1, tasks: { a: pending } }),
    );
    const cancelled = { status: 'CANCELLED', attempt: 1 };
    expect(await stack.runs.setTaskState('dag-5', 1, 'a', cancelled)).toBe(true);
    expect((await stack.runs.get('dag-5'))?.tasks).toEqual({ a: cancelled });
    await stack.runs.create(run('dag-4', 'job-dag', { status: 'RUNNING', attempt: 1 }));
    expect(await stack.runs.setTaskState('dag-4', 1, 'a', failed)).toBe(false);
    expect((await stack.runs.get('dag-2'))?.tasks).toEqual({ a: pending });
  });
});
