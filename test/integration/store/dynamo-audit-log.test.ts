import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoAuditLog, seqOf, shardOf } from '../../../lambdas/adapters/aws/dynamo-audit-log.js';
import type { AuditRecord } from '../../../lambdas/core/audit.js';
import { AlreadyExistsError, ValidationError } from '../../../lambdas/core/errors.js';
import {
  type EmbeddedDynamo,
  ensureTables,
  startEmbeddedDynamo,
} from '../../../lambdas/local/embedded-dynamo.js';
import type { AuditLog, Page } from '../../../lambdas/ports.js';
import { CURSOR_SECRET } from './fixtures.js';

let dynamo: EmbeddedDynamo;
let tableName: string;
let log: AuditLog;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo({ port: 0 });
  tableName = (await ensureTables(dynamo.client, 'kairos-test')).Audit;
  log = createDynamoAuditLog({ client: dynamo.client, tableName, cursorSecret: CURSOR_SECRET });
});
afterAll(async () => {
  await dynamo?.close();
});

const BASE = Date.UTC(2030, 0, 1);

/** A record `second` seconds after 2030-01-01. */
function record(auditId: string, second: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    auditId,
    at: new Date(BASE + second * 1000).toISOString(),
    principal: 'arn:aws:iam::123456789012:user/alice',
    role: 'admin',
    action: 'pauseJob',
    method: 'POST',
    path: '/v1/jobs/job-a/pause',
    requestId: `req-${auditId}`,
    jobId: 'job-a',
    beforeVersion: 1,
    afterVersion: 2,
    status: 200,
    expiresAt: 1_925_000_000,
    ...overrides,
  };
}

/** Every page of a listing, following `nextCursor`. */
async function allPages(query: Parameters<AuditLog['list']>[0]): Promise<Page<AuditRecord>[]> {
  const pages: Page<AuditRecord>[] = [];
  let cursor: string | undefined;
  do {
    const page = await log.list({ ...query, cursor });
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return pages;
}

describe('DynamoDB audit log: append', () => {
  it('stores a record once, with its timeline keys and TTL, and never overwrites it', async () => {
    const first = record('aud_append', 1);

    await log.append(first);

    const { Item } = await dynamo.client.send(
      new GetCommand({ TableName: tableName, Key: { shard: shardOf('aud_append'), seq: seqOf(first) } }),
    );
    expect(Item).toEqual({ ...first, shard: shardOf('aud_append'), seq: `${first.at}#aud_append` });
    await expect(log.append({ ...first, principal: 'mallory' })).rejects.toBeInstanceOf(AlreadyExistsError);
    const page = await log.list({ jobId: 'job-a', limit: 10 });
    expect(page.items).toContainEqual(first);
    expect(page.items.filter((r) => r.auditId === 'aud_append')).toHaveLength(1);
  });

  it('spreads records over the four timeline shards by id', () => {
    const shards = new Set(Array.from({ length: 64 }, (_, i) => shardOf(`aud_${i.toString(32)}`)));
    expect([...shards].sort()).toEqual(['audit#0', 'audit#1', 'audit#2', 'audit#3']);
  });
});

describe('DynamoDB audit log: by job', () => {
  beforeAll(async () => {
    const records = Array.from({ length: 7 }, (_, i) =>
      record(`aud_job_b_${i}`, 100 + i, { jobId: 'job-b', afterVersion: i + 2 }),
    );
    await Promise.all([
      ...records.map((r) => log.append(r)),
      log.append(record('aud_job_c', 103, { jobId: 'job-c' })),
      log.append(record('aud_no_job', 104, { jobId: undefined, status: 400 })),
    ]);
  });

  it('lists one job newest first, page by page, without repeats or gaps', async () => {
    const pages = await allPages({ jobId: 'job-b', limit: 3 });

    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => p.items.map((r) => r.auditId))).toEqual(
      [6, 5, 4, 3, 2, 1, 0].map((i) => `aud_job_b_${i}`),
    );
    expect(pages.at(-1)?.nextCursor).toBeUndefined();
  });

  it('starts at `since` (inclusive)', async () => {
    const since = new Date(BASE + 104_000);

    const pages = await allPages({ jobId: 'job-b', since, limit: 2 });

    expect(pages.flatMap((p) => p.items.map((r) => r.at))).toEqual(
      [106, 105, 104].map((s) => new Date(BASE + s * 1000).toISOString()),
    );
  });

  it('refuses a cursor of another job or of the timeline, and a forged one', async () => {
    const { nextCursor } = await log.list({ jobId: 'job-b', limit: 1 });
    const timeline = await log.list({ limit: 1 });

    await expect(log.list({ jobId: 'job-c', limit: 1, cursor: nextCursor })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(log.list({ limit: 1, cursor: nextCursor })).rejects.toBeInstanceOf(ValidationError);
    await expect(log.list({ jobId: 'job-b', limit: 1, cursor: timeline.nextCursor })).rejects.toThrow(
      /another audit query/,
    );
    await expect(log.list({ jobId: 'job-b', limit: 1, cursor: `x${nextCursor}` })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('answers an empty page when a cursor lies before a later `since`', async () => {
    const first = await log.list({ jobId: 'job-b', limit: 6 });

    const page = await log.list({
      jobId: 'job-b',
      limit: 6,
      cursor: first.nextCursor,
      since: new Date(BASE + 105_000),
    });

    expect(page).toEqual({ items: [] });
  });
});

describe('DynamoDB audit log: timeline', () => {
  it('merges the shards newest first, page by page, records without a job included', async () => {
    const records = Array.from({ length: 23 }, (_, i) =>
      record(`aud_tl_${i}`, 1000 + i, { jobId: i % 5 === 0 ? undefined : `job-tl-${i % 3}` }),
    );
    await Promise.all(records.map((r) => log.append(r)));
    const since = new Date(BASE + 1_000_000);

    const pages = await allPages({ since, limit: 5 });

    expect(pages.map((p) => p.items.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flatMap((p) => p.items)).toEqual([...records].reverse());
    expect(new Set(records.map((r) => shardOf(r.auditId))).size).toBeGreaterThan(1);
  });

  it('returns every record of every query without `since`, and refuses a bad limit', async () => {
    const everything = (await allPages({ limit: 100 })).flatMap((p) => p.items);
    const seqs = everything.map(seqOf);

    expect(seqs).toEqual([...seqs].sort().reverse());
    expect(everything.map((r) => r.auditId)).toEqual(expect.arrayContaining(['aud_no_job', 'aud_append']));
    await expect(log.list({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
  });
});
