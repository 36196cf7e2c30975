/**
 * The listing indexes hold keys only (`lambdas/store/tables.ts`): updates that keep the index keys leave the
 * index alone, and listings read the items by key and filter them in code, over as many pages as it takes.
 */
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../lambdas/core/run.js';
import type { RunStatus } from '../../../lambdas/core/run-states.js';
import { JOBS_LIST_PARTITION } from '../../../lambdas/store/tables.js';
import { job, run, type StoreStack, startStoreStack } from './fixtures.js';

const RUNS = 'kairos-test-Runs';
const JOBS = 'kairos-test-Jobs';

let stack: StoreStack;
beforeAll(async () => {
  stack = await startStoreStack();
});
afterAll(async () => {
  await stack?.dynamo.close();
});

/** The raw `byJob` entries of a job, newest first, exactly as the index holds them. */
async function byJobEntries(jobId: string): Promise<Record<string, unknown>[]> {
  const page = await stack.dynamo.client.send(
    new QueryCommand({
      TableName: RUNS,
      IndexName: 'byJob',
      KeyConditionExpression: 'jobId = :jobId',
      ExpressionAttributeValues: { ':jobId': jobId },
      ScanIndexForward: false,
    }),
  );
  return page.Items ?? [];
}

async function listAllRuns(jobId: string, statuses: RunStatus[] | undefined, limit: number) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await stack.runs.listByJob({ jobId, statuses, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor !== undefined) expect(page.items).toHaveLength(limit);
    ids.push(...page.items.map((r) => r.runId));
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined);
  return { ids, pages };
}

describe('keys-only byJob index', () => {
  it('holds only the keys, and a run update changes neither the entries nor the history order', async () => {
    for (let i = 0; i < 3; i++) await stack.runs.create(run(`u-${i}`, 'job-u', {}, i));
    const before = await byJobEntries('job-u');
    expect(before.map((e) => Object.keys(e).sort())).toEqual(
      Array(3).fill(['jobId', 'runId', 'scheduledKey']),
    );

    // The life of the oldest run: claim, lease renewals, completion.
    await stack.runs.transition({
      runId: 'u-0',
      from: ['QUEUED'],
      to: 'RUNNING',
      expectedAttempt: 1,
      set: { startedAt: '2030-01-01T00:00:01.000Z', leaseUntil: 1 },
    });
    for (const leaseUntil of [2, 3]) {
      await stack.runs.transition({ runId: 'u-0', from: ['RUNNING'], to: 'RUNNING', set: { leaseUntil } });
    }
    await stack.runs.transition({
      runId: 'u-0',
      from: ['RUNNING'],
      to: 'SUCCEEDED',
      set: { endedAt: '2030-01-01T00:00:02.000Z', leaseUntil: undefined },
    });

    expect(await byJobEntries('job-u')).toEqual(before);
    const { items } = await stack.runs.listByJob({ jobId: 'job-u', limit: 10 });
    expect(items.map((r) => [r.runId, r.status])).toEqual([
      ['u-2', 'QUEUED'],
      ['u-1', 'QUEUED'],
      ['u-0', 'SUCCEEDED'],
    ]);
    expect(items[2]).toMatchObject({ endedAt: '2030-01-01T00:00:02.000Z' });
    expect(items[2]?.leaseUntil).toBeUndefined();
    expect((await stack.runs.latestForJob('job-u'))?.runId).toBe('u-2');
  });

  it('skips a run that is gone from the table, and stops at its index end', async () => {
    for (let i = 0; i < 4; i++) await stack.runs.create(run(`d-${i}`, 'job-d', {}, i));
    await stack.dynamo.client.send(new DeleteCommand({ TableName: RUNS, Key: { runId: 'd-3' } }));

    expect((await stack.runs.latestForJob('job-d'))?.runId).toBe('d-2');
    expect((await listAllRuns('job-d', undefined, 2)).ids).toEqual(['d-2', 'd-1', 'd-0']);
  });
});

