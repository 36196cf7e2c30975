/**
 * Reads the end of a Step Functions attempt, from a "Step Functions Execution Status Change" event or from
 * DescribeExecution. Pure.
 */
import { parseDagExecutionName } from '../../core/dag-execution.js';
import type { ExecutionOutcome } from '../../ports.js';
import { capLog } from '../executors/log-buffer.js';
import { type Completion, parseJsonText } from '../executors/outcome.js';

/**
 * The outcome of an execution in `status`, or undefined while it has not ended. FAILED keeps the state
 * machine's own error name (`States.TaskFailed`, a Lambda's error type…) so the job's non-retryable list applies.
 */
export function sfnStatusOutcome(
  status: string | undefined,
  output: string | null | undefined,
  error: string | null | undefined,
  cause: string | null | undefined,
  log: string,
): ExecutionOutcome | undefined {
  const text = (line: string) => capLog(`${log}${line}\n`);
  switch (status) {
    case 'SUCCEEDED': {
      const value = parseJsonText(output);
      return value === undefined
        ? { status: 'succeeded', log: text('SUCCEEDED') }
        : { status: 'succeeded', output: value, log: text('SUCCEEDED') };
    }
    case 'FAILED': {
      const type = error || 'ExecutionFailed';
      const message = cause || 'the execution failed';
      return {
        status: 'failed',
        error: { type, message, retryable: true },
        log: text(`FAILED ${type}: ${message}`),
      };
    }
    case 'TIMED_OUT': {
      const message = cause || 'the execution timed out (state machine TimeoutSeconds)';
      return {
        status: 'failed',
        error: { type: 'Timeout', message, retryable: true },
        log: text(`TIMED_OUT ${message}`),
      };
    }
    case 'ABORTED': {
      const message = cause || 'the execution was stopped';
      const failure = { type: 'ExecutionAborted', message, retryable: false };
      return { status: 'failed', error: failure, log: text(`ABORTED ${message}`) };
    }
    default:
      return undefined;
  }
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The completion of a Step Functions attempt from a "Step Functions Execution Status Change" event, or undefined
 * for other events and executions still running. The handle is the execution ARN; the run id and attempt are read
 * back from the execution name: `<runId>-<attempt>` for a `stepfunctions` target, `<runId>[-a<attempt>]` for a DAG. An output above EventBridge's size limit is not in the event
 * (`outputDetails.included` false): the outcome then has no output.
 */
export function sfnStatusEventToCompletion(event: unknown): Completion | undefined {
  const e = record(event);
  const detail = record(e?.detail);
  if (e?.['detail-type'] !== 'Step Functions Execution Status Change' || detail === undefined)
    return undefined;
  const handle = str(detail.executionArn);
  if (handle === undefined) return undefined;
  const left = record(detail.outputDetails)?.included === false ? '(output too large for the event)\n' : '';
  const log = `execution ${handle}\n${left}`;
  const outcome = sfnStatusOutcome(
    str(detail.status),
    str(detail.output),
    str(detail.error),
    str(detail.cause),
    log,
  );
  if (outcome === undefined) return undefined;
  const name = str(detail.name) ?? '';
  const named = /^(.*)-(\d+)$/.exec(name);
  if (named !== null) return { handle, outcome, runId: named[1]!, attempt: Number(named[2]) };
  // A DAG run's execution: `<runId>` for attempt 1, `<runId>-a<attempt>` after (dagExecutionName).
  if (name.startsWith('run_')) return { handle, outcome, ...parseDagExecutionName(name) };
  return { handle, outcome };
}
