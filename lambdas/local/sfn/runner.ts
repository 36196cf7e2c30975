// The polyfill must be evaluated before the library: keep this import first.
import './with-resolvers.js';
import { setMaxListeners } from 'node:events';
import { StateMachine } from 'aws-local-stepfunctions';
import type { AslState, StateMachineDefinition } from '../../core/dag/asl.js';
import type { LatchRelease, TaskEndStatus, WaitRequest } from '../../core/dag/latch-contract.js';
import { LAMBDA_INVOKE, LAMBDA_WAIT_FOR_TOKEN } from '../../core/dag/task-resource.js';
import { InProcessLatch, type LatchEvent, type OutputOffload } from './latch.js';

/** Runs one task's target in process: resolve with its output, throw an Error (its `name` is the ASL error). */
export type LocalTaskHandler = (taskId: string, input: unknown, signal: AbortSignal) => Promise<unknown>;

export interface LocalRunOptions {
  readonly runId: string;
  readonly input?: unknown;
  readonly runTask: LocalTaskHandler;
  /** Replaces every Retry pause of task states (the local runtime and tests do not wait real backoffs). */
  readonly retryDelayMs?: number;
  readonly onLatchEvent?: (event: LatchEvent) => void;
  /** Stores outputs too large to pass inline; without it they stay inline (tests of the runner alone). */
  readonly offloadOutput?: OutputOffload;
}

export interface LocalRunOutcome {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  readonly error?: string;
  /** Per-task end status as reported to the latch. */
  readonly tasks: Readonly<Record<string, TaskEndStatus>>;
  /** StateEntered events of the run, i.e. Step Functions state transitions. */
  readonly transitions: number;
  readonly latchEvents: readonly LatchEvent[];
}

export interface LocalRun {
  readonly result: Promise<LocalRunOutcome>;
  /** Cancel: stops the execution, rejects latch waits and aborts running task handlers. */
  abort(): void;
}

const RUN_STATE_PREFIX = 'Run ';

/**
 * The generated ASL, unchanged, on aws-local-stepfunctions. The library has no `.waitForTaskToken` and calls
 * real Lambda for `lambda:invoke`, so every Task state gets a local override chosen from its Resource: Kairos's
 * latch function → the in-process latch; a task's `Run` state → `runTask`. An unknown Task state is an error
 * at construction, so a definition the runner cannot run fails loudly instead of calling AWS.
 */
export class LocalDagMachine {
  private readonly machine: StateMachine;
  private readonly taskStates: ReadonlyMap<string, AslState>;

  constructor(
    definition: StateMachineDefinition,
    private readonly latchFunctionArn: string,
  ) {
    this.taskStates = collectTaskStates(definition.States);
    for (const [name, state] of this.taskStates) this.kindOf(name, state);
    // The library validates too; Kairos validates with asl-validator before deploy (and in tests).
    this.machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });
  }

  run(options: LocalRunOptions): LocalRun {
    const controller = new AbortController();
    // Every running task handler listens for cancel; a wide DAG legitimately has more than Node's default 10.
    setMaxListeners(0, controller.signal);
    const latch = new InProcessLatch(undefined, options.onLatchEvent, options.offloadOutput);
    const handlers: Record<string, (input: never) => Promise<never>> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [name, state] of this.taskStates) {
      const kind = this.kindOf(name, state);
      if (kind === 'wait')
        handlers[name] = (input: { Payload: WaitRequest }) => latch.wait(input.Payload) as Promise<never>;
      else if (kind === 'report')
        handlers[name] = async (input: { Payload: Parameters<InProcessLatch['handle']>[0] }) =>
          ({ Payload: await latch.handle(input.Payload) }) as never;
      else {
        const taskId = name.slice(RUN_STATE_PREFIX.length);
        handlers[name] = (input: unknown) =>
          options.runTask(taskId, input, controller.signal) as Promise<never>;
        if (options.retryDelayMs !== undefined) retryIntervalOverrides[name] = options.retryDelayMs;
      }
    }
    const execution = this.machine.run((options.input ?? {}) as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: `arn:aws:states:local:000000000000:execution:kairos-dag:${options.runId}`,
          Name: options.runId,
        },
        // No real tokens locally: the in-process latch keys waiters by (runId, taskId), as the contract allows.
        Task: { Token: `local:${options.runId}` },
        State: { RetryCount: 0 },
      },
    });
    let transitions = 0;
    void countEntered(execution.eventLogs, () => transitions++);
    const result = execution.result.then(
      async (output) => {
        await new Promise((r) => setImmediate(r));
        const status = controller.signal.aborted || output === null ? 'ABORTED' : 'SUCCEEDED';
        return outcome(status, undefined, latch, options.runId, transitions);
      },
      async (error: unknown) => {
        await new Promise((r) => setImmediate(r));
        const name = error instanceof Error ? error.name : 'Error';
        const status = name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        const message = error instanceof Error ? error.message : String(error);
        return outcome(status, message, latch, options.runId, transitions);
      },
    );
    return {
      result,
      abort: () => {
        controller.abort();
        latch.abort(new Error('run cancelled'));
        execution.abort();
      },
    };
  }

  private kindOf(name: string, state: AslState): 'wait' | 'report' | 'task' {
    const params = state.Parameters as { FunctionName?: unknown } | undefined;
    const isLatch = params?.FunctionName === this.latchFunctionArn;
    if (isLatch && state.Resource === LAMBDA_WAIT_FOR_TOKEN) return 'wait';
    if (isLatch && state.Resource === LAMBDA_INVOKE) return 'report';
    if (name.startsWith(RUN_STATE_PREFIX)) return 'task';
    throw new Error(`no local handler for Task state '${name}' (${String(state.Resource)})`);
  }
}

function outcome(
  status: LocalRunOutcome['status'],
  error: string | undefined,
  latch: InProcessLatch,
  runId: string,
  transitions: number,
): LocalRunOutcome {
  return {
    status,
    ...(error === undefined ? {} : { error }),
    tasks: latch.statuses(runId),
    transitions,
    latchEvents: latch.events,
  };
}

async function countEntered(
  events: AsyncIterable<{ readonly type: string }>,
  count: () => void,
): Promise<void> {
  for await (const event of events) if (event.type === 'StateEntered') count();
}

function collectTaskStates(states: Record<string, AslState>, into = new Map<string, AslState>()) {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') into.set(name, state);
    if (state.Type === 'Parallel') {
      const branches = state.Branches as unknown as { States: Record<string, AslState> }[];
      for (const branch of branches) collectTaskStates(branch.States, into);
    }
  }
  return into;
}

export type { LatchRelease };
