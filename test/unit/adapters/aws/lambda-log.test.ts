import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLambdaLog } from '../../../../lambdas/adapters/aws/lambda-log.js';

/** What the function writes to stdout and stderr (Powertools writes WARN and ERROR there), one JSON document a line. */
function captureOutput() {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

const ENV = { KAIROS_STAGE: 'prod', KAIROS_VERSION: '1.2.3', KAIROS_LOG_LEVEL: 'INFO' };
const CONTEXT = {
  functionName: 'Kairos-prod-Dispatcher',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:Kairos-prod-Dispatcher',
  memoryLimitInMB: '1024',
  awsRequestId: 'req-1',
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createLambdaLog', () => {
  it('writes each engine entry as one JSON line with its run and job ids, the stage, version and request id', () => {
    const read = captureOutput();
    const { log, logger } = createLambdaLog({ env: ENV });
    logger.addContext(CONTEXT as never);
    log({ level: 'INFO', message: 'attempt started', runId: 'run_1', jobId: 'job_1', attempt: 1 });
    expect(read()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'attempt started',
        service: 'kairos',
        stage: 'prod',
        version: '1.2.3',
        function_request_id: 'req-1',
        function_name: 'Kairos-prod-Dispatcher',
        runId: 'run_1',
        jobId: 'job_1',
        attempt: 1,
      }),
    ]);
  });

  it('maps the entry level and applies KAIROS_LOG_LEVEL', () => {
    const read = captureOutput();
    const { log } = createLambdaLog({ env: { ...ENV, KAIROS_LOG_LEVEL: 'WARN' } });
    log({ level: 'INFO', message: 'dropped' });
    log({ level: 'WARN', message: 'stale attempt report rejected', runId: 'run_2' });
    log({ level: 'ERROR', message: 'dispatch failed', error: new Error('boom') });
    expect(read().map((line) => [line.level, line.message])).toEqual([
      ['WARN', 'stale attempt report rejected'],
      ['ERROR', 'dispatch failed'],
    ]);
  });

  it('serializes an Error with its name, message and stack', () => {
    const read = captureOutput();
    createLambdaLog({ env: ENV }).log({
      level: 'ERROR',
      message: 'dispatch failed',
      error: new Error('boom'),
    });
    expect(read()[0]?.error).toMatchObject({ name: 'Error', message: 'boom', stack: expect.any(String) });
  });

  it('writes each EMF document as its own stdout line, unchanged', () => {
    const written: string[] = [];
    const { metrics } = createLambdaLog({ env: ENV, write: (text) => void written.push(text) });
    const doc = JSON.stringify({ _aws: { Timestamp: 1 }, Stage: 'prod', RunsStarted: 1 });
    metrics(doc);
    expect(written).toEqual([`${doc}\n`]);
  });
});
