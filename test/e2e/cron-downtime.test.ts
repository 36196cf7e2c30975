/**
 * Acceptance (issue 4, downtime): the local runtime stops for 10 minutes of a per-minute job and starts again
 * on the same state. Without catch-up the latest missed slot runs and every other missed slot is SKIPPED with
 * its reason; with `catchup: { window: 3600, maxRuns: 3 }` exactly three missed slots run. Either way the job
 * is back on time for the next slot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SKIP_REASONS } from '../../lambdas/core/catchup.js';
import { slotRunId } from '../../lambdas/core/run-id.js';
import { startTestApi, type TestApi, waitForRun } from './support/local-api.js';
import { travellingClock } from './support/travel-clock.js';

const home = mkdtempSync(join(tmpdir(), 'kairos-downtime-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const minute = (m: number) => `2026-06-01T10:${String(m).padStart(2, '0')}:00.000Z`;

async function createPerMinuteJob(api: TestApi, name: string, catchup?: object): Promise<string> {
  const created = await api.request('POST', '/v1/jobs', {
    body: {
      name,
      schedule: { type: 'cron', expression: '* * * * *' },
      target: { type: 'command', command: ['true'] },
      timeoutSeconds: 30,
      ...(catchup ? { catchup } : {}),
    },
  });
  expect(created.status).toBe(201);
  return created.body.jobId;
}

/** Waits until every slot of `minutes` has a finished run, and returns them in slot order. */
async function finishedRuns(api: TestApi, jobId: string, minutes: number[]): Promise<any[]> {
  const runs = [];
  for (const m of minutes) runs.push(await waitForRun(api, slotRunId(jobId, minute(m)), undefined, 30_000));
  return runs;
}

describe('a per-minute job across 10 minutes of downtime', () => {
  it('runs the latest missed slot (default) or the latest three (catch-up), SKIPs the rest, then goes on', async () => {
    const clock = travellingClock('2026-06-01T10:00:50Z');
    const first = await startTestApi({ home, clock });
    const plain = await createPerMinuteJob(first, 'no-catchup');
    const caughtUp = await createPerMinuteJob(first, 'catchup', { window: 3600, maxRuns: 3 });
    await finishedRuns(first, plain, [1]);
    await finishedRuns(first, caughtUp, [1]);
    await first.close();

    // Down from 10:01:0x to 10:11:30: the slots 10:02 … 10:11 pass while nothing runs.
    clock.travelTo('2026-06-01T10:11:30Z');
    const second = await startTestApi({ home, clock });
    try {
      const missed = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

      const plainRuns = await finishedRuns(second, plain, missed);
      expect(plainRuns.filter((r) => r.status === 'SUCCEEDED').map((r) => r.scheduledFor)).toEqual([
        minute(11),
      ]);
      const plainSkipped = plainRuns.filter((r) => r.status === 'SKIPPED');
      expect(plainSkipped).toHaveLength(9);
      expect(new Set(plainSkipped.map((r) => r.reason))).toEqual(new Set([SKIP_REASONS.outsideWindow]));

      const caughtUpRuns = await finishedRuns(second, caughtUp, missed);
      expect(caughtUpRuns.filter((r) => r.status === 'SUCCEEDED').map((r) => r.scheduledFor)).toEqual([
        minute(9),
        minute(10),
        minute(11),
      ]);
      const limited = caughtUpRuns.filter((r) => r.status === 'SKIPPED');
      expect(limited).toHaveLength(7);
      expect(new Set(limited.map((r) => r.reason))).toEqual(new Set([SKIP_REASONS.limit]));

      // Back on time: the next slot runs at its minute, and every slot has exactly one run record.
      clock.travelTo('2026-06-01T10:11:58Z');
      for (const jobId of [plain, caughtUp]) {
        const [next] = await finishedRuns(second, jobId, [12]);
        expect(next.status).toBe('SUCCEEDED');
        expect(Date.parse(next.startedAt) - Date.parse(minute(12))).toBeLessThan(2_000);
        const history = await second.request('GET', `/v1/jobs/${jobId}/runs?limit=100`);
        const slots = history.body.items.map((r: any) => r.scheduledFor).sort();
        expect(slots).toEqual([1, ...missed, 12].map(minute));
      }
    } finally {
      await second.close();
    }
  });
});
