import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotRunId } from '../../../lambdas/core/run-id.js';
import { completeAttempt } from '../../../lambdas/services/dispatch/complete.js';
import { handleCompletion } from '../../../lambdas/services/dispatch/completion.js';
import { createDispatcher } from '../../../lambdas/services/dispatch/dispatcher.js';
import { type EngineFixture, startEngineFixture } from './engine-fixture.js';

let f: EngineFixture;
beforeAll(async () => {
  f = await startEngineFixture();
});
afterAll(async () => {
  await f.close();
});

const fireOf = (jobId: string, scheduledFor = '2030-01-01T00:00:00.000Z') =>
  ({ kind: 'fire', jobId, scheduledFor }) as const;

describe('dispatcher on the embedded stack', () => {
  it('creates a one-time run claimed, with its deadline check planned first, and runs it once', async () => {
    const job = await f.createJob({ timeoutSeconds: 60 });
    const dispatcher = createDispatcher(f.deps);
    const before = f.planned.length;
    await dispatcher.handle(fireOf(job.jobId));
    await dispatcher.handle(fireOf(job.jobId));
    const runId = slotRunId(job.jobId, '2030-01-01T00:00:00.000Z');
    expect(f.executions.filter((e) => e.runId === runId)).toEqual([{ runId, attempt: 1 }]);
    expect(await f.deps.runs.get(runId)).toMatchObject({
      status: 'SUCCEEDED',
      attempt: 1,
      attempts: [{ log: 'ok' }],
    });
    const deadline = f.planned.slice(before).find((p) => p.message.kind === 'timeout');
    expect(deadline?.message).toMatchObject({ runId, attempt: 1, deadline: '2030-01-01T00:01:05.000Z' });
  });

  it('retries a retryable failure after the backoff, once per attempt, then succeeds', async () => {
    const job = await f.createJob();
    const dispatcher = createDispatcher(f.deps);
    f.outcomes.push({
      status: 'failed',
      error: { type: 'Boom', message: 'x', retryable: true },
      log: 'boom',
    });
    await dispatcher.handle(fireOf(job.jobId));
    const runId = slotRunId(job.jobId, '2030-01-01T00:00:00.000Z');
    expect(await f.deps.runs.get(runId)).toMatchObject({
      status: 'RETRYING',
      attempt: 1,
      retryAt: '2030-01-01T00:00:10.000Z',
    });
    const retry = f.planned.at(-1)!;
    expect(retry).toMatchObject({
      message: { kind: 'start', runId, attempt: 2 },
      when: new Date('2030-01-01T00:00:10Z'),
    });
    await dispatcher.handle({ kind: 'start', runId, attempt: 2 });
    await dispatcher.handle({ kind: 'start', runId, attempt: 2 });
    const run = await f.deps.runs.get(runId);
    expect(run).toMatchObject({ status: 'SUCCEEDED', attempt: 2 });
    expect(run?.attempts.map((a) => a.status)).toEqual(['FAILED', 'SUCCEEDED']);
    expect(f.executions.filter((e) => e.runId === runId)).toHaveLength(2);
  });

  it('fails a non-retryable error at once and records a dead letter', async () => {
    const job = await f.createJob({ retry: { maxAttempts: 5, nonRetryableErrors: ['BadInput'] } });
    f.outcomes.push({
      status: 'failed',
      error: { type: 'BadInput', message: 'no', retryable: true },
      log: 'no',
    });
    await createDispatcher(f.deps).handle(fireOf(job.jobId));
    const runId = slotRunId(job.jobId, '2030-01-01T00:00:00.000Z');
    expect(await f.deps.runs.get(runId)).toMatchObject({
      status: 'FAILED',
      attempt: 1,
      error: { type: 'BadInput' },
    });
    expect(f.deadLetters.at(-1)).toMatchObject({ runId, jobId: job.jobId });
  });

  it('times out an attempt whose dispatcher is gone and rejects its late report', async () => {
    const job = await f.createJob({ timeoutSeconds: 30 });
    const runId = slotRunId(job.jobId, '2030-01-01T00:00:00.000Z');
    // An async target: the run stays RUNNING with the execution's handle.
    f.outcomes.push({ status: 'started', handle: 'exec-1', log: 'started' });
    const dispatcher = createDispatcher(f.deps);
    await dispatcher.handle(fireOf(job.jobId));
    expect(await f.deps.runs.get(runId)).toMatchObject({ status: 'RUNNING', handle: 'exec-1' });
    // A check before the deadline re-arms itself within SQS's 900 s.
    const early = { kind: 'timeout', runId, attempt: 1, deadline: '2030-01-01T00:00:35.000Z' } as const;
    await dispatcher.handle(early);
    expect(f.planned.at(-1)?.message).toEqual(early);
    f.setNow(new Date('2030-01-01T00:00:40Z'));
    await dispatcher.handle(early);
    expect(f.stopped).toContain('exec-1');
    const run = await f.deps.runs.get(runId);
    expect(run).toMatchObject({
      status: 'RETRYING',
      attempt: 1,
      attempts: [{ status: 'TIMED_OUT', error: { type: 'Timeout' } }],
    });
    const late = await completeAttempt(f.deps, runId, 1, { status: 'succeeded', log: 'too late' });
    expect(late).toBeUndefined();
    await handleCompletion(f.deps, {
      runId,
      attempt: 1,
      handle: 'exec-1',
      outcome: { status: 'succeeded', log: 'late' },
    });
    expect((await f.deps.runs.get(runId))?.status).toBe('RETRYING');
    f.setNow(new Date('2030-01-01T00:00:00Z'));
  });

  it('completes an async attempt from its completion event, ignoring other handles', async () => {
    const job = await f.createJob();
    const runId = slotRunId(job.jobId, '2030-01-01T00:00:00.000Z');
    f.outcomes.push({ status: 'started', handle: 'task-7', log: 'started' });
    await createDispatcher(f.deps).handle(fireOf(job.jobId));
    await handleCompletion(f.deps, {
      runId,
      attempt: 1,
      handle: 'task-other',
      outcome: { status: 'succeeded', log: '' },
    });
    expect((await f.deps.runs.get(runId))?.status).toBe('RUNNING');
    await handleCompletion(f.deps, {
      runId,
      attempt: 1,
      handle: 'task-7',
      outcome: { status: 'succeeded', log: 'exit 0' },
    });
    expect(await f.deps.runs.get(runId)).toMatchObject({
      status: 'SUCCEEDED',
      attempts: [{ handle: 'task-7', log: 'exit 0' }],
    });
  });

  it('takes over an attempt whose lease ran out, and re-plans a retry a crash lost', async () => {
    const job = await f.createJob();
    const runId = slotRunId(job.jobId, '2030-01-01T00:00:00.000Z');
    await f.deps.runs.create({
      runId,
      jobId: job.jobId,
      scheduledFor: '2030-01-01T00:00:00.000Z',
      trigger: 'schedule',
      status: 'RUNNING',
      attempt: 1,
      maxAttempts: 3,
      attempts: [{ attempt: 1, status: 'RUNNING', startedAt: '2029-12-31T23:59:00.000Z' }],
      slaMissed: false,
      leaseUntil: Date.parse('2029-12-31T23:59:30Z'),
    });
    await createDispatcher(f.deps).handle({ kind: 'start', runId, attempt: 1 });
    const run = await f.deps.runs.get(runId);
    expect(run).toMatchObject({
      status: 'RETRYING',
      attempts: [{ status: 'FAILED', error: { type: 'LeaseExpired' } }],
    });
    const before = f.planned.length;
    await createDispatcher(f.deps).handle({ kind: 'timeout', runId, attempt: 1 });
    expect(f.planned.slice(before)).toEqual([
      { when: new Date(run!.retryAt!), message: { kind: 'start', runId, attempt: 2 }, lane: 'normal' },
    ]);
  });

  it('records a paused slot as SKIPPED and keeps the chain, and drops a slot not in the schedule', async () => {
    const job = await f.createJob({ schedule: { type: 'rate', every: '5 minutes' } }, 'PAUSED');
    await createDispatcher(f.deps).handle(fireOf(job.jobId, job.createdAt));
    expect(await f.deps.runs.get(slotRunId(job.jobId, job.createdAt))).toMatchObject({
      status: 'SKIPPED',
      reason: 'paused',
    });
    expect(f.planned.at(-1)?.message).toEqual({
      kind: 'fire',
      jobId: job.jobId,
      scheduledFor: '2030-01-01T00:05:00.000Z',
    });
    const before = f.planned.length;
    await createDispatcher(f.deps).handle(fireOf(job.jobId, '2030-01-01T00:01:00.000Z'));
    expect(await f.deps.runs.get(slotRunId(job.jobId, '2030-01-01T00:01:00.000Z'))).toBeUndefined();
    expect(f.planned.length).toBe(before);
  });
});

describe('concurrency slots', () => {
  it('gives exactly max of many concurrent claims, re-claims for a holder, and frees on release', async () => {
    const runs = ['r1', 'r2', 'r3', 'r4', 'r5'];
    const results = await Promise.all(runs.map((r) => f.deps.slots.claim('job_slots', r, 2)));
    expect(results.filter(Boolean)).toHaveLength(2);
    const holders = await f.deps.slots.holders('job_slots');
    expect(holders).toHaveLength(2);
    expect(await f.deps.slots.claim('job_slots', holders[0], 2)).toBe(true);
    const outsider = runs.find((r) => !holders.includes(r))!;
    expect(await f.deps.slots.claim('job_slots', outsider, 2)).toBe(false);
    await f.deps.slots.release('job_slots', holders[0]);
    expect(await f.deps.slots.claim('job_slots', outsider, 2)).toBe(true);
  });
});
