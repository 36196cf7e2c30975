import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSfnDagExecutor } from '../../../../lambdas/adapters/aws/sfn-dag-executor.js';
import { sfnStatusEventToCompletion } from '../../../../lambdas/adapters/aws/sfn-events.js';
import type { DagAttempt } from '../../../../lambdas/ports.js';

const client = new SFNClient({ region: 'us-east-1' });
const mock = mockClient(client);
afterEach(() => mock.reset());

const VERSION = 'arn:aws:states:us-east-1:123456789012:stateMachine:Kairos-dev_job1:3';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:Kairos-dev_job1:run_abc';
const executor = createSfnDagExecutor({ client });
const attempt = (n: number, overrides: Partial<DagAttempt> = {}): DagAttempt => ({
  jobId: 'job1',
  runId: 'run_abc',
  attempt: n,
  versionArn: VERSION,
  payload: { day: '2024-05-01' },
  signal: new AbortController().signal,
  onTask: async () => {},
  ...overrides,
});
const exists = () => new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} });

describe('Step Functions DAG executor', () => {
  it('starts the run version named after the run, with the payload as input', async () => {
    mock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });

    const outcome = await executor.execute(attempt(1));

    expect(outcome).toMatchObject({ status: 'started', handle: EXECUTION });
    expect(mock.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: VERSION,
      name: 'run_abc',
      input: '{"payload":{"day":"2024-05-01"}}',
    });
  });

  it('names a retry <runId>-a<attempt>, and a missing payload is null', async () => {
    mock.on(StartExecutionCommand).resolves({ executionArn: `${EXECUTION}-a2` });

    await executor.execute(attempt(2, { payload: undefined }));

    expect(mock.commandCalls(StartExecutionCommand)[0]!.args[0].input).toMatchObject({
      name: 'run_abc-a2',
      input: '{"payload":null}',
    });
  });

  it('takes an execution of the same name and input as this attempt, started before', async () => {
    mock.on(StartExecutionCommand).rejects(exists());
    mock
      .on(DescribeExecutionCommand, { executionArn: EXECUTION })
      .resolves({ status: 'RUNNING', input: '{ "payload": { "day": "2024-05-01" } }' });

    expect(await executor.execute(attempt(1))).toMatchObject({ status: 'started', handle: EXECUTION });
  });

  it('answers with the end of an execution of this attempt that is already over', async () => {
    mock.on(StartExecutionCommand).rejects(exists());
    mock.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      input: '{"payload":{"day":"2024-05-01"}}',
      error: 'Kairos.DagFailed',
      cause: 'tasks failed',
    });

    expect(await executor.execute(attempt(1))).toMatchObject({
      status: 'failed',
      error: { type: 'Kairos.DagFailed', retryable: true },
    });
  });

  it('fails for good on a name taken by another input', async () => {
    mock.on(StartExecutionCommand).rejects(exists());
    mock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', input: '{"payload":{"day":"other"}}' });

    expect(await executor.execute(attempt(1))).toMatchObject({
      status: 'failed',
      error: { type: 'ExecutionAlreadyExists', retryable: false },
    });
  });

  it('fails for good when the version is gone', async () => {
    mock.on(StartExecutionCommand).rejects(new StateMachineDoesNotExist({ message: 'gone', $metadata: {} }));

    expect(await executor.execute(attempt(1))).toMatchObject({
      status: 'failed',
      error: { type: 'StateMachineDoesNotExist', retryable: false },
    });
  });

  it('stops the execution by its handle', async () => {
    mock.on(StopExecutionCommand).resolves({});

    await executor.stop!(EXECUTION, 'cancelled by ivy');

    expect(mock.commandCalls(StopExecutionCommand)[0]!.args[0].input).toEqual({
      executionArn: EXECUTION,
      error: 'Kairos.Stopped',
      cause: 'cancelled by ivy',
    });
  });
});

describe('the end of a DAG execution', () => {
  const event = (name: string, status: string) => ({
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    detail: { executionArn: `${EXECUTION}`, name, status, output: null, error: null, cause: null },
  });

  it.each([
    ['run_abc', 1],
    ['run_abc-a3', 3],
  ])('names the run and attempt of %s', (name, n) => {
    expect(sfnStatusEventToCompletion(event(name, 'SUCCEEDED'))).toMatchObject({
      runId: 'run_abc',
      attempt: n,
    });
  });

  it.each([
    ['SUCCEEDED', { status: 'succeeded' }],
    ['FAILED', { status: 'failed', error: { type: 'ExecutionFailed', retryable: true } }],
    ['TIMED_OUT', { status: 'failed', error: { type: 'Timeout', retryable: true } }],
    ['ABORTED', { status: 'failed', error: { type: 'ExecutionAborted', retryable: false } }],
  ])('maps %s', (status, outcome) => {
    expect(sfnStatusEventToCompletion(event('run_abc', status))?.outcome).toMatchObject(outcome);
  });
});
