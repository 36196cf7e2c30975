/**
 * The local EventBridge Scheduler stand-in on a real embedded DynamoDB, driven by a travelling clock and explicit
 * ticks: which occurrences it sends, when, in what form, and what it remembers across a restart. The expected
 * instants are written out by hand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scheduleNameOf } from '../../../lambdas/adapters/aws/cron-registry.js';
import { parseDispatchMessage } from '../../../lambdas/core/messages.js';
import { nextFireTimes } from '../../../lambdas/core/schedule/index.js';
import { latenessMs } from '../../../lambdas/local/scheduler-occurrences.js';
import {
  deliveries,
  firedFor,
  job,
  type SchedulerStack,
  startSchedulerStack,
  type TravellingClock,
  travellingClock,
} from './fixtures.js';

const cron = (expression: string, timezone?: string) => ({
  schedule: { type: 'cron' as const, expression, ...(timezone === undefined ? {} : { timezone }) },
});
const everyTenMinutes = cron('*/10 * * * *');

let stack: SchedulerStack | undefined;
let dirs: string[] = [];
afterEach(async () => {
  expect(stack?.errors ?? []).toEqual([]);
  await stack?.close();
  stack = undefined;
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  dirs = [];
});

async function open(clock: TravellingClock, options: { path?: string; maxLateSeconds?: number } = {}) {
  stack = await startSchedulerStack({ clock, ...options });
  return stack;
}

/** Moves the clock to `at`, then ticks once. */
async function tickAt(s: SchedulerStack, clock: TravellingClock, at: string | number) {
  clock.travelTo(at);
  return s.scheduler.tick();
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kairos-scheduler-'));
  dirs.push(dir);
  return dir;
}

