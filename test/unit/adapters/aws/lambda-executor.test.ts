import {
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
  ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLambdaExecutor } from '../../../../lambdas/adapters/aws/lambda-executor.js';
import type { ExecutionContext } from '../../../../lambdas/ports.js';

const client = new LambdaClient({ region: 'us-east-1' });
const mock = mockClient(client);
afterEach(() => mock.reset());

const executor = createLambdaExecutor({ client });
const target = {
  type: 'lambda' as const,
  functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:work',
};
const ctx = (overrides: Partial<ExecutionContext> = {}): ExecutionContext => ({
  jobId: 'job_1',
  runId: 'run_1',
  attempt: 1,
  payload: { n: 1 },
  timeoutMs: 10_000,
  signal: new AbortController().signal,
  ...overrides,
});
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const tail = (text: string) => Buffer.from(text).toString('base64');
const metadata = { $metadata: {} };

describe('Lambda executor', () => {
  it('invokes synchronously with the payload and a log tail, and succeeds with the result', async () => {
    mock.on(InvokeCommand).resolves({
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
      Payload: bytes({ ok: true }) as never,
      LogResult: tail('START RequestId: abc\nhello from the function\nEND RequestId: abc\n'),
    });

    const outcome = await executor.execute(target, ctx());

    expect(mock.commandCalls(InvokeCommand)[0]!.args[0].input).toMatchObject({
      FunctionName: target.functionArn,
      InvocationType: 'RequestResponse',
      LogType: 'Tail',
    });
    const sent = mock.commandCalls(InvokeCommand)[0]!.args[0].input.Payload as Uint8Array;
    expect(JSON.parse(Buffer.from(sent).toString())).toEqual({ n: 1 });
    expect(outcome).toMatchObject({ status: 'succeeded', output: { ok: true } });
    expect(outcome.log).toContain('hello from the function');
  });

  it('turns a function error into a retryable failure typed by errorType', async () => {
    mock.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: bytes({ errorType: 'PaymentDeclined', errorMessage: 'card declined', trace: [] }) as never,
      LogResult: tail('ERROR Invoke Error {"errorType":"PaymentDeclined"}\n'),
    });

    const outcome = await executor.execute(target, ctx());

    expect(outcome).toMatchObject({
      status: 'failed',
      error: { type: 'PaymentDeclined', message: 'card declined', retryable: true },
      output: { errorType: 'PaymentDeclined' },
    });
    expect(outcome.log).toContain('ERROR Invoke Error');
  });

  it('falls back to the FunctionError kind when the payload has no errorType', async () => {
    mock
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: bytes('boom') as never });

    expect(await executor.execute(target, ctx())).toMatchObject({
      error: { type: 'Unhandled', message: 'boom', retryable: true },
    });
  });

  it.each([
    [
      new TooManyRequestsException({ message: 'Rate exceeded', ...metadata }),
      'TooManyRequestsException',
      true,
    ],
    [new ServiceException({ message: 'internal', ...metadata }), 'ServiceException', true],
    [
      new ResourceNotFoundException({ message: 'Function not found', ...metadata }),
      'ResourceNotFoundException',
      false,
    ],
  ])('classifies SDK error %#', async (error, type, retryable) => {
    mock.on(InvokeCommand).rejects(error);

    expect(await executor.execute(target, ctx())).toMatchObject({
      status: 'failed',
      error: { type, retryable },
    });
  });

  it('returns a Timeout or Cancelled failure when the signal aborts mid-call', async () => {
    mock.on(InvokeCommand).callsFake(() => new Promise(() => {}));
    const controller = new AbortController();
    setTimeout(
      () => controller.abort(Object.assign(new Error('cancelled by erin'), { name: 'CancelledError' })),
      10,
    );

    const cancelled = await executor.execute(target, ctx({ signal: controller.signal }));
    const timedOut = await executor.execute(target, ctx({ timeoutMs: 10 }));

    expect(cancelled).toMatchObject({
      status: 'failed',
      error: { type: 'Cancelled', message: 'cancelled by erin' },
    });
    expect(timedOut).toMatchObject({ status: 'failed', error: { type: 'Timeout', retryable: true } });
  });

  it('passes the abort signal to the SDK', async () => {
    mock.on(InvokeCommand).resolves({ StatusCode: 200 });
    const send = vi.spyOn(client, 'send');

    await executor.execute(target, ctx());

    expect(send.mock.calls[0]![1]).toEqual({ abortSignal: expect.any(AbortSignal) });
    send.mockRestore();
  });
});
