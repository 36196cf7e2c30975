import type { StateMachineDefinition } from '../../lambdas/core/dag/asl.js';
import { LocalDagMachine, type LocalRunOutcome } from '../../lambdas/local/sfn/runner.js';
import { TEST_COMPILE_OPTIONS } from './random-dag.js';

/** How a task behaves on a given attempt (1-based): sleep `ms`, then succeed or throw `fail`. */
export type Behaviour = (taskId: string, attempt: number) => { readonly ms: number; readonly fail?: string };

export interface TimedRun {
  readonly outcome: LocalRunOutcome;
  /** From run start to the outcome, in ms. */
  readonly makespan: number;
  /** Start and end of each task's last attempt, in ms after run start. */
  readonly spans: Readonly<Record<string, { readonly start: number; readonly end: number }>>;
  readonly attempts: Readonly<Record<string, number>>;
  /** When each task's first attempt began, in ms after run start (set even if the attempt never ends). */
  readonly started: Readonly<Record<string, number>>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Builds the machine first (validation is not part of the makespan), then runs it with timed handlers. */
export function startTimedRun(
  definition: StateMachineDefinition,
  behaviour: Behaviour,
  runId = 'run-1',
): { result: Promise<TimedRun>; abort(): void } {
  const machine = new LocalDagMachine(definition, TEST_COMPILE_OPTIONS.latchFunctionArn);
  const spans: Record<string, { start: number; end: number }> = {};
  const attempts: Record<string, number> = {};
  const started: Record<string, number> = {};
  const t0 = performance.now();
  const run = machine.run({
    runId,
    retryDelayMs: 0,
    runTask: async (taskId, _input, signal) => {
      const attempt = (attempts[taskId] ?? 0) + 1;
      attempts[taskId] = attempt;
      const start = performance.now() - t0;
      started[taskId] ??= start;
      const { ms, fail } = behaviour(taskId, attempt);
      await sleep(ms, signal);
      spans[taskId] = { start, end: performance.now() - t0 };
      if (fail !== undefined) {
        const error = new Error(`${taskId} failed on attempt ${attempt}`);
        error.name = fail;
        throw error;
      }
      // Shaped as lambda:invoke answers: a Lambda target's output is the Payload, Kairos's executors' its `output`.
      return { Payload: { status: 'succeeded', output: { taskId, attempt } } };
    },
  });
  return {
    result: run.result.then((outcome) => ({
      outcome,
      makespan: performance.now() - t0,
      spans,
      attempts,
      started,
    })),
    abort: run.abort,
  };
}
