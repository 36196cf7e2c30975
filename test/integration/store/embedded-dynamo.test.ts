import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoJobStore } from '../../../lambdas/adapters/aws/dynamo-job-store.js';
import {
  type EmbeddedDynamo,
  ensureTables,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startEmbeddedDynamo,
} from '../../../lambdas/local/embedded-dynamo.js';
import { job } from './fixtures.js';

const opened: EmbeddedDynamo[] = [];
const dirs: string[] = [];

async function start(path?: string): Promise<EmbeddedDynamo> {
  const dynamo = await startEmbeddedDynamo({ path, port: 0 });
  opened.push(dynamo);
  return dynamo;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kairos-dynamo-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('startEmbeddedDynamo', () => {
  it('listens on a random loopback port', async () => {
    const dynamo = await start();

    expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(dynamo.endpoint).not.toMatch(/:0$/);
  });

  it('keeps data on disk across a restart in the same directory', async () => {
    const dir = await tempDir();
    const first = await start(dir);
    const tables = await ensureTables(first.client, 'kairos-dev');
    const store = (d: EmbeddedDynamo) =>
      createDynamoJobStore({ client: d.client, tableName: tables.Jobs, cursorSecret: 's' });
    await store(first).create(job('durable'));
    await first.close();
    await first.close(); // idempotent

    const second = await start(dir);
    await ensureTables(second.client, 'kairos-dev');

    expect(await store(second).get('durable')).toEqual(job('durable'));
    expect((await store(second).list({ statuses: ['ACTIVE'], limit: 5 })).items).toHaveLength(1);
  });

  it('refuses to open a directory another open instance holds', async () => {
    const dir = await tempDir();
    await start(dir);

    await expect(startEmbeddedDynamo({ path: dir })).rejects.toThrow(/in use by process/);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const dir = await tempDir();
    // Above the kernel's pid limit, so no process can have it.
    await writeFile(join(dir, 'kairos.pid'), '2147483646');

    const dynamo = await start(dir);

    expect(await ensureTables(dynamo.client, 'kairos-dev')).toHaveProperty('Jobs');
  });
});

describe('ensureTables', () => {
  it('creates every table with its indexes, idempotently, and returns physical names', async () => {
    const dynamo = await start();

    const names = await ensureTables(dynamo.client, 'kairos-dev');
    const again = await ensureTables(dynamo.client, 'kairos-dev');

    expect(names).toEqual({
      Jobs: 'kairos-dev-Jobs',
      Runs: 'kairos-dev-Runs',
      Schedule: 'kairos-dev-Schedule',
      Audit: 'kairos-dev-Audit',
    });
    expect(again).toEqual(names);
    const raw = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const { Table } = await raw.send(new DescribeTableCommand({ TableName: names.Runs }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.BillingModeSummary?.BillingMode ?? 'PAY_PER_REQUEST').toBe('PAY_PER_REQUEST');
      expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection?.ProjectionType])).toEqual([
        ['byJob', 'KEYS_ONLY'],
      ]);
      const schedule = await raw.send(new DescribeTableCommand({ TableName: names.Schedule }));
      expect(schedule.Table?.KeySchema).toEqual([
        { AttributeName: 'bucket', KeyType: 'HASH' },
        { AttributeName: 'due', KeyType: 'RANGE' },
      ]);
      const audit = await raw.send(new DescribeTableCommand({ TableName: names.Audit }));
      expect(
        audit.Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection?.ProjectionType]),
      ).toEqual([['byJob', 'ALL']]);
      // A plain DynamoDBClient works as well as a document client.
      expect(await ensureTables(raw, 'kairos-other')).toMatchObject({ Jobs: 'kairos-other-Jobs' });
    } finally {
      raw.destroy();
    }
  });
});
