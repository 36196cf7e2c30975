import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import type { JobRecord, JobStatus } from '../../../lambdas/core/job.js';
import type { JobListQuery } from '../../../lambdas/ports.js';
import { createCursorCodec } from '../../../lambdas/store/cursor.js';
import { definition, job, type StoreStack, startStoreStack } from './fixtures.js';

const TAG_KEY = 'team.name #1: x';
let stack: StoreStack;
const all: JobRecord[] = [];

beforeAll(async () => {
  stack = await startStoreStack();
  for (let i = 0; i < 57; i++) {
    const status: JobStatus = i % 7 === 0 ? 'DELETED' : i % 3 === 0 ? 'PAUSED' : 'ACTIVE';
    const tags: Record<string, string> = i % 5 === 0 ? { [TAG_KEY]: 'blue', team: 'data' } : { team: 'data' };
    // Jobs 40..44 share one creation time: the id must break the tie consistently.
    const index = i >= 40 && i < 45 ? 40 : i;
    all.push(job(`job-${String(i).padStart(2, '0')}`, { status, definition: definition(tags) }, index));
  }
  await Promise.all(all.map((j) => stack.jobs.create(j)));
});
afterAll(async () => {
  await stack?.dynamo.close();
});

function newestFirst(jobs: JobRecord[]): string[] {
  return jobs
    .map((j) => `${j.createdAt}#${j.jobId}`)
    .sort()
    .reverse()
    .map((key) => key.slice(key.indexOf('#') + 1));
}

async function listAll(query: Omit<JobListQuery, 'cursor'>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await stack.jobs.list({ ...query, cursor });
    expect(page.items.length).toBeLessThanOrEqual(query.limit);
    if (page.nextCursor !== undefined) expect(page.items).toHaveLength(query.limit);
    ids.push(...page.items.map((j) => j.jobId));
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined);
  return { ids, pages };
}

const tagged = (j: JobRecord) =>
  (j.definition.tags as Record<string, string> | undefined)?.[TAG_KEY] === 'blue';

describe('DynamoJobStore list', () => {
  const cases: [string, Omit<JobListQuery, 'cursor'>, (j: JobRecord) => boolean][] = [
    ['every status', { statuses: ['ACTIVE', 'PAUSED', 'DELETED'], limit: 10 }, () => true],
    ['active only', { statuses: ['ACTIVE'], limit: 10 }, (j) => j.status === 'ACTIVE'],
    ['not deleted, limit 1', { statuses: ['ACTIVE', 'PAUSED'], limit: 1 }, (j) => j.status !== 'DELETED'],
    [
      'sparse tag filter',
      { statuses: ['ACTIVE', 'PAUSED', 'DELETED'], tag: { key: TAG_KEY, value: 'blue' }, limit: 10 },
      tagged,
    ],
    [
      'status and tag',
      { statuses: ['PAUSED'], tag: { key: TAG_KEY, value: 'blue' }, limit: 2 },
      (j) => j.status === 'PAUSED' && tagged(j),
    ],
    ['a limit equal to the matches', { statuses: ['DELETED'], limit: 9 }, (j) => j.status === 'DELETED'],
    [
      'nothing matches',
      { statuses: ['ACTIVE'], tag: { key: 'team', value: 'nobody' }, limit: 10 },
      () => false,
    ],
  ];

  it.each(cases)(
    'pages through %s newest first with no duplicates or misses',
    async (_name, query, matches) => {
      const expected = newestFirst(all.filter(matches));

      const { ids, pages } = await listAll(query);

      expect(ids).toEqual(expected);
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / query.limit)));
    },
  );

  it('returns an empty page for an empty status list', async () => {
    expect(await stack.jobs.list({ statuses: [], limit: 10 })).toEqual({ items: [] });
  });

  it('resumes after the last returned job even when that job changed in between', async () => {
    const first = await stack.jobs.list({ statuses: ['ACTIVE'], limit: 3 });
    const last = first.items.at(-1)!;
    await stack.jobs.setStatus(last.jobId, ['ACTIVE'], 'PAUSED', '2031-01-01T00:00:00.000Z');

    const second = await stack.jobs.list({ statuses: ['ACTIVE'], limit: 3, cursor: first.nextCursor });

    const expected = newestFirst(all.filter((j) => j.status === 'ACTIVE'));
    expect(second.items.map((j) => j.jobId)).toEqual(expected.slice(3, 6));
    await stack.jobs.setStatus(last.jobId, ['PAUSED'], 'ACTIVE', '2031-01-01T00:00:00.000Z');
  });

  it('refuses a limit below 1', async () => {
    await expect(stack.jobs.list({ statuses: ['ACTIVE'], limit: 0 })).rejects.toMatchObject({
      problems: [{ path: 'query.limit' }],
    });
  });
});

describe('DynamoJobStore list cursors', () => {
  const expectCursorError = async (cursor: string) => {
    const error = await stack.jobs.list({ statuses: ['ACTIVE'], limit: 5, cursor }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems[0]?.path).toBe('query.cursor');
  };

  it('refuses a cursor signed with another secret', async () => {
    const forged = createCursorCodec('guessed').encode({
      jobId: 'job-01',
      listKey: 'JOB',
      createdKey: 'x#job-01',
    });

    await expectCursorError(forged);
  });

  it('refuses a validly signed cursor of another listing', async () => {
    const codec = createCursorCodec('integration-test-secret');

    await expectCursorError(codec.encode({ runId: 'r', jobId: 'j', scheduledKey: 's' }));
    await expectCursorError(codec.encode({ jobId: 'j', listKey: 'OTHER', createdKey: 's' }));
  });

  it('refuses arbitrary strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (garbage) => {
        await expectCursorError(garbage);
      }),
      { numRuns: 50 },
    );
  });

  it('refuses any mutation of a real cursor', async () => {
    const { nextCursor } = await stack.jobs.list({ statuses: ['ACTIVE'], limit: 5 });
    const cursor = nextCursor!;

    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: cursor.length - 1 }),
        fc.string({ maxLength: 2 }),
        async (at, insert) => {
          const mutated = cursor.slice(0, at) + insert + cursor.slice(at + 1);
          fc.pre(mutated !== cursor);
          await expectCursorError(mutated);
        },
      ),
      { numRuns: 100 },
    );
  });
});