describe('keys-only listings over many pages', () => {
  const history: RunRecord[] = [];
  // 230 runs: more than one BatchGetItem (100 keys) and several filtered query pages (50 keys) each.
  const statusOf = (i: number): RunStatus =>
    i % 37 === 5 ? 'FAILED' : i % 3 === 0 ? 'RUNNING' : 'SUCCEEDED';

  beforeAll(async () => {
    for (let i = 0; i < 230; i++) {
      history.push(run(`m-${String(i).padStart(3, '0')}`, 'job-m', { status: statusOf(i) }, i));
    }
    for (let i = 0; i < history.length; i += 25) {
      await Promise.all(history.slice(i, i + 25).map((r) => stack.runs.create(r)));
    }
  });

  const expected = (statuses: RunStatus[] | undefined) =>
    history
      .filter((r) => statuses === undefined || statuses.includes(r.status))
      .map((r) => r.runId)
      .reverse();

  it.each([
    [undefined, 150],
    [undefined, 230],
    [undefined, 7],
    [['FAILED'] as RunStatus[], 1],
    [['FAILED'] as RunStatus[], 2],
    [['FAILED', 'RUNNING'] as RunStatus[], 101],
    [['RUNNING'] as RunStatus[], 9],
    [['CANCELLED'] as RunStatus[], 5],
  ])('pages through statuses %j, limit %i, with no duplicates or misses', async (statuses, limit) => {
    const want = expected(statuses);

    const { ids, pages } = await listAllRuns('job-m', statuses, limit);

    expect(ids).toEqual(want);
    expect(pages).toBe(Math.max(1, Math.ceil(want.length / limit)));
  });

  it('applies a status change made between pages to the next page', async () => {
    const first = await stack.runs.listByJob({ jobId: 'job-m', statuses: ['FAILED'], limit: 2 });
    expect(first.items.map((r) => r.runId)).toEqual(expected(['FAILED']).slice(0, 2));
    const third = expected(['FAILED'])[2]!;
    await stack.runs.transition({ runId: third, from: ['FAILED'], to: 'QUEUED', set: { attempt: 2 } });

    const second = await stack.runs.listByJob({
      jobId: 'job-m',
      statuses: ['FAILED'],
      limit: 2,
      cursor: first.nextCursor,
    });

    expect(second.items.map((r) => r.runId)).toEqual(expected(['FAILED']).slice(3, 5));
    await stack.runs.transition({ runId: third, from: ['QUEUED'], to: 'RUNNING' });
    await stack.runs.transition({ runId: third, from: ['RUNNING'], to: 'FAILED', set: { attempt: 1 } });
  });
});

describe('keys-only byCreated index', () => {
  it('lists jobs by a sparse tag over many pages, and a status change leaves the index entry alone', async () => {
    const jobs = Array.from({ length: 120 }, (_, i) =>
      job(
        `k-${String(i).padStart(3, '0')}`,
        {
          status: i % 4 === 0 ? 'PAUSED' : 'ACTIVE',
          definition: {
            ...job('x').definition,
            tags: i % 19 === 0 ? { 'cost centre.#1': 'rare', team: 'k' } : { team: 'k' },
          },
        },
        1000 + i,
      ),
    );
    for (let i = 0; i < jobs.length; i += 25) {
      await Promise.all(jobs.slice(i, i + 25).map((j) => stack.jobs.create(j)));
    }
    const entries = async () =>
      (
        await stack.dynamo.client.send(
          new QueryCommand({
            TableName: JOBS,
            IndexName: 'byCreated',
            KeyConditionExpression: 'listKey = :list',
            ExpressionAttributeValues: { ':list': JOBS_LIST_PARTITION },
            ScanIndexForward: false,
          }),
        )
      ).Items ?? [];
    const before = await entries();
    expect(Object.keys(before[0]!).sort()).toEqual(['createdKey', 'jobId', 'listKey']);

    await stack.jobs.setStatus('k-019', ['ACTIVE'], 'PAUSED', '2031-01-01T00:00:00.000Z');
    expect(await entries()).toEqual(before);

    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await stack.jobs.list({
        statuses: ['PAUSED'],
        tag: { key: 'cost centre.#1', value: 'rare' },
        limit: 2,
        cursor,
      });
      ids.push(...page.items.map((j) => j.jobId));
      cursor = page.nextCursor;
    } while (cursor !== undefined);

    expect(ids).toEqual(['k-076', 'k-019', 'k-000']);
  });
});