describe('local EventBridge Scheduler: occurrences', () => {
  it('fires a New York cron across the spring-forward day: 02:30 does not exist on 2026-03-08', async () => {
    const clock = travellingClock('2026-03-07T05:00:00Z'); // midnight EST
    const s = await open(clock);
    await s.registry.put(job('job_ny', { ...cron('30 2 * * *', 'America/New_York'), priority: 'high' }));

    await tickAt(s, clock, '2026-03-07T07:31:00Z');
    expect(await firedFor(s.queue, 'job_ny', 'high')).toEqual(['2026-03-07T07:30:00Z']);
    await tickAt(s, clock, '2026-03-08T07:31:00Z'); // where a shifted 02:30 → 03:30 EDT would fire
    await tickAt(s, clock, '2026-03-08T23:00:00Z');
    expect(await firedFor(s.queue, 'job_ny', 'high')).toEqual(['2026-03-07T07:30:00Z']);
    await tickAt(s, clock, '2026-03-09T06:31:00Z');

    const sent = await deliveries(s.queue, 'high');
    expect(sent.map((d) => d.body)).toEqual([
      '{"kind":"fire","jobId":"job_ny","scheduledFor":"2026-03-07T07:30:00Z"}',
      '{"kind":"fire","jobId":"job_ny","scheduledFor":"2026-03-09T06:30:00Z"}',
    ]);
    // The message is the dispatcher's `fire`, with the scheduled time as EventBridge writes it (no millis).
    expect(parseDispatchMessage(sent[0].body)).toEqual({
      kind: 'fire',
      jobId: 'job_ny',
      scheduledFor: '2026-03-07T07:30:00Z',
    });
    expect(await deliveries(s.queue, 'normal')).toEqual([]);
    expect(s.logs).toEqual([]);
  });

  it('fires a New York cron once in the repeated hour of 2026-11-01, at its first (EDT) instant', async () => {
    const clock = travellingClock('2026-10-31T04:00:00Z'); // midnight EDT
    const s = await open(clock);
    await s.registry.put(job('job_fall', cron('30 1 * * *', 'America/New_York')));

    for (const at of [
      '2026-10-31T05:31:00Z',
      '2026-11-01T05:31:00Z', // 01:31 EDT
      '2026-11-01T06:31:00Z', // 01:31 EST, the second pass: no second fire
      '2026-11-02T06:31:00Z',
    ])
      await tickAt(s, clock, at);

    expect(await firedFor(s.queue, 'job_fall')).toEqual([
      '2026-10-31T05:30:00Z',
      '2026-11-01T05:30:00Z',
      '2026-11-02T06:30:00Z',
    ]);
  });

  it('delivers each occurrence late by its deterministic lateness, within maxLateSeconds', async () => {
    const clock = travellingClock('2030-01-01T12:00:05Z');
    const s = await open(clock, { maxLateSeconds: 50 });
    await s.registry.put(job('job_late', cron('* * * * *')));
    const name = scheduleNameOf('job_late');
    const occurrences = [1, 2, 3, 4, 5].map((m) => new Date(Date.UTC(2030, 0, 1, 12, m)));
    const late = occurrences.map((o) => latenessMs(name, o, 50));
    // Spread over the minute, not one fixed delay.
    expect(new Set(late).size).toBe(late.length);
    expect(Math.max(...late) - Math.min(...late)).toBeGreaterThan(10_000);

    for (const [i, o] of occurrences.entries()) {
      expect(late[i]).toBeGreaterThanOrEqual(0);
      expect(late[i]).toBeLessThanOrEqual(50_000);
      // A second before its delivery time it is not sent, at its delivery time it is.
      await tickAt(s, clock, o.getTime() + late[i] - 1000);
      expect(await firedFor(s.queue, 'job_late')).toHaveLength(i);
      await tickAt(s, clock, o.getTime() + late[i]);
      const sent = await deliveries(s.queue);
      expect(sent).toHaveLength(i + 1);
      expect(sent[i].scheduledFor).toBe(`${o.toISOString().slice(0, 19)}Z`);
      expect(sent[i].sentAtMs - o.getTime()).toBeGreaterThanOrEqual(late[i]);
      expect(sent[i].sentAtMs - o.getTime()).toBeLessThan(late[i] + 1000); // the tick right after the jump
    }
  });

  it('with maxLateSeconds 0 delivers at the scheduled time', async () => {
    const clock = travellingClock('2030-01-01T12:00:05Z');
    const s = await open(clock, { maxLateSeconds: 0 });
    await s.registry.put(job('job_now', everyTenMinutes));

    await tickAt(s, clock, '2030-01-01T12:09:59Z');
    expect(await firedFor(s.queue, 'job_now')).toEqual([]);
    await tickAt(s, clock, '2030-01-01T12:10:00Z');
    expect(await firedFor(s.queue, 'job_now')).toEqual(['2030-01-01T12:10:00Z']);
  });

  it('respects startAt/endAt and anchors a rate at the job creation, as the timer path computes', async () => {
    const clock = travellingClock('2030-01-01T12:00:05Z');
    const s = await open(clock);
    const windowed = {
      type: 'rate' as const,
      every: '10 minutes',
      startAt: '2030-01-01T12:30:00Z',
      endAt: '2030-01-01T13:00:00Z',
    };
    const anchored = { type: 'rate' as const, every: '25 minutes' };
    const createdAt = '2030-01-01T12:00:00.000Z';
    await s.registry.put(job('job_window', { schedule: windowed }, { createdAt }));
    await s.registry.put(job('job_anchor', { schedule: anchored }, { createdAt }));

    for (const at of ['12:26', '12:31', '12:41', '12:51', '13:01', '13:16', '13:30'])
      await tickAt(s, clock, `2030-01-01T${at}:00Z`);

    expect(await firedFor(s.queue, 'job_window')).toEqual([
      '2030-01-01T12:30:00Z',
      '2030-01-01T12:40:00Z',
      '2030-01-01T12:50:00Z', // 13:00 is endAt, exclusive
    ]);
    expect(await firedFor(s.queue, 'job_anchor')).toEqual([
      '2030-01-01T12:25:00Z',
      '2030-01-01T12:50:00Z',
      '2030-01-01T13:15:00Z',
    ]);
    const timerPath = nextFireTimes(anchored, {
      after: new Date(createdAt),
      count: 3,
      anchor: new Date(createdAt),
    }).map((d) => `${d.toISOString().slice(0, 19)}Z`);
    expect(await firedFor(s.queue, 'job_anchor')).toEqual(timerPath);
  });
});

