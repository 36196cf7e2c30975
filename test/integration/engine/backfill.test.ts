import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillSlotsKey } from '../../../lambdas/core/backfill/record.js';
import type { JobRecord } from '../../../lambdas/core/job.js';
import type { RunRecord } from '../../../lambdas/core/run.js';
import { slotRunId } from '../../../lambdas/core/run-id.js';
import type { RunStatus } from '../../../lambdas/core/run-states.js';
import type { ExecutionOutcome } from '../../../lambdas/ports.js';
import { createBackfillService } from '../../../lambdas/services/backfill/backfill-service.js';
import { RECHECK_MS } from '../../../lambdas/services/backfill/pump.js';
import { handleCompletion } from '../../../lambdas/services/dispatch/completion.js';
import { createDispatcher } from '../../../lambdas/services/dispatch/dispatcher.js';
import { type EngineFixture, type PlannedTimer, startEngineFixture } from './engine-fixture.js';

let f: EngineFixture;
beforeAll(async () => {
  f = await startEngineFixture();
});
afterAll(async () => {
  await f.close();
});

const HOUR = 3_600_000;
/** The fixture's clock reads 2030-01-01T00:00Z: the windows below are the hours before it. */
const WINDOW_START = '2029-12-31T12:00:00.000Z';
const slotAt = (hour: number) => new Date(Date.parse(WINDOW_START) + hour * HOUR).toISOString();
const windowOf = (hours: number) => ({ from: WINDOW_START, to: slotAt(hours) });

/**
 * Delivers the planned `start` and `backfill` messages that are due, in plan order, including those they plan,
 * until none is left; messages planned before the driver was made are not its business.
 */
function driver() {
  const done = new Set<PlannedTimer>(f.planned);
  f.outcomes.length = 0;
  const dispatcher = createDispatcher(f.deps);
  const due = (p: PlannedTimer) =>
    !done.has(p) &&
    (p.message.kind === 'start' || p.message.kind === 'backfill') &&
    p.when.getTime() <= f.now().getTime();
  return {
    async drain(): Promise<void> {
      for (let next = f.planned.find(due); next; next = f.planned.find(due)) {
        done.add(next);
        await dispatcher.handle(next.message);
      }
    },
    /** Messages planned since the driver was made that it has not delivered. */
    pending: () => f.planned.filter((p) => !done.has(p)),
    dispatcher,
  };
}

const hourly = (extra: Partial<JobRecord['definition']> = {}) =>
  f.createJob({ schedule: { type: 'cron', expression: '0 * * * *', timezone: 'UTC' }, ...extra });

/** Runs of the job's slots, in slot order (absent slots left out). */
async function runsOf(job: JobRecord, hours: number): Promise<RunRecord[]> {
  const runs = await Promise.all(
    Array.from({ length: hours }, (_, h) => f.deps.runs.get(slotRunId(job.jobId, slotAt(h)))),
  );
  return runs.filter((r): r is RunRecord => r !== undefined);
}

const countBy = (runs: RunRecord[], status: RunStatus) => runs.filter((r) => r.status === status).length;

/** Ends the running attempt of an asynchronous run (its completion event). */
async function finish(runId: string, outcome: ExecutionOutcome = { status: 'succeeded', log: 'done' }) {
  const run = (await f.deps.runs.get(runId))!;
  await handleCompletion(f.deps, { runId, attempt: run.attempt, handle: run.handle!, outcome });
}

/** The next `n` attempts stay RUNNING (an asynchronous target) until `finish`. */
function keepRunning(n: number) {
  for (let i = 0; i < n; i++)
    f.outcomes.push({ status: 'started', handle: `h-${Math.random()}`, log: 'started' });
}

