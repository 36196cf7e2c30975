import { describe, expect, it } from 'vitest';
import { sfnStatusEventToCompletion } from '../../../../lambdas/adapters/aws/sfn-executor.js';

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:Etl:run_abc-2';
const event = (detail: Record<string, unknown>) => ({
  'detail-type': 'Step Functions Execution Status Change',
  source: 'aws.states',
  detail: { executionArn: EXECUTION, name: 'run_abc-2', output: null, error: null, cause: null, ...detail },
});

describe('sfnStatusEventToCompletion', () => {
  it('succeeds with the parsed output, naming run and attempt', () => {
    expect(sfnStatusEventToCompletion(event({ status: 'SUCCEEDED', output: '{"rows":42}' }))).toMatchObject({
      handle: EXECUTION,
      runId: 'run_abc',
      attempt: 2,
      outcome: { status: 'succeeded', output: { rows: 42 } },
    });
  });

  it('notes an output too large for the event', () => {
    const completion = sfnStatusEventToCompletion(
      event({ status: 'SUCCEEDED', outputDetails: { included: false } }),
    );

    expect(completion?.outcome).not.toHaveProperty('output');
    expect(completion?.outcome.log).toContain('output too large');
  });

  it.each([
    [
      { status: 'FAILED', error: 'States.TaskFailed', cause: 'the task failed' },
      { type: 'States.TaskFailed', message: 'the task failed', retryable: true },
    ],
    [{ status: 'FAILED' }, { type: 'ExecutionFailed', retryable: true }],
    [{ status: 'TIMED_OUT' }, { type: 'Timeout', retryable: true }],
    [
      { status: 'ABORTED', cause: 'cancelled by ivy' },
      { type: 'ExecutionAborted', message: 'cancelled by ivy', retryable: false },
    ],
  ])('fails on %o', (detail, error) => {
    expect(sfnStatusEventToCompletion(event(detail))?.outcome).toMatchObject({ status: 'failed', error });
  });

  it('ignores running executions and other events', () => {
    expect(sfnStatusEventToCompletion(event({ status: 'RUNNING' }))).toBeUndefined();
    expect(
      sfnStatusEventToCompletion({ 'detail-type': 'Other', detail: { status: 'SUCCEEDED' } }),
    ).toBeUndefined();
    expect(sfnStatusEventToCompletion('nonsense')).toBeUndefined();
  });
});
