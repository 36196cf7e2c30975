/**
 * The `stepfunctions` target: StartExecution named after the attempt (so a redelivered dispatch cannot start a
 * second execution) and a `started` outcome; the end arrives as a "Step Functions Execution Status Change" event.
 */
import {
  DescribeExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Target } from '../../core/job/targets.js';
import type { ExecutionContext, ExecutionOutcome, Executor } from '../../ports.js';
import { aborted, attemptSignal, failed, whenAborted } from '../executors/outcome.js';
import { sdkFailure } from './sdk-failure.js';
import { sfnStatusOutcome } from './sfn-events.js';

export { sfnStatusEventToCompletion } from './sfn-events.js';

export type StepFunctionsTarget = Extract<Target, { type: 'stepfunctions' }>;

export interface StepFunctionsExecutorOptions {
  readonly client: SFNClient;
}

/** A refused start or stop that another attempt cannot fix: the state machine is gone, or the role may not act. */
export const NON_RETRYABLE = new Set([
  'StateMachineDoesNotExist',
  'StateMachineDeleting',
  'InvalidArn',
  'InvalidName',
  'InvalidExecutionInput',
  'ValidationException',
  'AccessDeniedException',
  'ExecutionDoesNotExist',
]);

const REFUSED = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\x7f-\x9f]/;

/**
 * `<runId>-<attempt>`, cut to the 80 characters Step Functions allows (keeping the attempt) with characters it
 * refuses (whitespace, brackets, wildcards, `"#%\^|~`$&,;:/`) replaced.
 */
export function executionName(runId: string, attempt: number): string {
  const suffix = `-${attempt}`;
  const safe = [...runId].map((ch) => (ch.charCodeAt(0) < 0x20 || REFUSED.test(ch) ? '_' : ch)).join('');
  return `${safe.slice(0, 80 - suffix.length)}${suffix}`;
}

/** `arn:…:stateMachine:<name>[:version]` + execution name → `arn:…:execution:<name>:<executionName>`. */
export function executionArn(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  return [...parts.slice(0, 5), 'execution', parts[6], name].join(':');
}

/** Whether two execution inputs are the same JSON (key order and spacing aside). */
export const sameJson = (a: string | undefined, b: string): boolean => {
  try {
    return JSON.stringify(JSON.parse(a ?? 'null')) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
};

/**
 * StartExecution refused a name in use: the same attempt again (same input; a redelivered dispatch) or a real
 * conflict. An execution that is already over answers with its end, since its status event may have come before
 * the run knew the handle.
 */
export async function existingExecution(
  client: SFNClient,
  arn: string,
  input: string,
  signal: AbortSignal,
  log: string,
): Promise<ExecutionOutcome> {
  const found = await client.send(new DescribeExecutionCommand({ executionArn: arn }), {
    abortSignal: signal,
  });
  if (!sameJson(found.input, input)) {
    const message = `an execution named ${arn.split(':').at(-1)} already exists with a different input`;
    return failed({ type: 'ExecutionAlreadyExists', message, retryable: false }, `${log}${message}\n`);
  }
  const note = `${log}execution ${arn} already exists for this attempt (${found.status})\n`;
  const ended = sfnStatusOutcome(found.status, found.output, found.error, found.cause, note);
  return ended ?? { status: 'started', handle: arn, log: note };
}

/** Creates the executor of `stepfunctions` targets. */
/** Stops an execution Kairos started (cancel, timeout); StopExecution's `cause` takes at most 32,768 characters. */
export async function stopExecution(client: SFNClient, handle: string, reason: string): Promise<void> {
  await client.send(
    new StopExecutionCommand({
      executionArn: handle,
      error: 'Kairos.Stopped',
      cause: reason.slice(0, 32_768),
    }),
  );
}

export function createStepFunctionsExecutor(
  options: StepFunctionsExecutorOptions,
): Executor<StepFunctionsTarget> {
  const { client } = options;

  const existing = (arn: string, input: string, signal: AbortSignal, log: string) =>
    existingExecution(client, arn, input, signal, log);

  const start = async (target: StepFunctionsTarget, ctx: ExecutionContext, signal: AbortSignal) => {
    const name = executionName(ctx.runId, ctx.attempt);
    const input = JSON.stringify(ctx.payload ?? {});
    const log = `StartExecution ${target.stateMachineArn} name ${name}\n`;
    try {
      const res = await client.send(
        new StartExecutionCommand({ stateMachineArn: target.stateMachineArn, name, input }),
        { abortSignal: signal },
      );
      const handle = res.executionArn ?? executionArn(target.stateMachineArn, name);
      return { status: 'started', handle, log: `${log}started ${handle}\n` } satisfies ExecutionOutcome;
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'ExecutionAlreadyExists') throw error;
      return existing(executionArn(target.stateMachineArn, name), input, signal, log);
    }
  };

  return {
    async execute(target, ctx) {
      const attempt = attemptSignal(ctx);
      const log = `StartExecution ${target.stateMachineArn}\n`;
      try {
        const started = start(target, ctx, attempt.signal);
        started.catch(() => {});
        const outcome = await Promise.race([started, whenAborted(attempt.signal).then(() => undefined)]);
        return outcome ?? aborted(attempt.signal, log);
      } catch (error) {
        if (attempt.signal.aborted) return aborted(attempt.signal, log);
        const failure = sdkFailure(error, NON_RETRYABLE);
        return failed(failure, `${log}failed: ${failure.type}: ${failure.message}\n`);
      } finally {
        attempt.dispose();
      }
    },

    stop: (handle, reason) => stopExecution(client, handle, reason),
  };
}
