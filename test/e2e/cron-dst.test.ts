/**
 * Acceptance (issue 4, DST): a cron slot in the spring-forward gap does not run that day; a slot in the repeated
 * fall-back hour runs once — in preview, in real runs on the local runtime with a travelling clock, and in
 * backfill counts, in America/New_York, Europe/Berlin and Australia/Sydney. The expected instants are written out by hand (the
 * oracle), not computed by the code under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotRunId } from '../../lambdas/core/run-id.js';
import { startTestApi, type TestApi, waitForRun } from './support/local-api.js';
import { sleep, type TravellingClock, travellingClock } from './support/travel-clock.js';

interface DstCase {
  readonly title: string;
  readonly expression: string;
  readonly timezone: string;
  /** Midnight local time of the day before the change: the job is created then. */
  readonly createAt: string;
  /** The slots that must run, in order (the first three fire times from `createAt`). */
  readonly slots: readonly string[];
  /** Where a wrong implementation would fire: the gap's shifted time, or the second pass of the hour. */
  readonly trap: string;
}

// In chronological order: one runtime, one clock that only moves forward.
const CASES: readonly DstCase[] = [
  {
    title: 'America/New_York spring forward 2026-03-08: 02:30 does not exist, no run that day',
    expression: '30 2 * * *',
    timezone: 'America/New_York',
    createAt: '2026-03-07T05:00:00Z',
    slots: ['2026-03-07T07:30:00.000Z', '2026-03-09T06:30:00.000Z', '2026-03-10T06:30:00.000Z'],
    trap: '2026-03-08T07:30:00.000Z',
  },
  {
    title: 'Europe/Berlin spring forward 2026-03-29: 02:30 does not exist, no run that day',
    expression: '30 2 * * *',
    timezone: 'Europe/Berlin',
    createAt: '2026-03-27T23:00:00Z',
    slots: ['2026-03-28T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z'],
    trap: '2026-03-29T01:30:00.000Z',
  },
  {
    title: 'Australia/Sydney fall back 2026-04-05: 02:30 happens twice, one run',
    expression: '30 2 * * *',
    timezone: 'Australia/Sydney',
    createAt: '2026-04-03T13:00:00Z',
    slots: ['2026-04-03T15:30:00.000Z', '2026-04-04T15:30:00.000Z', '2026-04-05T16:30:00.000Z'],
    trap: '2026-04-04T16:30:00.000Z',
  },
  {
    title: 'Australia/Sydney spring forward 2026-10-04: 02:30 does not exist, no run that day',
    expression: '30 2 * * *',
    timezone: 'Australia/Sydney',
    createAt: '2026-10-02T14:00:00Z',
    slots: ['2026-10-02T16:30:00.000Z', '2026-10-04T15:30:00.000Z', '2026-10-05T15:30:00.000Z'],
    trap: '2026-10-03T16:30:00.000Z',
  },
  {
    title: 'Europe/Berlin fall back 2026-10-25: 02:30 happens twice, one run',
    expression: '30 2 * * *',
    timezone: 'Europe/Berlin',
    createAt: '2026-10-23T22:00:00Z',
    slots: ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'],
    trap: '2026-10-25T01:30:00.000Z',
  },
  {
    title: 'America/New_York fall back 2026-11-01: 01:30 happens twice, one run',
    expression: '30 1 * * *',
    timezone: 'America/New_York',
    createAt: '2026-10-31T04:00:00Z',
    slots: ['2026-10-31T05:30:00.000Z', '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z'],
    trap: '2026-11-01T06:30:00.000Z',
  },
];

let api: TestApi;
let clock: TravellingClock;
beforeAll(async () => {
  clock = travellingClock(new Date(Date.parse(CASES[0].createAt) - 60_000));
  api = await startTestApi({ clock });
});
afterAll(async () => {
  await api.close();
});

/** Travels through the slots that fall before `until` and the trap, in time order, as the hours pass. */
async function liveThrough(c: DstCase, jobId: string, until: number): Promise<void> {
  const stops = [...c.slots.filter((s) => Date.parse(s) < until), c.trap].sort();
  for (const stop of stops) {
    const at = Date.parse(stop);
    clock.travelTo(new Date(at - 1500));
    if (stop === c.trap) {
      await sleep(3000); // past the trap by 1.5 s: a wrong fire would have been queued by now
      continue;
    }
    const run = await waitForRun(api, slotRunId(jobId, stop), undefined, 20_000);
    expect(run).toMatchObject({ scheduledFor: stop, status: 'SUCCEEDED', trigger: 'schedule' });
    expect(Date.parse(run.startedAt) - at).toBeLessThan(5_000);
  }
}

describe('cron across DST changes', () => {
  for (const c of CASES) {
    it(c.title, async () => {
      clock.travelTo(c.createAt);
      const created = await api.request('POST', '/v1/jobs', {
        body: {
          name: `dst-${c.timezone.replace('/', '-')}`,
          schedule: { type: 'cron', expression: c.expression, timezone: c.timezone },
          target: { type: 'command', command: ['true'] },
          timeoutSeconds: 30,
        },
      });
      expect(created.status).toBe(201);
      const jobId = created.body.jobId;

      const preview = await api.request('GET', `/v1/jobs/${jobId}/preview?count=3&from=${c.createAt}`);
      expect(preview.status).toBe(200);
      expect(preview.body.times).toEqual(c.slots);

      // Real runs: the slots of the day before, the day of the change and the trap, then the day after.
      const dayAfter = Date.parse(c.slots[2]);
      await liveThrough(c, jobId, dayAfter);
      const history = await api.request('GET', `/v1/jobs/${jobId}/runs?limit=100`);
      const ran = history.body.items.map((r: any) => [r.scheduledFor, r.status]).sort();
      expect(ran).toEqual(c.slots.slice(0, 2).map((s) => [s, 'SUCCEEDED']));

      // Backfill counts the same slots: a dry run over the two days, re-running all, names exactly these two.
      const to = new Date(Date.parse(c.slots[1]) + 1).toISOString(); // exclusive, and not in the future
      const dry = await api.request('POST', `/v1/jobs/${jobId}/backfill`, {
        body: { from: c.createAt, to, dryRun: true, reprocess: 'all' },
      });
      expect(dry.status).toBe(202);
      expect(dry.body).toMatchObject({ backfillId: null, slots: 2, runs: 2, times: c.slots.slice(0, 2) });

      expect((await api.request('DELETE', `/v1/jobs/${jobId}`)).status).toBe(200);
    });
  }
});
