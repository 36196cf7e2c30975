/**
 * Acceptance (issue 4, precision): on the local runtime a `* * * * *` job's runs start within 2 s of each minute
 * for 5 minutes while the EventBridge Scheduler stand-in fires each occurrence up to 50 s late, and no slot runs
 * twice although every slot arrives by both paths (the timer planned by the previous fire, then the late
 * schedule fire). The clock travels: after each run it jumps past that minute's late fire, then to just before
 * the next minute, so 5 scheduled minutes take seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleNameOf } from '../../lambdas/adapters/aws/cron-registry.js';
import type { LocalCronRegistry } from '../../lambdas/adapters/local/local-cron-registry.js';
import { slotRunId } from '../../lambdas/core/run-id.js';
import { latenessMs } from '../../lambdas/local/scheduler-occurrences.js';
import { startTestApi, type TestApi, waitForRun } from './support/local-api.js';
import { sleep, type TravellingClock, travellingClock } from './support/travel-clock.js';

const MAX_LATE_SECONDS = 50;
let api: TestApi;
let clock: TravellingClock;
beforeAll(async () => {
  clock = travellingClock('2026-06-01T12:00:50Z');
  api = await startTestApi({ clock, schedulerMaxLateSeconds: MAX_LATE_SECONDS });
});
afterAll(async () => {
  await api.close();
});

const minute = (m: number) => new Date(Date.parse('2026-06-01T12:00:00Z') + m * 60_000);

describe('second precision with a late scheduler', () => {
  it('starts every run of a per-minute job within 2 s of its minute, once per slot, for 5 minutes', async () => {
    const created = await api.request('POST', '/v1/jobs', {
      body: {
        name: 'every-minute',
        schedule: { type: 'cron', expression: '* * * * *' },
        target: { type: 'command', command: ['true'] },
        timeoutSeconds: 30,
      },
    });
    expect(created.status).toBe(201);
    const jobId = created.body.jobId;
    const slots = [1, 2, 3, 4, 5].map(minute);
    // The stand-in really is late for these slots (deterministic per slot): it alone could not meet 2 s.
    const schedulerLateness = slots.map((s) => latenessMs(scheduleNameOf(jobId), s, MAX_LATE_SECONDS));
    expect(Math.max(...schedulerLateness)).toBeGreaterThan(10_000);

    for (const slot of slots) {
      if (clock.nowMs() < slot.getTime() - 2000) clock.travelTo(new Date(slot.getTime() - 2000));
      const run = await waitForRun(api, slotRunId(jobId, slot.toISOString()), undefined, 20_000);
      expect(run.status).toBe('SUCCEEDED');
      const late = Date.parse(run.attempts[0].startedAt) - slot.getTime();
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(2_000);
      // Past this minute's late schedule fire: it arrives now, after the run exists, and must add nothing.
      clock.travelTo(new Date(slot.getTime() + MAX_LATE_SECONDS * 1000 + 1000));
      await sleep(1_000);
    }

    const registry = api.runtime.engine.deps.cron as LocalCronRegistry;
    const item = (await registry.items()).find((i) => i.jobId === jobId);
    expect(item?.firedThroughMs).toBeGreaterThanOrEqual(minute(5).getTime()); // the stand-in fired every slot
    const history = await api.request('GET', `/v1/jobs/${jobId}/runs?limit=100`);
    const runs = history.body.items.filter((r: any) => Date.parse(r.scheduledFor) <= minute(5).getTime());
    expect(runs.map((r: any) => r.scheduledFor).sort()).toEqual(slots.map((s) => s.toISOString()));
    for (const run of runs) expect(run.attempts).toHaveLength(1);
  });
});