describe('backfill on the embedded stack', () => {
  it('launches slots in order, never more than maxConcurrency at once, each end waking the next', async () => {
    const job = await hourly();
    const service = createBackfillService(f.deps);
    const d = driver();
    keepRunning(6);
    const created = await service.create(job.jobId, { ...windowOf(6), maxConcurrency: 2 }, 'alice');
    expect(created).toMatchObject({
      runs: 6,
      slots: 6,
      skipped: 0,
      backfillId: expect.stringMatching(/^bf_/),
    });
    const backfillId = created.backfillId!;
    expect(d.pending()).toEqual([{ when: f.now(), message: { kind: 'backfill', backfillId }, lane: 'low' }]);

    await d.drain();
    let runs = await runsOf(job, 6);
    // Two launched and running; the others not even created (no run waits without a free slot).
    expect(runs.map((r) => r.scheduledFor)).toEqual([slotAt(0), slotAt(1)]);
    expect(countBy(runs, 'RUNNING')).toBe(2);
    expect(runs[0]).toMatchObject({ trigger: 'backfill', lane: 'low', backfillId, attempt: 1 });
    expect(await service.get(backfillId)).toMatchObject({
      status: 'RUNNING',
      runs: 6,
      launched: 2,
      active: 2,
    });

    const order: string[] = [];
    for (let step = 0; step < 6; step++) {
      const running = (await runsOf(job, 6)).filter((r) => r.status === 'RUNNING');
      expect(running.length).toBeLessThanOrEqual(2);
      order.push(running[0]!.scheduledFor);
      await finish(running[0]!.runId);
      await d.drain();
    }
    expect(order).toEqual([0, 1, 2, 3, 4, 5].map(slotAt));
    runs = await runsOf(job, 6);
    expect(countBy(runs, 'SUCCEEDED')).toBe(6);
    expect(f.executions.filter((e) => runs.some((r) => r.runId === e.runId))).toHaveLength(6);
    expect(await service.get(backfillId)).toMatchObject({ status: 'COMPLETED', launched: 6, active: 0 });
    expect(await f.deps.slots.holders(backfillSlotsKey(backfillId))).toEqual([]);
  });

  it('creates nothing twice: duplicate and concurrent pumps, and the same window requested again', async () => {
    const job = await hourly();
    const service = createBackfillService(f.deps);
    const d = driver();
    keepRunning(5);
    const { backfillId } = await service.create(job.jobId, { ...windowOf(5), maxConcurrency: 3 }, 'alice');
    const pump = { kind: 'backfill', backfillId: backfillId! } as const;
    await Promise.all([d.dispatcher.handle(pump), d.dispatcher.handle(pump), d.dispatcher.handle(pump)]);
    await d.drain();
    await d.dispatcher.handle(pump);
    await d.drain();
    let runs = await runsOf(job, 5);
    expect(runs).toHaveLength(3);
    expect(countBy(runs, 'RUNNING')).toBe(3);
    expect(new Set(f.executions.map((e) => e.runId)).size).toBe(f.executions.length);

    for (const run of runs) await finish(run.runId);
    await d.drain();
    runs = await runsOf(job, 5);
    for (const run of runs.filter((r) => r.status === 'RUNNING')) await finish(run.runId);
    await d.drain();
    runs = await runsOf(job, 5);
    expect(runs.map((r) => [r.status, r.attempt])).toEqual(Array(5).fill(['SUCCEEDED', 1]));

    const again = await service.create(job.jobId, { ...windowOf(5), maxConcurrency: 3 }, 'alice');
    expect(again).toMatchObject({ runs: 0, slots: 5, skipped: 5 });
    await d.drain();
    expect((await runsOf(job, 5)).map((r) => r.attempt)).toEqual([1, 1, 1, 1, 1]);
    expect(await service.get(again.backfillId!)).toMatchObject({ status: 'COMPLETED', launched: 0 });
  });

  it('reprocess: none skips slots with a run, failed reopens FAILED and TIMED_OUT, all reopens every ended run', async () => {
    const statuses: RunStatus[] = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'SKIPPED', 'RUNNING'];
    const job = await hourly({ retry: { maxAttempts: 2 } });
    const service = createBackfillService(f.deps);
    const seed = async () => {
      for (const [h, status] of statuses.entries()) {
        const runId = slotRunId(job.jobId, slotAt(h));
        const run = await f.deps.runs.get(runId);
        const record: RunRecord = {
          runId,
          jobId: job.jobId,
          scheduledFor: slotAt(h),
          trigger: 'schedule',
          status,
          attempt: 1,
          maxAttempts: 2,
          attempts: [{ attempt: 1, status }],
          slaMissed: false,
          lane: 'normal',
          leaseUntil: status === 'RUNNING' ? Date.parse('2031-01-01T00:00:00Z') : undefined,
          expiresAt: 2_000_000_000,
        };
        if (!run) await f.deps.runs.create(record);
      }
    };
    await seed();
    const d = driver();
    // Slot 6 has no run: every mode creates one.
    const none = await service.create(job.jobId, { ...windowOf(7), maxConcurrency: 10, dryRun: true }, 'a');
    expect(none).toEqual({ backfillId: null, runs: 1, slots: 7, skipped: 6, times: [slotAt(6)] });
    const failed = await service.create(
      job.jobId,
      { ...windowOf(7), maxConcurrency: 10, reprocess: 'failed', dryRun: true },
      'a',
    );
    expect(failed.times).toEqual([slotAt(1), slotAt(2), slotAt(6)]);
    expect(d.pending()).toEqual([]);

    const all = await service.create(
      job.jobId,
      { ...windowOf(7), maxConcurrency: 10, reprocess: 'all' },
      'a',
    );
    expect(all).toMatchObject({ runs: 6, slots: 7, skipped: 1 });
    await d.drain();
    const runs = await runsOf(job, 7);
    expect(runs).toHaveLength(7);
    // One record per slot: ended runs reopened with a new attempt; the running one untouched.
    expect(runs.map((r) => [r.status, r.attempt, r.backfillId === all.backfillId])).toEqual([
      ['SUCCEEDED', 2, true],
      ['SUCCEEDED', 2, true],
      ['SUCCEEDED', 2, true],
      ['SUCCEEDED', 2, true],
      ['SUCCEEDED', 2, true],
      ['RUNNING', 1, false],
      ['SUCCEEDED', 1, true],
    ]);
    expect(runs[1]).toMatchObject({ maxAttempts: 3, lane: 'low', trigger: 'schedule' });
    expect(runs[1]!.attempts.map((a) => a.status)).toEqual(['FAILED', 'SUCCEEDED']);
    expect(runs[6]).toMatchObject({ trigger: 'backfill', maxAttempts: 2 });
  });

  it('runs a paused job, and an overlap-skip job, past their own policies with its own concurrency', async () => {
    const job = await hourly({ concurrency: { max: 1, overlap: 'skip' } });
    await f.deps.jobs.setStatus(job.jobId, ['ACTIVE'], 'PAUSED', f.now().toISOString());
    const service = createBackfillService(f.deps);
    const d = driver();
    keepRunning(3);
    await service.create(job.jobId, { ...windowOf(3), maxConcurrency: 3 }, 'alice');
    await d.drain();
    expect((await runsOf(job, 3)).map((r) => r.status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect(await f.deps.slots.holders(job.jobId)).toEqual([]);
  });

  it('cancel stops every queued and running run, and a start racing the cancel ends its run CANCELLED', async () => {
    const job = await hourly();
    const service = createBackfillService(f.deps);
    const d = driver();
    keepRunning(2);
    const { backfillId } = await service.create(job.jobId, { ...windowOf(6), maxConcurrency: 3 }, 'op');
    // Deliver the pump only: three runs launched (created, claimed), their starts not yet delivered.
    await d.dispatcher.handle({ kind: 'backfill', backfillId: backfillId! });
    const starts = d.pending().filter((p) => p.message.kind === 'start');
    expect(starts).toHaveLength(3);
    for (const start of starts.slice(0, 2)) await d.dispatcher.handle(start.message);
    const before = await runsOf(job, 6);
    expect(before.map((r) => r.status)).toEqual(['RUNNING', 'RUNNING', 'QUEUED']);

    // The cancel is recorded first; a launch racing it finds the backfill cancelled when its start arrives.
    await f.deps.backfills.cancel(backfillId!);
    await d.dispatcher.handle(starts[2]!.message);
    const raced = (await runsOf(job, 6))[2]!;
    expect(raced).toMatchObject({
      status: 'CANCELLED',
      reason: `backfill ${backfillId} cancelled`,
      attempt: 0,
    });
    expect(f.executions.some((e) => e.runId === raced.runId)).toBe(false);

    const cancelled = await service.cancel(backfillId!, 'op');
    expect(cancelled).toMatchObject({ status: 'CANCELLED', active: 0, launched: 3 });
    expect(f.stopped).toEqual(expect.arrayContaining(before.slice(0, 2).map((r) => r.handle)));
    await d.drain();
    const after = await runsOf(job, 6);
    expect(after.map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    // Cancelling twice answers the same; no pump launches anything more.
    expect(await service.cancel(backfillId!, 'op')).toEqual(cancelled);
    await d.dispatcher.handle({ kind: 'backfill', backfillId: backfillId! });
    await d.drain();
    expect(await runsOf(job, 6)).toHaveLength(3);
  });

  it('waits for capacity with one recheck, restarts a queued run whose start was lost, and frees leaked slots', async () => {
    const job = await hourly();
    const service = createBackfillService(f.deps);
    const d = driver();
    const { backfillId } = await service.create(job.jobId, { ...windowOf(3), maxConcurrency: 1 }, 'op');
    const id = backfillId!;
    await d.dispatcher.handle({ kind: 'backfill', backfillId: id });
    // Its start lost: the run waits, queued, holding the only slot.
    const lost = d.pending().find((p) => p.message.kind === 'start')!;
    const first = slotRunId(job.jobId, slotAt(0));
    expect(await f.deps.slots.holders(backfillSlotsKey(id))).toEqual([first]);
    const plannedBefore = f.planned.length;
    await Promise.all([
      d.dispatcher.handle({ kind: 'backfill', backfillId: id }),
      d.dispatcher.handle({ kind: 'backfill', backfillId: id }),
    ]);
    // Three pumps found no free slot; one recheck is planned among them.
    const rechecks = d.pending().filter((p) => p.message.kind === 'backfill' && p.when > f.now());
    expect(rechecks).toEqual([
      {
        when: new Date(f.now().getTime() + RECHECK_MS),
        message: { kind: 'backfill', backfillId: id },
        lane: 'low',
      },
    ]);
    expect(f.planned.slice(plannedBefore)).toEqual([]);

    // A minute later the recheck finds the run still queued and starts it again; the lost start stays lost.
    const start = f.now();
    f.setNow(new Date(start.getTime() + RECHECK_MS));
    try {
      await d.dispatcher.handle(rechecks[0]!.message);
      const again = f.planned.slice(plannedBefore).filter((p) => p.message.kind === 'start');
      expect(again.map((p) => p.message)).toEqual([lost.message]);
      // The run ended without its release (a crash): the next pump frees the slot and launches the next slot.
      await d.dispatcher.handle(lost.message);
      await f.deps.slots.claim(backfillSlotsKey(id), first, 1);
      await d.dispatcher.handle({ kind: 'backfill', backfillId: id });
      expect(await f.deps.slots.holders(backfillSlotsKey(id))).toEqual([slotRunId(job.jobId, slotAt(1))]);
      await d.drain();
      expect((await runsOf(job, 3)).map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      expect(await service.get(id)).toMatchObject({ status: 'COMPLETED', launched: 3 });
    } finally {
      f.setNow(start);
    }
  });

  it('parks a run that lost its claim to a race: the next pump launches it, or a cancel cancels it', async () => {
    const job = await hourly();
    const service = createBackfillService(f.deps);
    const d = driver();
    // A pump whose claims all fail, as when other pumps took the last slots between its check and its claim.
    const racing = createDispatcher({ ...f.deps, slots: { ...f.deps.slots, claim: async () => false } });
    const first = await service.create(job.jobId, { ...windowOf(4), maxConcurrency: 2 }, 'op');
    await racing.handle({ kind: 'backfill', backfillId: first.backfillId! });
    const parked = slotRunId(job.jobId, slotAt(0));
    expect(await f.deps.backfills.get(first.backfillId!)).toMatchObject({ parked });
    expect(await runsOf(job, 4)).toMatchObject([{ runId: parked, status: 'QUEUED' }]);
    expect(await service.get(first.backfillId!)).toMatchObject({ status: 'RUNNING', active: 1, launched: 0 });
    expect(d.pending().filter((p) => p.message.kind === 'start')).toEqual([]);
    await d.drain();
    expect((await runsOf(job, 4)).map((r) => r.status)).toEqual(Array(4).fill('SUCCEEDED'));
    expect(await service.get(first.backfillId!)).toMatchObject({ status: 'COMPLETED', launched: 4 });

    const other = await hourly();
    const second = await service.create(other.jobId, windowOf(2), 'op');
    await racing.handle({ kind: 'backfill', backfillId: second.backfillId! });
    expect(await service.cancel(second.backfillId!, 'op')).toMatchObject({ status: 'CANCELLED', active: 0 });
    await d.drain();
    expect((await runsOf(other, 2)).map((r) => r.status)).toEqual(['CANCELLED']);
  });

  it('cancels the backfill when its job is deleted, and validates requests against the job', async () => {
    const job = await hourly();
    const service = createBackfillService(f.deps);
    const d = driver();
    const { backfillId } = await service.create(job.jobId, windowOf(3), 'op');
    await f.deps.jobs.setStatus(job.jobId, ['ACTIVE'], 'DELETED', f.now().toISOString());
    await d.drain();
    expect(await runsOf(job, 3)).toEqual([]);
    expect(await service.get(backfillId!)).toMatchObject({ status: 'CANCELLED', launched: 0 });
    await expect(service.create(job.jobId, windowOf(3), 'op')).rejects.toMatchObject({ status: 409 });
    await expect(service.get('bf_unknown')).rejects.toMatchObject({ status: 404 });
    await expect(service.cancel('bf_unknown', 'op')).rejects.toMatchObject({ status: 404 });
    const once = await f.createJob();
    await expect(service.create(once.jobId, windowOf(3), 'op')).rejects.toMatchObject({
      status: 400,
      problems: [{ path: 'path.jobId', message: expect.stringContaining("'at' schedule") }],
    });
  });
});
