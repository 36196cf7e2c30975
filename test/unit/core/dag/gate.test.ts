import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../../lambdas/core/dag/asl.js';
import { gateFor } from '../../../../lambdas/core/dag/gate.js';
import {
  OK_STATUSES,
  TASK_END_STATUSES,
  type TaskEndStatus,
} from '../../../../lambdas/core/dag/latch-contract.js';
import { decideTask } from '../../../../lambdas/core/dag/trigger-rules.js';
import { type Task, TRIGGER_RULES } from '../../../../lambdas/core/job/tasks.js';

/** Just enough of Choice-rule evaluation for the conditions the gate emits. */
function holds(cond: JsonObject, data: Record<string, { status: string; ok: boolean }>): boolean {
  if ('And' in cond) return (cond.And as JsonObject[]).every((c) => holds(c, data));
  if ('Or' in cond) return (cond.Or as JsonObject[]).some((c) => holds(c, data));
  if ('Not' in cond) return !holds(cond.Not as JsonObject, data);
  const [, key, field] = String(cond.Variable).split('.');
  const value = data[key][field as 'status' | 'ok'];
  if ('StringEquals' in cond) return value === cond.StringEquals;
  if ('BooleanEquals' in cond) return value === cond.BooleanEquals;
  throw new Error(`unexpected condition ${JSON.stringify(cond)}`);
}

function combinations(n: number): TaskEndStatus[][] {
  if (n === 0) return [[]];
  return combinations(n - 1).flatMap((c) => TASK_END_STATUSES.map((s) => [...c, s]));
}

describe('trigger-rule gate', () => {
  it('decides like trigger-rules.ts for every rule and every mix of up to 3 upstream statuses', () => {
    for (const rule of TRIGGER_RULES) {
      const task: Task = { id: 'x', target: { type: 'lambda', functionArn: 'fn' }, triggerRule: rule };
      for (let n = 1; n <= 3; n++) {
        for (const statuses of combinations(n)) {
          const data = Object.fromEntries(
            statuses.map((status, i) => [`t${i}`, { status, ok: OK_STATUSES.includes(status) }]),
          );
          const paths = statuses.map((_, i) => ({ status: `$.t${i}.status`, ok: `$.t${i}.ok` }));
          const gate = gateFor(task, paths);
          const decided = gate
            ? (gate.rules.find((r) => holds(r.condition, data))?.outcome ?? gate.otherwise)
            : 'run';
          expect(decided, `${rule} over ${statuses.join(',')}`).toBe(decideTask(rule, statuses));
        }
      }
    }
  });
});