describe('local EventBridge Scheduler: durability and missed occurrences', () => {
  it('keeps schedules and what was fired across a close and reopen', async () => {
    const clock = travellingClock('2030-01-01T12:00:05Z');
    const path = await dataDir();
    let s = await open(clock, { path });
    await s.registry.put(job('job_d', everyTenMinutes));
    await tickAt(s, clock, '2030-01-01T12:11:00Z');
    const before = await s.registry.list();
    await s.close();

    s = await open(clock, { path });
    expect(await s.registry.list()).toEqual(before);
    expect(await s.scheduler.tick()).toEqual({ delivered: 0, dropped: 0 }); // not sent twice
    await tickAt(s, clock, '2030-01-01T12:21:00Z');
    expect(await firedFor(s.queue, 'job_d')).toEqual(['2030-01-01T12:10:00Z', '2030-01-01T12:20:00Z']);
  });

  it('after a restart delivers what was missed up to an hour old and drops older occurrences with a log line', async () => {
    const clock = travellingClock('2030-01-01T12:00:05Z');
    const path = await dataDir();
    let s = await open(clock, { path });
    await s.registry.put(job('job_m', everyTenMinutes));
    await tickAt(s, clock, '2030-01-01T12:11:00Z');
    await s.close();

    clock.travelTo('2030-01-01T14:35:00Z'); // down for 2 h 24 min
    s = await open(clock, { path });
    expect(await s.scheduler.tick()).toEqual({ delivered: 6, dropped: 8 });

    expect(await firedFor(s.queue, 'job_m')).toEqual([
      '2030-01-01T12:10:00Z',
      '2030-01-01T13:40:00Z',
      '2030-01-01T13:50:00Z',
      '2030-01-01T14:00:00Z',
      '2030-01-01T14:10:00Z',
      '2030-01-01T14:20:00Z',
      '2030-01-01T14:30:00Z',
    ]);
    expect(s.logs).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: expect.stringContaining('dead-letter queue'),
        schedule: scheduleNameOf('job_m'),
        count: 8,
        first: '2030-01-01T12:20:00Z',
        last: '2030-01-01T13:30:00Z',
      }),
    ]);
    expect(await s.scheduler.tick()).toEqual({ delivered: 0, dropped: 0 });
  });

  it('applies the same hour when the clock jumps forward while running', async () => {
    const clock = travellingClock('2030-01-01T12:00:05Z');
    const s = await open(clock);
    await s.registry.put(job('job_h', cron('0 * * * *')));

    expect(await tickAt(s, clock, '2030-01-02T12:30:00Z')).toEqual({ delivered: 1, dropped: 23 });
    expect(await firedFor(s.queue, 'job_h')).toEqual(['2030-01-02T12:00:00Z']);
    expect(s.logs).toEqual([
      expect.objectContaining({ count: 23, first: '2030-01-01T13:00:00Z', last: '2030-01-02T11:00:00Z' }),
    ]);
  });
});

