import { describe, expect, it } from 'vitest';
import { ecsTaskEventToCompletion } from '../../../../lambdas/adapters/aws/fargate-executor.js';

const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/kairos/0123456789abcdef';

const event = (detail: Record<string, unknown>) => ({
  version: '0',
  'detail-type': 'ECS Task State Change',
  source: 'aws.ecs',
  detail: {
    taskArn: TASK,
    lastStatus: 'STOPPED',
    startedBy: 'run_abc',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    overrides: {
      containerOverrides: [
        {
          name: 'app',
          environment: [
            { name: 'KAIROS_RUN_ID', value: 'run_abc' },
            { name: 'KAIROS_ATTEMPT', value: '3' },
          ],
        },
      ],
    },
    containers: [
      { name: 'app', exitCode: 0, lastStatus: 'STOPPED' },
      { name: 'log-router', exitCode: 143, lastStatus: 'STOPPED' },
    ],
    ...detail,
  },
});

describe('ecsTaskEventToCompletion', () => {
  it('succeeds when the container that got the run exited 0, sidecars aside', () => {
    const completion = ecsTaskEventToCompletion(event({}));

    expect(completion).toMatchObject({
      handle: TASK,
      runId: 'run_abc',
      attempt: 3,
      outcome: { status: 'succeeded', output: { exitCodes: { app: 0, 'log-router': 143 } } },
    });
    expect(completion!.outcome.log).toContain('container app: exit code 0');
  });

  it('fails retryably with the exit code of the main container', () => {
    const completion = ecsTaskEventToCompletion(
      event({ containers: [{ name: 'app', exitCode: 2, reason: 'OutOfMemoryError' }] }),
    );

    expect(completion?.outcome).toMatchObject({
      status: 'failed',
      error: {
        type: 'ExitCode',
        message: 'container app exited with code 2 (OutOfMemoryError)',
        retryable: true,
      },
    });
  });

  it('judges every container when no override names the main one', () => {
    const completion = ecsTaskEventToCompletion(event({ overrides: {} }));

    expect(completion?.outcome).toMatchObject({
      status: 'failed',
      error: { message: 'container log-router exited with code 143' },
    });
    expect(completion?.runId).toBe('run_abc');
  });

  it('reports tasks that failed to start, were stopped or interrupted', () => {
    const noStart = event({
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull access denied',
      containers: [{ name: 'app' }],
    });
    const stopped = event({ stopCode: 'UserInitiated', stoppedReason: 'cancelled by gina' });
    const spot = event({ stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' });

    expect(ecsTaskEventToCompletion(noStart)?.outcome).toMatchObject({
      error: {
        type: 'TaskFailedToStart',
        message: 'CannotPullContainerError: pull access denied',
        retryable: true,
      },
    });
    expect(ecsTaskEventToCompletion(stopped)?.outcome).toMatchObject({
      error: { type: 'TaskStopped', message: 'cancelled by gina', retryable: false },
    });
    expect(ecsTaskEventToCompletion(spot)?.outcome).toMatchObject({
      error: { type: 'TaskStopped', retryable: true },
    });
  });

  it('ignores tasks still running and other events', () => {
    expect(ecsTaskEventToCompletion(event({ lastStatus: 'RUNNING' }))).toBeUndefined();
    expect(
      ecsTaskEventToCompletion({ 'detail-type': 'ECS Container Instance State Change', detail: {} }),
    ).toBeUndefined();
    expect(ecsTaskEventToCompletion(null)).toBeUndefined();
  });
});
