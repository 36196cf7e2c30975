import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reindexMessages } from '../../../lambdas/local/local-queue-table.js';
import { type ManualClock, manualClock, type QueueStack, startQueueStack } from './fixtures.js';

let stack: QueueStack;
let clock: ManualClock;
beforeAll(async () => {
  clock = manualClock();
  stack = await startQueueStack({ clock });
});
afterAll(async () => {
  await stack.dynamo.close();
});

describe('reindexing the local queue at start', () => {
  it('rewrites every message as it is: visible ones stay receivable, claimed ones stay hidden until due', async () => {
    const { queue, dynamo, tableName } = stack;
    await queue.send('q-reindex', 'visible');
    await queue.send('q-reindex', 'later', 60);
    await queue.send('q-reindex', 'claimed');
    // Both visible messages are claimed once (their index entries move), then made visible again.
    const first = await queue.receive('q-reindex', { max: 10, visibilityTimeoutSeconds: 30 });
    expect(first.map((m) => m.body).sort()).toEqual(['claimed', 'visible']);
    for (const m of first) await queue.changeVisibility('q-reindex', m.receipt, 0);

    expect(await reindexMessages(dynamo.client, tableName, ['q-reindex', 'q-empty'])).toBe(3);

    const now = await queue.receive('q-reindex', { max: 10, visibilityTimeoutSeconds: 30 });
    expect(now.map((m) => m.body).sort()).toEqual(['claimed', 'visible']);
    expect(now.map((m) => m.receiveCount)).toEqual([2, 2]);
    // The delayed one comes due in its time (and the two just claimed once their visibility runs out).
    clock.advance(61_000);
    const later = await queue.receive('q-reindex', { max: 10, visibilityTimeoutSeconds: 30 });
    expect(later.map((m) => m.body).sort()).toEqual(['claimed', 'later', 'visible']);
  });
});
