import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoJobStore } from '../../../lambdas/adapters/aws/dynamo-job-store.js';
import {
  AlreadyExistsError,
  IllegalStateError,
  NotFoundError,
  VersionConflictError,
} from '../../../lambdas/core/errors.js';
import { definition, job, type StoreStack, startStoreStack } from './fixtures.js';

let stack: StoreStack;
beforeAll(async () => {
  stack = await startStoreStack();
});
afterAll(async () => {
  await stack?.dynamo.close();
});

describe('DynamoJobStore create/get', () => {
  it('stores a job and reads it back without index helper attributes', async () => {
    const record = job('create-1', { requestHash: 'abc' });

    await stack.jobs.create(record);

    expect(await stack.jobs.get('create-1')).toEqual(record);
    const raw = await stack.dynamo.client.send(
      new GetCommand({ TableName: 'kairos-test-Jobs', Key: { jobId: 'create-1' } }),
    );
    expect(raw.Item).toMatchObject({ listKey: 'JOB', createdKey: `${record.createdAt}#create-1` });
  });

  it('refuses a second create of the same id and keeps the first', async () => {
    await stack.jobs.create(job('create-2'));

    await expect(stack.jobs.create(job('create-2', { owner: 'mallory' }))).rejects.toBeInstanceOf(
      AlreadyExistsError,
    );
    expect((await stack.jobs.get('create-2'))?.owner).toBe('arn:aws:iam::123456789012:user/alice');
  });

  it('returns undefined for an unknown id', async () => {
    expect(await stack.jobs.get('nope')).toBeUndefined();
  });

  it('rethrows errors that are not lost conditions', async () => {
    const broken = createDynamoJobStore({
      client: stack.dynamo.client,
      tableName: 'no-such-table',
      cursorSecret: 's',
    });

    await expect(broken.get('x')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('DynamoJobStore update', () => {
  it('replaces the job when the version matches and bumps it', async () => {
    await stack.jobs.create(job('update-1'));
    const changed = job('update-1', {
      definition: definition({ team: 'ops' }),
      updatedAt: '2030-02-01T00:00:00.000Z',
    });

    const updated = await stack.jobs.update(changed, 1);

    expect(updated.version).toBe(2);
    expect(await stack.jobs.get('update-1')).toEqual({ ...changed, version: 2 });
  });

  it('reports the current version on a stale update', async () => {
    await stack.jobs.create(job('update-2'));
    await stack.jobs.update(job('update-2'), 1);

    const stale = stack.jobs.update(job('update-2'), 1);

    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    await expect(stale).rejects.toMatchObject({ expected: 1, actual: 2 });
  });

  it('reports a missing job as NotFoundError, without creating it', async () => {
    await expect(stack.jobs.update(job('update-missing'), 1)).rejects.toBeInstanceOf(NotFoundError);
    expect(await stack.jobs.get('update-missing')).toBeUndefined();
  });

  it('lets exactly one of two concurrent updates with the same expected version win', async () => {
    for (let round = 0; round < 5; round++) {
      const jobId = `race-${round}`;
      await stack.jobs.create(job(jobId));

      const results = await Promise.allSettled([
        stack.jobs.update(job(jobId, { owner: 'a' }), 1),
        stack.jobs.update(job(jobId, { owner: 'b' }), 1),
      ]);

      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(VersionConflictError);
      const stored = await stack.jobs.get(jobId);
      expect(stored?.version).toBe(2);
      expect(stored?.owner).toBe((won[0] as PromiseFulfilledResult<{ owner?: string }>).value.owner);
    }
  });
});

describe('DynamoJobStore setStatus', () => {
  it('pauses an active job, bumping version and updatedAt', async () => {
    await stack.jobs.create(job('status-1'));

    const paused = await stack.jobs.setStatus('status-1', ['ACTIVE'], 'PAUSED', '2030-03-01T00:00:00.000Z');

    expect(paused).toEqual({
      ...job('status-1'),
      status: 'PAUSED',
      version: 2,
      updatedAt: '2030-03-01T00:00:00.000Z',
    });
    expect(await stack.jobs.get('status-1')).toEqual(paused);
  });

  it('refuses to pause a deleted job, naming the current status and the change', async () => {
    await stack.jobs.create(job('status-2', { status: 'DELETED' }));

    const change = stack.jobs.setStatus('status-2', ['ACTIVE'], 'PAUSED', '2030-03-01T00:00:00.000Z');

    await expect(change).rejects.toBeInstanceOf(IllegalStateError);
    await expect(change).rejects.toThrow(/DELETED.*PAUSED/);
    expect((await stack.jobs.get('status-2'))?.version).toBe(1);
  });

  it('reports an unknown job as NotFoundError, without creating it', async () => {
    await expect(stack.jobs.setStatus('status-missing', ['ACTIVE'], 'PAUSED', 'now')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(stack.jobs.setStatus('status-missing', [], 'PAUSED', 'now')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await stack.jobs.get('status-missing')).toBeUndefined();
  });

  it('treats an empty `from` as "no status qualifies"', async () => {
    await stack.jobs.create(job('status-3'));

    await expect(stack.jobs.setStatus('status-3', [], 'PAUSED', 'now')).rejects.toBeInstanceOf(
      IllegalStateError,
    );
  });
});
