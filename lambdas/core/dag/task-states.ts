import type { Task } from '../job/tasks.js';
import type { AslState, CompileOptions, Json, JsonObject } from './asl.js';
import { type DepPaths, type GateOutcome, gateFor } from './gate.js';
import { statusKey, taskStateNames } from './names.js';
import {
  KAIROS_CALL_RETRY,
  LAMBDA_INVOKE,
  LAMBDA_WAIT_FOR_TOKEN,
  targetCall,
  taskRetry,
} from './task-resource.js';

/** Upper bound for a step that has no timeout of its own: Step Functions' default would be unbounded. */
export const DEFAULT_RUN_TIMEOUT_SECONDS = 7 * 86_400;
/** Kairos's own calls are single DynamoDB updates; anything slower is a failure to retry. */
const REPORT_TIMEOUT_SECONDS = 30;

export interface TaskContext {
  readonly task: Task;
  readonly node: number;
  readonly ids: readonly string[];
  /** All direct dependencies (not only the reduced ones): trigger rules look at each of them. */
  readonly deps: readonly number[];
  readonly latchDeps: readonly number[];
}

const link = (next: string | undefined): JsonObject => (next === undefined ? { End: true } : { Next: next });

/**
 * Emits one task's states into `states` and returns the first one's name:
 *   [Await] → [Gate] → Start → Run → End           (Run's Catch also goes to End)
 *   Gate → Upstream failed | Skipped (Pass) → End   (the trigger rule said no)
 * A root costs 3 transitions, a task with a trigger rule to check 4, one more when it waits on the latch.
 * The outcome (with the target's raw output) lands at the task's status key and the single End report overwrites
 * it with the recorded end, whose output is small or a pointer: a large output never outlives its End state.
 */
export function emitTask(
  ctx: TaskContext,
  options: CompileOptions,
  next: string | undefined,
  states: Record<string, AslState>,
): string {
  const { task, node } = ctx;
  const names = taskStateNames(task.id);
  const runTimeout = options.runTimeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS;
  const latchCall = (payload: JsonObject): JsonObject => ({
    FunctionName: options.latchFunctionArn,
    Payload: { ...payload, 'runId.$': '$$.Execution.Name', taskId: task.id },
  });

  let first: string = names.start;
  const latchIndex = new Map(ctx.latchDeps.map((d, i) => [d, i]));
  // Where each direct dependency's recorded end is: the state data for structural edges, the release for latch ones.
  const endPaths = ctx.deps.map((d) => {
    const i = latchIndex.get(d);
    return i === undefined ? `$.${statusKey(d)}` : `$.latch.tasks[${i}]`;
  });
  const depPaths = endPaths.map((end): DepPaths => ({ status: `${end}.status`, ok: `${end}.ok` }));
  const upstream: JsonObject = Object.fromEntries(ctx.deps.map((d, i) => [`${ctx.ids[d]}.$`, endPaths[i]]));
  const result = `$.${statusKey(node)}`;
  const gate = gateFor(task, depPaths);
  if (gate) {
    const target = (outcome: GateOutcome): string => {
      if (outcome === 'run') return names.start;
      const name = outcome === 'SKIPPED' ? names.skipped : names.upstreamFailed;
      states[name] ??= { Type: 'Pass', Result: { status: outcome }, ResultPath: result, Next: names.end };
      return name;
    };
    states[names.gate] = {
      Type: 'Choice',
      Choices: gate.rules.map((r) => ({ ...r.condition, Next: target(r.outcome) })) as Json[],
      Default: target(gate.otherwise),
    };
    first = names.gate;
  }
  if (ctx.latchDeps.length > 0) {
    states[names.await] = {
      Type: 'Task',
      Resource: LAMBDA_WAIT_FOR_TOKEN,
      Parameters: latchCall({
        op: 'wait',
        deps: ctx.latchDeps.map((d) => ctx.ids[d]),
        'token.$': '$$.Task.Token',
      }),
      ResultPath: '$.latch',
      // Nothing heartbeats a latch wait; a lost release is bounded by the run's own limit.
      TimeoutSeconds: runTimeout,
      Retry: KAIROS_CALL_RETRY,
      Next: first,
    };
    first = names.await;
  }
  states[names.start] = {
    Type: 'Task',
    Resource: LAMBDA_INVOKE,
    Parameters: latchCall({ op: 'started' }),
    ResultPath: null,
    TimeoutSeconds: REPORT_TIMEOUT_SECONDS,
    Retry: KAIROS_CALL_RETRY,
    Next: names.run,
  };
  const { Resource, Parameters, outputPath } = targetCall(task, options, upstream);
  const retry = taskRetry(task);
  states[names.run] = {
    Type: 'Task',
    Resource,
    Parameters,
    ResultSelector: { status: 'SUCCEEDED', ...(outputPath === undefined ? {} : { 'output.$': outputPath }) },
    ResultPath: result,
    TimeoutSeconds: task.timeoutSeconds ?? runTimeout,
    ...(retry.length > 0 ? { Retry: retry } : {}),
    // One failure is recorded and routed by trigger rules instead of failing the execution.
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: result, Next: names.end }],
    Next: names.end,
  };
  states[names.end] = {
    Type: 'Task',
    Resource: LAMBDA_INVOKE,
    Parameters: latchCall({ op: 'ended', 'end.$': result }),
    // The recorded end (a timeout error becomes TIMED_OUT) is what dependents' trigger rules and targets read.
    ResultSelector: {
      'status.$': '$.Payload.status',
      'ok.$': '$.Payload.ok',
      'output.$': '$.Payload.output',
      'outputRef.$': '$.Payload.outputRef',
    },
    ResultPath: result,
    TimeoutSeconds: REPORT_TIMEOUT_SECONDS,
    Retry: KAIROS_CALL_RETRY,
    ...link(next),
  };
  return first;
}
