import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoTimerStore } from '../../../lambdas/adapters/aws/dynamo-timer-store.js';
import type { DispatchMessage } from '../../../lambdas/core/messages.js';
import { bucketKey, dueKey, timerIdOf } from '../../../lambdas/core/time-buckets.js';
import {
  type EmbeddedDynamo,
  ensureTables,
  startEmbeddedDynamo,
} from '../../../lambdas/local/embedded-dynamo.js';
import type { TimerItem, TimerStore } from '../../../lambdas/ports.js';

const MINUTE = Date.parse('2030-01-01T12:00:00.000Z');
let dynamo: EmbeddedDynamo;
let store: TimerStore;
let tableName: string;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo({ port: 0 });
  tableName = (await ensureTables(dynamo.client, 'kairos-test')).Schedule;
  store = createDynamoTimerStore({ client: dynamo.client, tableName });
});
afterAll(async () => {
  await dynamo?.close();
});

function timer(i: number, shard: number, offsetMs: number): TimerItem {
  const message: DispatchMessage = { kind: 'timeout', runId: `run_${i}`, attempt: 1 };
  const dueAtMs = MINUTE + offsetMs;
  return {
    bucket: bucketKey(dueAtMs, shard),
    due: dueKey(dueAtMs, timerIdOf(message)),
    dueAtMs,
    lane: i % 2 === 0 ? 'high' : 'low',
    message,
    expiresAt: Math.floor(dueAtMs / 1000) + 86_400,
  };
}

describe('DynamoDB timer store on dynalite', () => {
  it('reads back a bucket in due order up to the bound, and nothing once removed', async () => {
    // 60 timers in shard 0 of one minute, written out of order, plus one in another shard.
    const timers = Array.from({ length: 60 }, (_, i) => timer(i, 0, ((i * 37) % 60) * 1000));
    const other = timer(99, 1, 0);
    await store.put([...timers, other, timers[0]!]);

    const bucket = bucketKey(MINUTE, 0);
    const all = await store.listDue(bucket, MINUTE + 59_999);
    expect(all).toEqual([...timers].sort((a, b) => a.dueAtMs - b.dueAtMs));
    const firstHalf = await store.listDue(bucket, MINUTE + 29_000);
    expect(firstHalf.map((t) => t.dueAtMs - MINUTE)).toEqual(Array.from({ length: 30 }, (_, s) => s * 1000));
    expect(await store.listDue(bucket, MINUTE - 1)).toEqual([]);

    await store.remove(firstHalf);
    expect((await store.listDue(bucket, MINUTE + 59_999)).map((t) => t.dueAtMs - MINUTE)[0]).toBe(30_000);
    await store.remove(all);
    expect(await store.listDue(bucket, MINUTE + 59_999)).toEqual([]);
    expect(await store.listDue(bucketKey(MINUTE, 1), MINUTE + 59_999)).toEqual([other]);
  });

  it('follows query pages across a bucket larger than one page (1 MB)', async () => {
    let queries = 0;
    const counting = {
      send: (command: unknown) => {
        if (command instanceof QueryCommand) queries++;
        return dynamo.client.send(command as QueryCommand);
      },
    } as unknown as DynamoDBDocumentClient;
    const counted = createDynamoTimerStore({ client: counting, tableName });
    // Long ids make ~1 KB sort keys, so 1,100 timers of one bucket span two pages.
    const timers = Array.from({ length: 1100 }, (_, i) => {
      const t = timer(1000 + i, 2, i);
      return { ...t, due: dueKey(t.dueAtMs, `${timerIdOf(t.message)}-${'x'.repeat(950)}`) };
    });
    await counted.put(timers);

    const read = await counted.listDue(bucketKey(MINUTE, 2), MINUTE + 59_999);

    expect(read).toHaveLength(1100);
    expect(queries).toBeGreaterThan(1);
  });
});
