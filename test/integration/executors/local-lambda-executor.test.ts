import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLocalLambdaExecutor } from '../../../lambdas/adapters/local/local-lambda-executor.js';
import { context, reason } from './support.js';

const functionsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'functions.json');
const executor = createLocalLambdaExecutor({ functionsFile });
const lambda = (functionArn: string) => ({ type: 'lambda' as const, functionArn });

describe('local Lambda executor', () => {
  it('calls the mapped handler with the payload and a Lambda context', async () => {
    const outcome = await executor.execute(lambda('echo'), context({ attempt: 2, timeoutMs: 5000 }));

    expect(outcome).toMatchObject({
      status: 'succeeded',
      output: { received: { hello: 'world' }, functionName: 'echo', requestId: 'run_test-2' },
    });
    const remaining = (outcome as { output: { remainingMs: number } }).output.remainingMs;
    expect(remaining).toBeGreaterThan(4000);
    expect(remaining).toBeLessThanOrEqual(5000);
    expect(outcome.log).toContain('START RequestId: run_test-2');
    expect(outcome.log).toContain('REPORT RequestId: run_test-2');
  });

  it('resolves an ARN by its function name and a name by an ARN key', async () => {
    const byArn = await executor.execute(
      lambda('arn:aws:lambda:eu-west-1:123456789012:function:echo'),
      context(),
    );
    const byName = await executor.execute(lambda('fails'), context());

    expect(byArn.status).toBe('succeeded');
    expect(byName.status).toBe('failed');
  });

  it('captures console output of the call, concurrent calls apart', async () => {
    const [a, b] = await Promise.all([
      executor.execute(lambda('chatty'), context({ payload: { name: 'ada' } })),
      executor.execute(lambda('chatty'), context({ payload: { name: 'bob' } })),
    ]);

    expect(a).toMatchObject({ status: 'succeeded', output: 'done' });
    expect(a.log).toMatch(/INFO\thello ada\n/);
    expect(a.log).toMatch(/ERROR\tsomething to stderr \{ code: 7 \}/);
    expect(a.log).not.toContain('bob');
    expect(b.log).toMatch(/INFO\thello bob\n/);
  });

  it('turns a thrown error into a retryable failure named after the error', async () => {
    const outcome = await executor.execute(
      lambda('arn:aws:lambda:us-east-1:123456789012:function:fails'),
      context(),
    );

    expect(outcome).toMatchObject({
      status: 'failed',
      error: { type: 'PaymentDeclined', message: 'card 4242 declined', retryable: true },
    });
    expect(outcome.log).toContain('PaymentDeclined: card 4242 declined');
  });

  it('fails for good on an unknown function, listing the known ones', async () => {
    const outcome = await executor.execute(lambda('nope'), context());

    expect(outcome).toMatchObject({
      status: 'failed',
      error: { type: 'FunctionNotFound', retryable: false },
    });
    const message = (outcome as { error: { message: string } }).error.message;
    expect(message).toContain('nope');
    expect(message).toContain('echo, chatty');
  });

  it('fails for good on a module that does not load or an export that is no function', async () => {
    const broken = await executor.execute(lambda('broken'), context());
    const notAFunction = await executor.execute(lambda('not-a-function'), context());

    expect(broken).toMatchObject({ error: { type: 'Runtime.ImportModuleError', retryable: false } });
    expect((broken as { error: { message: string } }).error.message).toContain('broken at import time');
    expect(notAFunction).toMatchObject({ error: { type: 'Runtime.HandlerNotFound', retryable: false } });
  });

  it('gives up on a slow handler at the timeout or on cancel', async () => {
    const timedOut = await executor.execute(lambda('slow'), context({ timeoutMs: 100 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason('CancelledError', 'cancelled by carol')), 50);
    const cancelled = await executor.execute(lambda('slow'), context({ signal: controller.signal }));

    expect(timedOut).toMatchObject({ status: 'failed', error: { type: 'Timeout', retryable: true } });
    expect(cancelled).toMatchObject({
      status: 'failed',
      error: { type: 'Cancelled', message: 'cancelled by carol' },
    });
  });

  it('reports a missing functions file as FunctionNotFound', async () => {
    const missing = createLocalLambdaExecutor({ functionsFile: '/nonexistent/functions.json' });

    const outcome = await missing.execute(lambda('echo'), context());

    expect(outcome).toMatchObject({
      status: 'failed',
      error: { type: 'FunctionNotFound', retryable: false },
    });
  });
});
