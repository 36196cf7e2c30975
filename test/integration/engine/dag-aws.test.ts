/**
 * DAG runs on the deployed path, on the embedded stack: the engine's services on dynalite with the real Step
 * Functions DAG executor over a mocked SFN client (no AWS). The latch's task writes are played with the run
 * store's own conditional write; the execution's end arrives as a "Step Functions Execution Status Change" event.
 */
import {
  SFNClient,
  StartExecutionCommand,
  type StartExecutionCommandInput,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSfnDagExecutor } from '../../../lambdas/adapters/aws/sfn-dag-executor.js';
import { sfnStatusEventToCompletion } from '../../../lambdas/adapters/aws/sfn-events.js';
import { DAG_FAILED_ERROR } from '../../../lambdas/core/dag/names.js';
import type { TaskState } from '../../../lambdas/core/run.js';
import { slotRunId } from '../../../lambdas/core/run-id.js';
import type { WorkflowRegistry } from '../../../lambdas/ports.js';
import { handleCompletion } from '../../../lambdas/services/dispatch/completion.js';
import type { EngineDeps } from '../../../lambdas/services/dispatch/deps.js';
import { createDispatcher } from '../../../lambdas/services/dispatch/dispatcher.js';
import { cancelRun } from '../../../lambdas/services/dispatch/start.js';
import { type EngineFixture, startEngineFixture } from './engine-fixture.js';

const PREFIX = 'arn:aws:states:us-east-1:123456789012';
const client = new SFNClient({ region: 'us-east-1' });
const sfn = mockClient(client);
const SLOT = '2030-01-01T00:00:00.000Z';

let f: EngineFixture;
let deps: EngineDeps;
beforeAll(async () => {
  f = await startEngineFixture();
  const workflows: WorkflowRegistry = {
    publish: async (jobId, version) => `${PREFIX}:stateMachine:Kairos-dev_${jobId}:${version}`,
    remove: async () => undefined,
  };
  deps = {
    ...f.deps,
    dags: createSfnDagExecutor({ client }),
    workflows,
    compileOptions: {
      latchFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:latch',
      httpExecutorFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:http',
      commandFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:command',
    },
  };
});
afterAll(async () => {
  await f.close();
});
afterEach(() => {
  sfn.reset();
  f.setNow(new Date(SLOT));
});

const fn = (name: string) => ({
  type: 'lambda',
  functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
});

/** A DAG job a → b, and c on its own; the job allows 3 attempts, so a whole-run retry would show. */
async function dagJob(timeoutSeconds = 600) {
  return f.createJob({
    target: undefined,
    tasks: [
      { id: 'a', target: fn('a') },
      { id: 'b', target: fn('b'), dependsOn: ['a'] },
      { id: 'c', target: fn('c') },
    ],
    timeoutSeconds,
  } as never);
}

const executionOf = (input: StartExecutionCommandInput) =>
  `${PREFIX}:execution:${input.stateMachineArn!.split(':')[6]}:${input.name}`;

/** Starts the job's slot run: StartExecution answers, the run is RUNNING with the execution as its handle. */
async function startedRun(jobId: string) {
  sfn.on(StartExecutionCommand).callsFake(async (input) => ({ executionArn: executionOf(input) }));
  await createDispatcher(deps).handle({ kind: 'fire', jobId, scheduledFor: SLOT });
  const runId = slotRunId(jobId, SLOT);
  const run = await deps.runs.get(runId);
  expect(run).toMatchObject({ status: 'RUNNING', attempt: 1, handle: expect.stringContaining(runId) });
  expect(Object.values(run!.tasks!).map((t) => t.status)).toEqual(['PENDING', 'PENDING', 'PENDING']);
  return { runId, handle: run!.handle! };
}

/** What the latch writes as tasks change. */
const task = (status: string, extra: Partial<TaskState> = {}): TaskState => ({
  status,
  attempt: 1,
  startedAt: '2030-01-01T00:00:01.000Z',
  ...(['PENDING', 'RUNNING'].includes(status) ? {} : { endedAt: '2030-01-01T00:00:02.000Z' }),
  ...extra,
});

/** The execution's end as EventBridge delivers it. */
function statusEvent(handle: string, status: string, error?: string, cause?: string) {
  const completion = sfnStatusEventToCompletion({
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    detail: { executionArn: handle, name: handle.split(':').at(-1), status, output: null, error, cause },
  });
  expect(completion).toBeDefined();
  return completion!;
}

