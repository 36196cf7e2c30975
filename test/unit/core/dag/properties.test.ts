import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cancelledStatuses, runStatusOf } from '../../../../lambdas/core/dag/run-status.js';
import { type DagTask, simulateDag, startTimes } from '../../../../lambdas/core/dag/simulate.js';
import {
  ENDED_TASK_STATUSES,
  type EndedTaskStatus,
  type TaskOutcome,
  type TaskStatus,
} from '../../../../lambdas/core/dag/task-status.js';
import { TRIGGER_RULES, type TriggerRule } from '../../../../lambdas/core/job/tasks.js';

interface RandomDag {
  readonly tasks: DagTask[];
  readonly outcome: Record<string, TaskOutcome>;
  readonly duration: Record<string, number>;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Acyclic by construction (task i depends only on tasks before it), then listed in a random order. */
const dagArb: fc.Arbitrary<RandomDag> = fc.integer({ min: 1, max: 25 }).chain((n) =>
  fc
    .record({
      deps: fc.tuple(...range(n).map((i) => fc.subarray(range(i), { maxLength: Math.min(i, 4) }))),
      rules: fc.array(fc.option(fc.constantFrom(...TRIGGER_RULES), { nil: undefined }), {
        minLength: n,
        maxLength: n,
      }),
      outcomes: fc.array(fc.constantFrom<TaskOutcome>('SUCCEEDED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT'), {
        minLength: n,
        maxLength: n,
      }),
      durations: fc.array(fc.nat(1000), { minLength: n, maxLength: n }),
      order: fc.shuffledSubarray(range(n), { minLength: n, maxLength: n }),
    })
    .map(({ deps, rules, outcomes, durations, order }) => {
      const id = (i: number) => `t${i}`;
      return {
        tasks: order.map((i) => ({ id: id(i), dependsOn: deps[i].map(id), triggerRule: rules[i] })),
        outcome: Object.fromEntries(range(n).map((i) => [id(i), outcomes[i]])),
        duration: Object.fromEntries(range(n).map((i) => [id(i), durations[i]])),
      };
    }),
);

const FAILED = new Set<TaskStatus>(['FAILED', 'TIMED_OUT', 'UPSTREAM_FAILED', 'CANCELLED']);
const RAN = new Set<TaskStatus>(['SUCCEEDED', 'FAILED', 'TIMED_OUT']);

/** Each rule's condition to run, stated from the rule's name rather than from the implementation's table. */
function ruleMet(rule: TriggerRule, up: readonly EndedTaskStatus[]): boolean {
  if (up.length === 0) return true;
  switch (rule) {
    case 'all_success':
      return up.every((s) => s === 'SUCCEEDED');
    case 'all_done':
      return true;
    case 'all_failed':
      return up.every((s) => FAILED.has(s));
    case 'one_success':
      return up.includes('SUCCEEDED');
    case 'one_failed':
      return up.some((s) => FAILED.has(s));
    case 'none_failed':
      return !up.some((s) => FAILED.has(s));
  }
}

describe('simulateDag on random DAGs', () => {
  it('runs exactly the tasks whose rule is met, each once, and ends every task in an allowed status', () => {
    fc.assert(
      fc.property(dagArb, ({ tasks, outcome }) => {
        const calls: string[] = [];
        const statuses = simulateDag(tasks, (id) => {
          calls.push(id);
          return outcome[id];
        });
        expect(Object.keys(statuses).sort()).toEqual(tasks.map((t) => t.id).sort());
        for (const task of tasks) {
          const status = statuses[task.id];
          const up = (task.dependsOn ?? []).map((d) => statuses[d]);
          expect(ENDED_TASK_STATUSES).toContain(status);
          expect(ruleMet(task.triggerRule ?? 'all_success', up)).toBe(RAN.has(status));
          if (RAN.has(status)) expect(status).toBe(outcome[task.id]);
          // A task that does not run is UPSTREAM_FAILED only because of a failure above it.
          if (status === 'UPSTREAM_FAILED') expect(up.some((s) => FAILED.has(s))).toBe(true);
          expect(status).not.toBe('CANCELLED');
        }
        expect(calls.sort()).toEqual(
          tasks
            .filter((t) => RAN.has(statuses[t.id]))
            .map((t) => t.id)
            .sort(),
        );
      }),
    );
  });

  it('derives a run status consistent with the tasks', () => {
    fc.assert(
      fc.property(dagArb, ({ tasks, outcome }) => {
        const all: readonly TaskStatus[] = Object.values(simulateDag(tasks, (id) => outcome[id]));
        const run = runStatusOf(all);
        const has = (s: TaskStatus) => all.includes(s);
        expect(run === 'SUCCEEDED').toBe(all.every((s) => s === 'SUCCEEDED' || s === 'SKIPPED'));
        expect(run === 'FAILED').toBe(has('FAILED'));
        expect(run === 'TIMED_OUT').toBe(has('TIMED_OUT') && !has('FAILED'));
        // Every UPSTREAM_FAILED has a cause among the tasks, so it never decides the run on its own.
        if (has('UPSTREAM_FAILED')) expect(has('FAILED') || has('TIMED_OUT')).toBe(true);
      }),
    );
  });

  it('succeeds throughout when every task succeeds, skipping only failure handlers and what follows them', () => {
    fc.assert(
      fc.property(dagArb, ({ tasks }) => {
        const statuses = simulateDag(tasks, () => 'SUCCEEDED');
        for (const task of tasks) {
          const rule = task.triggerRule ?? 'all_success';
          if (statuses[task.id] === 'SKIPPED') expect(task.dependsOn?.length).toBeGreaterThan(0);
          else expect(statuses[task.id]).toBe('SUCCEEDED');
          if ((rule === 'all_done' || rule === 'none_failed') && statuses[task.id] === 'SKIPPED')
            expect.unreachable(`${task.id} (${rule}) was skipped`);
        }
        expect(runStatusOf(statuses)).toBe('SUCCEEDED');
      }),
    );
  });
});

describe('startTimes on random DAGs', () => {
  it('starts every task when its last dependency ends, and gives time only to tasks that ran', () => {
    fc.assert(
      fc.property(dagArb, ({ tasks, outcome, duration }) => {
        const statuses = simulateDag(tasks, (id) => outcome[id]);
        const times = startTimes(tasks, (id) => duration[id], statuses);
        for (const task of tasks) {
          const depEnds = (task.dependsOn ?? []).map((d) => times[d].end);
          expect(times[task.id].start).toBe(depEnds.length === 0 ? 0 : Math.max(...depEnds));
          expect(times[task.id].end - times[task.id].start).toBe(
            RAN.has(statuses[task.id]) ? duration[task.id] : 0,
          );
        }
      }),
    );
  });
});

describe('live state and cancel on random DAGs', () => {
  it('is RUNNING mid-run, and a cancel ends every unfinished task CANCELLED and the run CANCELLED', () => {
    fc.assert(
      fc.property(dagArb, fc.double({ min: 0, max: 1, noNaN: true }), ({ tasks, outcome, duration }, at) => {
        const final = simulateDag(tasks, (id) => outcome[id]);
        const times = startTimes(tasks, (id) => duration[id], final);
        const now = at * Math.max(...Object.values(times).map((t) => t.end));
        // The run as it stands at `now`: ended, running, or waiting for its dependencies.
        const live: Record<string, TaskStatus> = Object.fromEntries(
          tasks.map((t) => {
            const { start, end } = times[t.id];
            const status: TaskStatus = end <= now ? final[t.id] : start <= now ? 'RUNNING' : 'PENDING';
            return [t.id, status];
          }),
        );
        const unfinished = tasks.filter((t) => live[t.id] === 'RUNNING' || live[t.id] === 'PENDING');
        expect(runStatusOf(live)).toBe(unfinished.length > 0 ? 'RUNNING' : runStatusOf(final));
        const cancelled = cancelledStatuses(live);
        for (const task of tasks)
          expect(cancelled[task.id]).toBe(unfinished.includes(task) ? 'CANCELLED' : live[task.id]);
        expect(runStatusOf(cancelled)).toBe(unfinished.length > 0 ? 'CANCELLED' : runStatusOf(final));
      }),
    );
  });
});