describe('local EventBridge Scheduler: state, removal and updates', () => {
  it('does not fire a DISABLED schedule, and once re-enabled fires from then on, not the paused occurrences', async () => {
    const clock = travellingClock('2030-01-01T12:00:05Z');
    const s = await open(clock);
    await s.registry.put(job('job_p', everyTenMinutes));
    await s.registry.put(job('job_off', everyTenMinutes, { status: 'PAUSED' }));
    await tickAt(s, clock, '2030-01-01T12:11:00Z');

    await s.registry.put(job('job_p', everyTenMinutes, { status: 'PAUSED' }));
    await tickAt(s, clock, '2030-01-01T12:41:00Z');
    expect(await firedFor(s.queue, 'job_p')).toEqual(['2030-01-01T12:10:00Z']);

    await s.registry.put(job('job_p', everyTenMinutes)); // resumed: 12:20-12:40 stay unsent, though recent
    await s.scheduler.tick();
    await tickAt(s, clock, '2030-01-01T12:51:00Z');
    expect(await firedFor(s.queue, 'job_p')).toEqual(['2030-01-01T12:10:00Z', '2030-01-01T12:50:00Z']);
    expect(await firedFor(s.queue, 'job_off')).toEqual([]);
  });

  it('stops firing a removed schedule (and one whose job was deleted), and never brings it back', async () => {
    const clock = travellingClock('2030-01-01T12:00:05Z');
    const s = await open(clock);
    await s.registry.put(job('job_x', everyTenMinutes));
    await s.registry.put(job('job_y', everyTenMinutes));
    await tickAt(s, clock, '2030-01-01T12:11:00Z');
    const [stale] = await s.registry.items(); // as a tick read it just before the removal

    await s.registry.remove('job_x');
    await s.registry.put(job('job_y', everyTenMinutes, { status: 'DELETED' }));
    expect(await s.registry.advance(stale, stale.firedThroughMs + 1)).toBe(false);
    await tickAt(s, clock, '2030-01-01T12:31:00Z');

    expect(await firedFor(s.queue, 'job_x')).toEqual(['2030-01-01T12:10:00Z']);
    expect(await firedFor(s.queue, 'job_y')).toEqual(['2030-01-01T12:10:00Z']);
    expect(await s.registry.list()).toEqual([]);
  });

  it('restarts firing at the update when the expression changes', async () => {
    const clock = travellingClock('2030-01-01T12:00:05Z');
    const s = await open(clock);
    await s.registry.put(job('job_u', cron('0 * * * *')));
    clock.travelTo('2030-01-01T12:40:00Z');
    await s.registry.put(job('job_u', everyTenMinutes));

    await s.scheduler.tick();
    await tickAt(s, clock, '2030-01-01T12:51:00Z');
    // Not 12:10-12:40: those came before the update.
    expect(await firedFor(s.queue, 'job_u')).toEqual(['2030-01-01T12:50:00Z']);
  });

  it('keeps its place when the timing is unchanged: a pending late occurrence is still sent, to the new lane', async () => {
    const clock = travellingClock('2030-01-01T12:00:05Z');
    const s = await open(clock, { maxLateSeconds: 50 });
    await s.registry.put(job('job_k', everyTenMinutes));
    const occurrence = new Date('2030-01-01T12:10:00Z');
    const late = latenessMs(scheduleNameOf('job_k'), occurrence, 50);
    expect(late).toBeGreaterThan(1000); // the put below lands while the occurrence waits for its delivery

    clock.travelTo(occurrence.getTime() + 500);
    await s.registry.put(job('job_k', { ...everyTenMinutes, priority: 'high' }));
    await tickAt(s, clock, occurrence.getTime() + late);

    expect(await firedFor(s.queue, 'job_k', 'high')).toEqual(['2030-01-01T12:10:00Z']);
  });
});

describe('local EventBridge Scheduler: the loop', () => {
  it('fires on its own every interval, and stop() waits for the running tick', async () => {
    const clock = travellingClock('2030-01-01T12:00:05Z');
    const s = await open(clock, { maxLateSeconds: 0 });
    await s.registry.put(job('job_loop', everyTenMinutes));
    const loop = s.scheduler.start({ intervalMs: 20 });
    try {
      clock.travelTo('2030-01-01T12:10:00Z');
      await vi.waitFor(async () => expect(await firedFor(s.queue, 'job_loop')).toHaveLength(1), {
        timeout: 10_000,
        interval: 20,
      });
    } finally {
      await loop.stop();
    }
    expect(await firedFor(s.queue, 'job_loop')).toEqual(['2030-01-01T12:10:00Z']);
  });
});
