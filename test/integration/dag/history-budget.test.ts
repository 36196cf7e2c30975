import { describe, expect, it } from 'vitest';
import type { AslState, StateMachineDefinition } from '../../../lambdas/core/dag/asl.js';
import { compileDag } from '../../../lambdas/core/dag/compile.js';
import { buildDag } from '../../../lambdas/core/dag/graph.js';
import { historyEventBound, maxStateAttempts } from '../../../lambdas/core/dag/history-budget.js';
import { RUN_FAILED_STATE, RUN_SUCCEEDED_STATE, taskStateNames } from '../../../lambdas/core/dag/names.js';
import { exactPlan } from '../../../lambdas/core/dag/plan.js';
import {
  type Task,
  TRIGGER_RULES,
  type TriggerRule,
  taskGraphProblems,
} from '../../../lambdas/core/job/tasks.js';
import type { LocalRunOutcome } from '../../../lambdas/local/sfn/runner.js';
import { type Behaviour, startTimedRun } from '../../support/dag-run.js';
import { TEST_COMPILE_OPTIONS } from '../../support/random-dag.js';

/*
 * The history model (lambdas/core/dag/history-budget.ts) against a real run of the generated ASL on the local
 * Step Functions: it counts every state as entered once and every Task as attempted 1 + its retries, so a run
 * must never enter more states, nor attempt a task more often. Beyond that bound, the states a run does not
 * enter are exactly the Choice alternatives it did not take, which the tests derive from the tasks' outcomes.
 */

const SIZE = 30;
const id = (i: number) => `t${i}`;

/** Task i after i-2, i-3 and i-5: not series-parallel, so most tasks wait on the latch. */
function nonSeriesParallel(rule: (i: number) => TriggerRule | undefined): Task[] {
  return Array.from({ length: SIZE }, (_, i) => {
    const deps = [2, 3, 5].map((o) => i - o).filter((d) => d >= 0);
    const r = rule(i);
    return {
      id: id(i),
      target: { type: 'lambda', functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${id(i)}` },
      ...(deps.length > 0 ? { dependsOn: deps.map(id) } : {}),
      ...(r === undefined ? {} : { triggerRule: r }),
      retry: { maxAttempts: 3 },
    };
  });
}

/** Every state by name, Parallel branches included. */
function allStates(definition: StateMachineDefinition): Map<string, AslState> {
  const out = new Map<string, AslState>();
  const walk = (states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      out.set(name, state);
      if (state.Type === 'Parallel')
        for (const b of state.Branches as unknown as { States: Record<string, AslState> }[]) walk(b.States);
    }
  };
  walk(definition.States);
  return out;
}

/** States the run cannot have entered, given how each task ended: the gate alternatives not taken. */
function notEntered(tasks: readonly Task[], states: ReadonlyMap<string, AslState>, outcome: LocalRunOutcome) {
  const skipped: string[] = [outcome.status === 'SUCCEEDED' ? RUN_FAILED_STATE : RUN_SUCCEEDED_STATE];
  for (const task of tasks) {
    const n = taskStateNames(task.id);
    const status = outcome.tasks[task.id];
    const missed =
      status === 'UPSTREAM_FAILED'
        ? [n.start, n.run, n.skipped]
        : status === 'SKIPPED'
          ? [n.start, n.run, n.upstreamFailed]
          : [n.upstreamFailed, n.skipped];
    skipped.push(...missed.filter((name) => states.has(name)));
  }
  return skipped;
}

async function runAndCompare(tasks: Task[], behaviour: Behaviour) {
  expect(taskGraphProblems(tasks)).toEqual([]);
  expect(exactPlan(buildDag(tasks).preds).latchDeps.flat().length, 'latch dependencies').toBeGreaterThan(10);
  const definition = compileDag(tasks, TEST_COMPILE_OPTIONS);
  const bound = historyEventBound(definition);
  const states = allStates(definition);
  const { outcome, attempts } = await startTimedRun(definition, behaviour).result;
  expect(outcome.transitions, 'StateEntered events vs the model').toBeLessThanOrEqual(bound.entries);
  expect(outcome.transitions).toBe(bound.entries - notEntered(tasks, states, outcome).length);
  for (const task of tasks) {
    const run = states.get(taskStateNames(task.id).run);
    if (!run) throw new Error(`no Run state for ${task.id}`);
    expect(attempts[task.id] ?? 0, `attempts of ${task.id}`).toBeLessThanOrEqual(maxStateAttempts(run));
  }
  return { outcome, attempts, bound, states };
}

describe('history bound against the local Step Functions', () => {
  it('counts every state a run with retries enters (all tasks succeed, some on their third attempt)', async () => {
    const rules: readonly TriggerRule[] = ['all_success', 'none_failed', 'one_success', 'all_done'];
    const tasks = nonSeriesParallel((i) => rules[i % rules.length]);
    const flaky = (taskId: string) => Number(taskId.slice(1)) % 3 === 0;
    const { outcome, attempts } = await runAndCompare(tasks, (taskId, attempt) => ({
      ms: 5,
      ...(flaky(taskId) && attempt < 3 ? { fail: 'Flaky' } : {}),
    }));
    expect(outcome.status).toBe('SUCCEEDED');
    expect(Object.values(outcome.tasks).every((s) => s === 'SUCCEEDED')).toBe(true);
    for (const task of tasks) expect(attempts[task.id]).toBe(flaky(task.id) ? 3 : 1);
  });

  it('bounds a run where tasks exhaust their retries, under every trigger rule', async () => {
    const tasks = nonSeriesParallel((i) => TRIGGER_RULES[i % TRIGGER_RULES.length]);
    const doomed = new Set(['t7', 't13', 't19']);
    const { outcome, attempts, states } = await runAndCompare(tasks, (taskId, attempt) => ({
      ms: 5,
      ...(doomed.has(taskId) || (Number(taskId.slice(1)) % 4 === 1 && attempt === 1) ? { fail: 'Boom' } : {}),
    }));
    expect(outcome.status).toBe('FAILED');
    const statuses = new Set(Object.values(outcome.tasks));
    for (const s of ['SUCCEEDED', 'FAILED', 'UPSTREAM_FAILED', 'SKIPPED']) expect(statuses).toContain(s);
    // A task that fails every time is tried exactly as often as the model allows: 1 + the sum of MaxAttempts.
    for (const taskId of doomed) {
      const run = states.get(taskStateNames(taskId).run) as AslState;
      expect(attempts[taskId]).toBe(maxStateAttempts(run));
      expect(attempts[taskId]).toBe(3);
    }
  });
});
