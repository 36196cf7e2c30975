import type { Task } from '../job/tasks.js';
import type { AslState, CompileOptions, Json, StateMachineDefinition } from './asl.js';
import { buildDag, topologicalOrder } from './graph.js';
import {
  DAG_FAILED_ERROR,
  INIT_STATE,
  OUTCOME_STATE,
  RUN_FAILED_STATE,
  RUN_SUCCEEDED_STATE,
  statusKey,
} from './names.js';
import { type Block, exactPlan, levelPlan, type Plan } from './plan.js';
import { DEFAULT_RUN_TIMEOUT_SECONDS, emitTask } from './task-states.js';

/**
 * A Parallel merges its branches' status maps with nested States.JsonMerge, and Step Functions allows at most
 * 10 nested intrinsics in one field: wider fan-outs become Parallels of Parallels (no extra waiting, since a
 * Parallel ends when all its branches end either way).
 */
export const MAX_BRANCHES = 10;

/** DAG → ASL: every task starts as soon as its own dependencies have ended. See docs/adr/0011. */
export function compileDag(tasks: readonly Task[], options: CompileOptions): StateMachineDefinition {
  return compileWith(tasks, options, exactPlan, 'exact');
}

/** Baseline for comparison only: one Parallel per topological level, a barrier between levels. */
export function compileLevelByLevel(tasks: readonly Task[], options: CompileOptions): StateMachineDefinition {
  return compileWith(tasks, options, levelPlan, 'level-by-level');
}

/** Byte-identical for the same input: keys are inserted in a fixed order and every walk is index-ordered. */
export function definitionJson(definition: StateMachineDefinition): string {
  return JSON.stringify(definition);
}

function compileWith(
  tasks: readonly Task[],
  options: CompileOptions,
  planner: (preds: readonly (readonly number[])[]) => Plan,
  kind: string,
): StateMachineDefinition {
  // Only what makes a DAG uncompilable is refused here (duplicate or unknown ids, cycles); the API applies
  // taskGraphProblems' size limits first, and benchmarks compile DAGs beyond them on purpose.
  const dag = buildDag(tasks);
  topologicalOrder(dag.preds);
  const plan = planner(dag.preds);
  const states: Record<string, AslState> = {};
  // Inserted first so it is listed first; its Next is known once the rest is emitted.
  states[INIT_STATE] = { Type: 'Pass', Result: {}, Next: '' };
  let parallels = 0;
  const emit = (block: Block, next: string | undefined, scope: Record<string, AslState>): string => {
    if (block.kind === 'task') {
      const v = block.node;
      return emitTask(
        {
          task: tasks[v],
          node: v,
          ids: dag.ids,
          deps: dag.preds[v],
          latchDeps: plan.latchDeps[v],
        },
        options,
        next,
        scope,
      );
    }
    if (block.kind === 'seq') {
      let at = next;
      for (let i = block.items.length - 1; i >= 0; i--) at = emit(block.items[i], at, scope);
      return at ?? '';
    }
    const branches = groupBranches(block.branches);
    const name = `Parallel ${++parallels}`;
    scope[name] = {
      Type: 'Parallel',
      Branches: branches.map((b) => {
        const inner: Record<string, AslState> = {};
        const startAt = emit(b, undefined, inner);
        return { StartAt: startAt, States: inner } as unknown as Json;
      }),
      ResultSelector: { 'merged.$': mergeExpression(branches.length) },
      OutputPath: '$.merged',
      ...(next === undefined ? { End: true } : { Next: next }),
    };
    return name;
  };
  const first = emit(plan.root, OUTCOME_STATE, states);
  // The run's input stays reachable as $$.Execution.Input; the state data holds task statuses only.
  states[INIT_STATE] = { Type: 'Pass', Result: {}, Next: first };
  const notOk = dag.ids.map((_, v) => ({ Variable: `$.${statusKey(v)}.ok`, BooleanEquals: false }));
  // The execution fails when any task did not end ok, so the console and EventBridge show the run's outcome.
  states[OUTCOME_STATE] = {
    Type: 'Choice',
    Choices: [{ ...(notOk.length === 1 ? notOk[0] : { Or: notOk }), Next: RUN_FAILED_STATE }],
    Default: RUN_SUCCEEDED_STATE,
  };
  states[RUN_FAILED_STATE] = {
    Type: 'Fail',
    Error: DAG_FAILED_ERROR,
    Cause: 'one or more tasks did not succeed; see the run for per-task statuses',
  };
  states[RUN_SUCCEEDED_STATE] = { Type: 'Succeed' };
  return {
    Comment: `Kairos DAG of ${tasks.length} tasks (${kind})`,
    StartAt: INIT_STATE,
    States: states,
    TimeoutSeconds: options.runTimeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS,
  };
}

function groupBranches(branches: readonly Block[]): Block[] {
  if (branches.length <= MAX_BRANCHES) return [...branches];
  const size = Math.ceil(branches.length / MAX_BRANCHES);
  const groups: Block[] = [];
  for (let i = 0; i < branches.length; i += size) {
    const chunk = branches.slice(i, i + size);
    groups.push(chunk.length === 1 ? chunk[0] : { kind: 'par', branches: chunk });
  }
  return groups;
}

/** Shallow merge of the branches' outputs; later branches win, and shared keys hold equal values anyway. */
function mergeExpression(count: number): string {
  let expr = '$[0]';
  for (let i = 1; i < count; i++) expr = `States.JsonMerge(${expr}, $[${i}], false)`;
  return expr;
}
