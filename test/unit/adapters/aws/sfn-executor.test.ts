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
import {
  createStepFunctionsExecutor,
  executionArn,
  executionName,
} from '../../../../lambdas/adapters/aws/sfn-executor.js';
import type { ExecutionContext } from '../../../../lambdas/ports.js';

const client = new SFNClient({ region: 'us-east-1' });
const mock = mockClient(client);
afterEach(() => mock.reset());

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:Etl';
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:Etl:run_1-2';
const executor = createStepFunctionsExecutor({ client });
const target = { type: 'stepfunctions' as const, stateMachineArn: MACHINE };
const ctx: ExecutionContext = {
  jobId: 'job_1',
  runId: 'run_1',
  attempt: 2,
  payload: { day: '2024-05-01' },
  timeoutMs: 10_000,
  signal: new AbortController().signal,
};
const exists = () => new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} });

describe('Step Functions executor', () => {
  it('starts an execution named after the attempt with the payload as input', async () => {
    mock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });

    const outcome = await executor.execute(target, ctx);

    expect(outcome).toMatchObject({ status: 'started', handle: EXECUTION });
    expect(mock.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: MACHINE,
      name: 'run_1-2',
      input: '{"day":"2024-05-01"}',
    });
  });

  it('counts an existing execution with the same input as started', async () => {
    mock.on(StartExecutionCommand).rejects(exists());
    mock.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION,
      status: 'RUNNING',
      input: '{ "day": "2024-05-01" }',
    } as never);

    const outcome = await executor.execute(target, ctx);

    expect(outcome).toMatchObject({ status: 'started', handle: EXECUTION });
    expect(mock.commandCalls(DescribeExecutionCommand)[0]!.args[0].input).toEqual({
      executionArn: EXECUTION,
    });
  });

  it('answers with the end of an existing execution that is already over', async () => {
    mock.on(StartExecutionCommand).rejects(exists());
    mock.on(DescribeExecutionCommand).resolves({
      status: 'SUCCEEDED',
      input: '{"day":"2024-05-01"}',
      output: '{"rows":42}',
    } as never);

    expect(await executor.execute(target, ctx)).toMatchObject({ status: 'succeeded', output: { rows: 42 } });
  });

  it('fails for good when the existing execution has another input', async () => {
    mock.on(StartExecutionCommand).rejects(exists());
    mock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', input: '{"day":"2024-04-30"}' } as never);

    expect(await executor.execute(target, ctx)).toMatchObject({
      status: 'failed',
      error: { type: 'ExecutionAlreadyExists', retryable: false },
    });
  });

  it('fails for good on a missing state machine', async () => {
    mock
      .on(StartExecutionCommand)
      .rejects(new StateMachineDoesNotExist({ message: 'no such machine', $metadata: {} }));

    expect(await executor.execute(target, ctx)).toMatchObject({
      status: 'failed',
      error: { type: 'StateMachineDoesNotExist', message: 'no such machine', retryable: false },
    });
  });

  it('stops an execution by its handle', async () => {
    mock.on(StopExecutionCommand).resolves({ stopDate: new Date() });

    await executor.stop!(EXECUTION, 'cancelled by hal');

    expect(mock.commandCalls(StopExecutionCommand)[0]!.args[0].input).toEqual({
      executionArn: EXECUTION,
      error: 'Kairos.Stopped',
      cause: 'cancelled by hal',
    });
  });

  it('names executions within the 80 characters and the characters Step Functions allows', () => {
    expect(executionName('run_1', 12)).toBe('run_1-12');
    expect(executionName('a b:c/d', 1)).toBe('a_b_c_d-1');
    expect(executionName('r'.repeat(100), 3)).toBe(`${'r'.repeat(78)}-3`);
    expect(executionArn(`${MACHINE}:4`, 'run_1-2')).toBe(EXECUTION);
  });
});
