import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoTimerStore } from '../../../lambdas/adapters/aws/dynamo-timer-store.js';
import type { DispatchMessage } from '../../../lambdas/core/messages.js';
import {
  type EmbeddedDynamo,
  ensureTables,
  startEmbeddedDynamo,
} from '../../../lambdas/local/embedded-dynamo.js';
import {
  createLocalDispatchQueue,
  createLocalQueue,
  ensureLocalQueueTable,
  type LocalQueue,
} from '../../../lambdas/local/local-queue.js';
import type { TimerStore } from '../../../lambdas/ports.js';
import { createTimers } from '../../../lambdas/services/timers.js';
import { createWatcher } from '../../../lambdas/services/watcher.js';
import { type ManualClock, manualClock } from '../local-queue/fixtures.js';

const SHARDS = 16;
const MIN = 60_000;
let dynamo: EmbeddedDynamo;
let clock: ManualClock;
let queue: LocalQueue;
let store: TimerStore;
let scheduleTable: string;

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo({ port: 0 });
  clock = manualClock('2030-01-01T12:00:00.000Z');
  scheduleTable = (await ensureTables(dynamo.client, 'kairos-test')).Schedule;
  store = createDynamoTimerStore({ client: dynamo.client, tableName: scheduleTable });
  queue = createLocalQueue({
    client: dynamo.client,
    tableName: await ensureLocalQueueTable(dynamo.client, 'kairos-test'),
    clock,
  });
});
afterAll(async () => {
  await dynamo?.close();
});

const runIdsIn = async (lane: string) =>
  (await queue.receive(`dispatch-${lane}`, { max: 10, visibilityTimeoutSeconds: 600 })).map(
    (m) => (JSON.parse(m.body) as { runId: string }).runId,
  );

/** Timers waiting in the Schedule table. */
async function stored(): Promise<number> {
  return (
    (await dynamo.client.send(new ScanCommand({ TableName: scheduleTable, Select: 'COUNT' }))).Count ?? 0
  );
}

describe('timers through the Schedule table, the watcher and the local queue', () => {
  it('delivers each timer at its due second, whichever path it took', async () => {
    const dispatch = createLocalDispatchQueue(queue);
    const timers = createTimers({ queue: dispatch, store, clock, shards: SHARDS });
    const watcher = createWatcher({ queue: dispatch, store, clock, shards: SHARDS });
    const start = clock.now().getTime();
    const message = (runId: string): DispatchMessage => ({ kind: 'start', runId, attempt: 1 });

    await timers.fireAtMany([
      { when: new Date(start + 10_000), message: message('soon'), lane: 'normal' },
      { when: new Date(start + 60 * MIN), message: message('in-an-hour'), lane: 'high' },
      { when: new Date(start + 120 * MIN), message: message('in-two-hours'), lane: 'high' },
    ]);
    expect(await stored()).toBe(2);
    clock.advance(10_000);
    expect(await runIdsIn('normal')).toEqual(['soon']);

    clock.advance(44 * MIN - 10_000); // 44 min: the hour timer is 16 min away, outside the horizon
    expect(await watcher.tick()).toEqual({ moved: 0 });
    clock.advance(MIN); // 45 min: exactly 15 min away
    expect(await watcher.tick()).toEqual({ moved: 1 });
    expect(await stored()).toBe(1);

    clock.advance(15 * MIN - 1);
    expect(await runIdsIn('high')).toEqual([]);
    clock.advance(1);
    expect(await runIdsIn('high')).toEqual(['in-an-hour']);
    expect(await watcher.tick()).toEqual({ moved: 0 });
  });
});
