/**
 * The local runtime's DAG executor: the published definition (the same ASL Step Functions would run) on
 * aws-local-stepfunctions through `LocalDagMachine`, each task's target run by the local executors, and every
 * latch report turned into the task's live state on the run.
 */

import type { LocalWorkflowRegistry } from '../../adapters/local/local-workflow-registry.js';
import type { CompileOptions, StateMachineDefinition } from '../../core/dag/asl.js';
import { shownOutput } from '../../core/dag/latch-contract.js';
import { dagFailure, taskSummary } from '../../core/dag/run-end.js';
import type { Target } from '../../core/job/targets.js';
import type { RunError, TaskState } from '../../core/run.js';
import type { Artifacts, Clock, DagAttempt, DagExecutor, Executor, Executors } from '../../ports.js';
import type { LatchEvent } from './latch.js';
import { LocalDagMachine } from './runner.js';

/** Names of Kairos's own functions in locally compiled definitions; only this runtime's overrides answer them. */
export const LOCAL_COMPILE_OPTIONS: CompileOptions = {
  latchFunctionArn: 'arn:aws:lambda:local:000000000000:function:Kairos-local-latch',
  httpExecutorFunctionArn: 'arn:aws:lambda:local:000000000000:function:Kairos-local-http',
  commandFunctionArn: 'arn:aws:lambda:local:000000000000:function:Kairos-local-command',
};

export interface LocalDagExecutorOptions {
  readonly registry: LocalWorkflowRegistry;
  readonly executors: Executors;
  readonly compileOptions: CompileOptions;
  readonly clock: Clock;
  /** Task logs and outputs too large to pass inline, as the deployed functions store them in S3. */
  readonly artifacts: Pick<Artifacts, 'putTaskFile'>;
}

/** What a `Run <task>` state passes to its Lambda: the task's context, and the target for Kairos's own functions. */
interface RunInput {
  readonly FunctionName?: string;
  readonly Payload?: {
    readonly input?: { readonly payload?: unknown };
    readonly upstream?: unknown;
    readonly target?: Target | string;
  };
}

/** A task target's failure as the ASL sees it: the error name is what Retry/Catch match on. */
function taskError(error: RunError): Error {
  const e = new Error(error.message);
  // A target out of time is a Step Functions timeout, which the latch records as TIMED_OUT.
  e.name = error.type === 'Timeout' ? 'States.Timeout' : error.type;
  return e;
}

/** The task's target from the `Run` state's input: a function for `lambda`, the passed target for the others. */
function targetOf(input: RunInput, options: CompileOptions): Target {
  const fn = input.FunctionName;
  if (fn === options.commandFunctionArn || fn === options.httpExecutorFunctionArn) {
    const target = input.Payload?.target;
    // JSON text in the definition (see `targetParameter` in core/dag/task-resource.ts).
    if (target) return (typeof target === 'string' ? JSON.parse(target) : target) as Target;
  } else if (typeof fn === 'string') {
    return { type: 'lambda', functionArn: fn };
  }
  const error = new Error(
    'this task target (fargate, stepfunctions) needs AWS; the local runtime cannot run it',
  );
  error.name = 'UnsupportedTarget';
  throw error;
}

