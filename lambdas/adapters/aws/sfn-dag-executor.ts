/**
 * The AWS `DagExecutor`: StartExecution of the run's published state machine version, named after the run
 * (`dagExecutionName`), and a `started` outcome. The latch function writes the tasks' live state as they change;
 * the run's end arrives as a "Step Functions Execution Status Change" event (sfn-events.ts), like a
 * `stepfunctions` target's.
 */
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { dagExecutionName } from '../../core/dag-execution.js';
import type { DagAttempt, DagExecutor, ExecutionOutcome } from '../../ports.js';
import { aborted, failed } from '../executors/outcome.js';
import { sdkFailure } from './sdk-failure.js';
import { executionArn, existingExecution, NON_RETRYABLE, stopExecution } from './sfn-executor.js';

export interface SfnDagExecutorOptions {
  readonly client: SFNClient;
}

export function createSfnDagExecutor(options: SfnDagExecutorOptions): DagExecutor {
  const { client } = options;

  /** The name is taken: this attempt started before (a redelivered dispatch) when the input is the same. */
  const existing = (arn: string, input: string, log: string, signal: AbortSignal) =>
    existingExecution(client, arn, input, signal, log);

  return {
    async execute(attempt: DagAttempt): Promise<ExecutionOutcome> {
      const name = dagExecutionName(attempt.runId, attempt.attempt);
      // Tasks read the payload as `$$.Execution.Input.payload`; null keeps the input valid JSON with no payload.
      const input = JSON.stringify({ payload: attempt.payload ?? null });
      const log = `StartExecution ${attempt.versionArn} name ${name}\n`;
      const signal = attempt.signal;
      try {
        const res = await client.send(
          new StartExecutionCommand({ stateMachineArn: attempt.versionArn, name, input }),
          { abortSignal: signal },
        );
        const handle = res.executionArn ?? executionArn(attempt.versionArn, name);
        return { status: 'started', handle, log: `${log}started ${handle}\n` };
      } catch (error) {
        if (signal.aborted) return aborted(signal, log);
        try {
          if ((error as { name?: unknown }).name === 'ExecutionAlreadyExists') {
            return await existing(executionArn(attempt.versionArn, name), input, log, signal);
          }
          throw error;
        } catch (cause) {
          if (signal.aborted) return aborted(signal, log);
          const failure = sdkFailure(cause, NON_RETRYABLE);
          return failed(failure, `${log}failed: ${failure.type}: ${failure.message}\n`);
        }
      }
    },

    stop: (handle, reason) => stopExecution(client, handle, reason),
  };
}