describe('DAG runs on the deployed path', () => {
  it('cancel stops the execution and the tasks that had not ended show CANCELLED; its ABORTED event ends the attempt', async () => {
    const job = await dagJob();
    const { runId, handle } = await startedRun(job.jobId);
    sfn.on(StopExecutionCommand).resolves({});
    await deps.runs.setTaskState(runId, 1, 'a', task('SUCCEEDED'));
    await deps.runs.setTaskState(runId, 1, 'b', task('RUNNING'));
    f.setNow(new Date('2030-01-01T00:00:05Z'));

    const cancelled = await cancelRun(deps, runId, 'cancelled by ivy');

    expect(sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { executionArn: handle, error: 'Kairos.Stopped', cause: 'cancelled by ivy' },
    ]);
    const after = await deps.runs.get(runId);
    expect(cancelled.tasks).toEqual(after?.tasks);
    expect(after).toMatchObject({
      status: 'CANCELLED',
      tasks: {
        a: { status: 'SUCCEEDED', endedAt: '2030-01-01T00:00:02.000Z' },
        b: {
          status: 'CANCELLED',
          attempt: 1,
          startedAt: '2030-01-01T00:00:01.000Z',
          endedAt: '2030-01-01T00:00:05.000Z',
        },
        c: { status: 'CANCELLED', attempt: 0, endedAt: '2030-01-01T00:00:05.000Z' },
      },
    });

    // A latch call in flight when the execution stopped reopens c; the ABORTED event closes it again.
    await deps.runs.setTaskState(runId, 1, 'c', task('RUNNING'));
    f.setNow(new Date('2030-01-01T00:00:07Z'));
    await handleCompletion(deps, statusEvent(handle, 'ABORTED', 'Kairos.Stopped', 'cancelled by ivy'));

    const ended = await deps.runs.get(runId);
    expect(ended?.status).toBe('CANCELLED');
    expect(ended?.tasks?.c).toMatchObject({ status: 'CANCELLED', endedAt: '2030-01-01T00:00:07.000Z' });
    expect(ended?.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: 'CANCELLED',
        endedAt: '2030-01-01T00:00:07.000Z',
        handle,
      }),
    ]);
    expect(ended?.attempts[0]?.log ?? '').toContain('ABORTED');
  });

  it('a run whose tasks only timed out (with upstream failed, succeeded) ends TIMED_OUT, not retried as a whole', async () => {
    const job = await dagJob();
    const { runId, handle } = await startedRun(job.jobId);
    await deps.runs.setTaskState(
      runId,
      1,
      'a',
      task('TIMED_OUT', { error: { type: 'States.Timeout', message: 'timed out' } }),
    );
    await deps.runs.setTaskState(runId, 1, 'b', {
      status: 'UPSTREAM_FAILED',
      attempt: 0,
      endedAt: '2030-01-01T00:00:02.000Z',
    });
    await deps.runs.setTaskState(runId, 1, 'c', task('SUCCEEDED'));

    await handleCompletion(
      deps,
      statusEvent(handle, 'FAILED', DAG_FAILED_ERROR, 'one or more tasks did not succeed'),
    );

    const run = await deps.runs.get(runId);
    expect(run).toMatchObject({
      status: 'TIMED_OUT',
      attempt: 1,
      error: {
        type: 'Timeout',
        message: 'tasks timed out: a (TIMED_OUT), b (UPSTREAM_FAILED)',
        retryable: false,
      },
      attempts: [{ status: 'TIMED_OUT' }],
    });
    // The log says which task did what.
    const log =
      run?.attempts[0]?.log ?? (await deps.artifacts.getLog({ jobId: job.jobId, runId, attempt: 1 }));
    expect(log).toContain('a: TIMED_OUT, 1 attempt, 1.0 s — States.Timeout: timed out');
    expect(log).toContain('b: UPSTREAM_FAILED');
    expect(log).toContain('c: SUCCEEDED');
  });

  it('a run with a failed task ends FAILED (DagFailed), not retried as a whole', async () => {
    const job = await dagJob();
    const { runId, handle } = await startedRun(job.jobId);
    await deps.runs.setTaskState(
      runId,
      1,
      'a',
      task('FAILED', { attempt: 2, error: { type: 'Boom', message: 'x' } }),
    );
    await deps.runs.setTaskState(runId, 1, 'b', { status: 'UPSTREAM_FAILED', attempt: 0 });
    await deps.runs.setTaskState(runId, 1, 'c', task('TIMED_OUT'));

    await handleCompletion(
      deps,
      statusEvent(handle, 'FAILED', DAG_FAILED_ERROR, 'one or more tasks did not succeed'),
    );

    expect(await deps.runs.get(runId)).toMatchObject({
      status: 'FAILED',
      error: { type: 'DagFailed', retryable: false },
      attempts: [{ status: 'FAILED' }],
    });

    // An operator's retry (POST /v1/runs/{runId}/retry) re-runs the DAG: a new execution, fresh task states.
    await deps.runs.transition({
      runId,
      from: ['FAILED'],
      to: 'QUEUED',
      expectedAttempt: 1,
      set: { maxAttempts: 2, endedAt: undefined },
    });
    await createDispatcher(deps).handle({ kind: 'start', runId, attempt: 2 });
    const retried = await deps.runs.get(runId);
    expect(retried).toMatchObject({ status: 'RUNNING', attempt: 2, handle: `${handle}-a2` });
    expect(Object.values(retried!.tasks!)).toEqual([
      { status: 'PENDING', attempt: 0 },
      { status: 'PENDING', attempt: 0 },
      { status: 'PENDING', attempt: 0 },
    ]);
  });

  it('a run whose tasks all succeeded ends SUCCEEDED', async () => {
    const job = await dagJob();
    const { runId, handle } = await startedRun(job.jobId);
    for (const id of ['a', 'b', 'c']) await deps.runs.setTaskState(runId, 1, id, task('SUCCEEDED'));
    await handleCompletion(deps, statusEvent(handle, 'SUCCEEDED'));
    expect((await deps.runs.get(runId))?.status).toBe('SUCCEEDED');
  });

  it('a timeout stops the execution and cancels the open tasks before the attempt is recorded TIMED_OUT', async () => {
    const job = await dagJob(30);
    const { runId, handle } = await startedRun(job.jobId);
    sfn.on(StopExecutionCommand).resolves({});
    await deps.runs.setTaskState(runId, 1, 'a', task('RUNNING'));
    f.setNow(new Date('2030-01-01T00:01:00Z'));

    await createDispatcher(deps).handle({
      kind: 'timeout',
      runId,
      attempt: 1,
      deadline: '2030-01-01T00:00:35.000Z',
    });

    expect(sfn.commandCalls(StopExecutionCommand)[0]?.args[0].input.executionArn).toBe(handle);
    const run = await deps.runs.get(runId);
    expect(run).toMatchObject({ status: 'RETRYING', attempts: [{ status: 'TIMED_OUT' }] });
    expect(Object.values(run!.tasks!).map((t) => t.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
  });

  it('an execution that starts after a cancel (no handle to stop yet) is stopped, and its end closes the tasks', async () => {
    const job = await dagJob();
    const runId = slotRunId(job.jobId, SLOT);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let called!: () => void;
    const starting = new Promise<void>((resolve) => {
      called = resolve;
    });
    sfn.on(StartExecutionCommand).callsFake(async (input) => {
      called();
      await gate;
      return { executionArn: executionOf(input) };
    });
    sfn.on(StopExecutionCommand).resolves({});
    const dispatching = createDispatcher(deps).handle({ kind: 'fire', jobId: job.jobId, scheduledFor: SLOT });
    await starting;
    // Another process (the API) cancels: the run is RUNNING with no handle yet, and its attempt is not here.
    const control = deps.control;
    const cancelled = await cancelRun(
      { ...deps, control: { ...control, abort: () => false } },
      runId,
      'cancelled by ivy',
    );
    expect(cancelled.status).toBe('CANCELLED');
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
    release();
    await dispatching;

    const handle = `${PREFIX}:execution:Kairos-dev_${job.jobId}:${runId}`;
    expect(sfn.commandCalls(StopExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual([handle]);
    expect(await deps.runs.get(runId)).toMatchObject({ status: 'CANCELLED', handle });

    await deps.runs.setTaskState(runId, 1, 'a', task('RUNNING'));
    await handleCompletion(deps, statusEvent(handle, 'ABORTED', 'Kairos.Stopped', 'cancelled by ivy'));
    const run = await deps.runs.get(runId);
    expect(Object.values(run!.tasks!).map((t) => t.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect(run?.attempts[0]).toMatchObject({ status: 'CANCELLED', handle });
  });

  it('a start that finds its execution already failed takes the end its tasks explain', async () => {
    const job = await dagJob();
    const runId = slotRunId(job.jobId, SLOT);
    // The latch wrote a's timeout before this answer arrived (a redelivered start whose execution ran already).
    sfn.on(StartExecutionCommand).callsFake(async () => {
      await deps.runs.setTaskState(runId, 1, 'a', task('TIMED_OUT'));
      await deps.runs.setTaskState(runId, 1, 'b', { status: 'UPSTREAM_FAILED', attempt: 0 });
      await deps.runs.setTaskState(runId, 1, 'c', task('SUCCEEDED'));
      const error = new Error('exists');
      error.name = 'ExecutionAlreadyExists';
      throw error;
    });
    const { DescribeExecutionCommand } = await import('@aws-sdk/client-sfn');
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      input: '{"payload":null}',
      error: DAG_FAILED_ERROR,
      cause: 'one or more tasks did not succeed',
    });
    await createDispatcher(deps).handle({ kind: 'fire', jobId: job.jobId, scheduledFor: SLOT });
    expect(await deps.runs.get(runId)).toMatchObject({ status: 'TIMED_OUT', error: { type: 'Timeout' } });
  });
});