export function createLocalDagExecutor(options: LocalDagExecutorOptions): DagExecutor {
  const { registry, executors, compileOptions, clock, artifacts } = options;
  const machines = new Map<string, LocalDagMachine>();
  const machineOf = async (versionArn: string) => {
    let machine = machines.get(versionArn);
    if (!machine) {
      const definition = JSON.parse(await registry.definitionOf(versionArn)) as StateMachineDefinition;
      machine = new LocalDagMachine(definition, compileOptions.latchFunctionArn);
      machines.set(versionArn, machine);
    }
    return machine;
  };

  return {
    async execute(attempt: DagAttempt) {
      const machine = await machineOf(attempt.versionArn);
      const states = new Map<string, TaskState>();
      const errors = new Map<string, RunError>();
      // Each task's log over its attempts, rewritten whole after each attempt.
      const logs = new Map<string, string>();
      const ref = (taskId: string) => ({ runId: attempt.runId, attempt: attempt.attempt, taskId });
      // Writes of one task go in order (RUNNING before its end); different tasks' writes go side by side.
      const writes = new Map<string, Promise<void>>();
      const report = (taskId: string, patch: Partial<TaskState>) => {
        const state = { status: 'PENDING', attempt: 0, ...states.get(taskId), ...patch } as TaskState;
        states.set(taskId, state);
        const previous = writes.get(taskId) ?? Promise.resolve();
        writes.set(
          taskId,
          previous.then(() => attempt.onTask(taskId, state)).catch(() => undefined),
        );
      };
      const onLatchEvent = (event: LatchEvent) => {
        const at = clock.now().toISOString();
        if (event.kind === 'started') report(event.taskId, { status: 'RUNNING', startedAt: at });
        if (event.kind === 'ended' && event.status) {
          const error = errors.get(event.taskId);
          const failed = event.status === 'FAILED' || event.status === 'TIMED_OUT';
          report(event.taskId, {
            status: event.status,
            endedAt: at,
            ...shownOutput({
              status: event.status,
              output: event.output,
              outputRef: event.outputRef ?? null,
            }),
            ...(failed
              ? { error: error ?? { type: event.error ?? 'Error', message: event.error ?? 'failed' } }
              : {}),
          });
        }
      };
      const run = machine.run({
        runId: attempt.runId,
        input: { payload: attempt.payload ?? null },
        onLatchEvent,
        offloadOutput: async (_runId, taskId, json) =>
          artifacts.putTaskFile(ref(taskId), 'output.json', json),
        runTask: async (taskId, input, signal) => {
          // aws-local-stepfunctions still fires a pending Retry after its execution was aborted: after a cancel no
          // attempt starts (nor is reported), as Step Functions would not start one after StopExecution.
          if (signal.aborted) throw taskError({ type: 'Cancelled', message: 'the run was cancelled' });
          const tries = (states.get(taskId)?.attempt ?? 0) + 1;
          report(taskId, { status: tries > 1 ? 'RETRYING' : 'RUNNING', attempt: tries });
          const { FunctionName, Payload } = input as RunInput;
          const target = targetOf(input as RunInput, compileOptions);
          const executor = executors[target.type] as Executor | undefined;
          if (!executor)
            throw taskError({ type: 'UnsupportedTarget', message: `no '${target.type}' executor here` });
          const { target: _own, ...context } = Payload ?? {};
          const outcome = await executor.execute(target, {
            jobId: attempt.jobId,
            runId: attempt.runId,
            attempt: tries,
            // A Lambda gets the state's whole Payload, as on AWS; Kairos's own executors get the run's payload.
            payload: target.type === 'lambda' ? context : (Payload?.input?.payload ?? attempt.payload),
            upstream: Payload?.upstream ?? {},
            timeoutMs: 2 ** 31 - 1, // the state's TimeoutSeconds bounds it; the abort signal stops it
            signal,
          });
          const log = `${logs.get(taskId) ?? ''}--- attempt ${tries}: ${outcome.status}\n${outcome.log}`;
          logs.set(taskId, log);
          await artifacts.putTaskFile(ref(taskId), 'log.txt', log);
          // The result as the deployed function answers it: a Lambda's own return, or Kairos's { status, output }.
          if (outcome.status === 'succeeded')
            return {
              Payload:
                FunctionName === compileOptions.commandFunctionArn ||
                FunctionName === compileOptions.httpExecutorFunctionArn
                  ? { status: 'succeeded', output: outcome.output ?? null }
                  : (outcome.output ?? null),
            };
          const error =
            outcome.status === 'failed'
              ? outcome.error
              : { type: 'UnsupportedTarget', message: 'asynchronous targets need AWS' };
          errors.set(taskId, error);
          throw taskError(error);
        },
      });
      const stop = () => run.abort();
      attempt.signal.addEventListener('abort', stop, { once: true });
      try {
        const outcome = await run.result;
        if (attempt.signal.aborted) {
          // Every task that had not ended is CANCELLED (a cancel) or stopped by the run's timeout.
          for (const [taskId, state] of states)
            if (['PENDING', 'RUNNING', 'RETRYING'].includes(state.status))
              report(taskId, { status: 'CANCELLED', endedAt: clock.now().toISOString() });
        }
        await Promise.all(writes.values());
        const tasks = Object.fromEntries(states);
        const log = `Kairos DAG run ${attempt.runId} attempt ${attempt.attempt}: execution ${outcome.status}\n${taskSummary(tasks)}`;
        if (outcome.status === 'SUCCEEDED') return { status: 'succeeded', log };
        if (attempt.signal.aborted) {
          const reason = attempt.signal.reason as { name?: string; message?: string } | undefined;
          const timedOut = reason?.name === 'TimeoutAbort' || reason?.name === 'TimeoutError';
          return {
            status: 'failed',
            error: timedOut
              ? { type: 'Timeout', message: reason?.message ?? 'the run timed out', retryable: true }
              : { type: 'Cancelled', message: reason?.message ?? 'the run was cancelled', retryable: false },
            log,
          };
        }
        // DagFailed, or Timeout when timeouts are the whole cause; not retried as a whole (see dagFailure).
        return { status: 'failed', error: dagFailure(tasks), log };
      } finally {
        attempt.signal.removeEventListener('abort', stop);
      }
    },
  };
}
