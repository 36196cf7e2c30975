import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  conditionHolds,
  countUpstream,
  decideByCounts,
  ruleConditions,
} from '../../../../lambdas/core/dag/rule-conditions.js';
import { ENDED_TASK_STATUSES, type EndedTaskStatus } from '../../../../lambdas/core/dag/task-status.js';
import { decideTask, type TaskDecision } from '../../../../lambdas/core/dag/trigger-rules.js';
import { TRIGGER_RULES } from '../../../../lambdas/core/job/tasks.js';

const DECISIONS: readonly TaskDecision[] = ['run', 'SKIPPED', 'UPSTREAM_FAILED'];
const FAILED_KINDS: readonly EndedTaskStatus[] = ['FAILED', 'TIMED_OUT', 'UPSTREAM_FAILED', 'CANCELLED'];

describe('ruleConditions', () => {
  it('agrees with decideTask on every mix of up to 4 upstream tasks of each kind, one decision holding', () => {
    for (const rule of TRIGGER_RULES) {
      const conditions = ruleConditions(rule);
      for (let s = 0; s <= 4; s++)
        for (let f = 0; f <= 4; f++)
          for (let k = 0; k <= 4; k++) {
            const counts = { succeeded: s, failed: f, skipped: k };
            const holding = DECISIONS.filter((d) => conditionHolds(conditions[d], counts));
            // Failed statuses rotate so every one of them stands for "failed" somewhere.
            const upstream: EndedTaskStatus[] = [
              ...Array<EndedTaskStatus>(s).fill('SUCCEEDED'),
              ...Array.from({ length: f }, (_, i) => FAILED_KINDS[(i + s + k) % FAILED_KINDS.length]),
              ...Array<EndedTaskStatus>(k).fill('SKIPPED'),
            ];
            expect({ rule, counts, holding }).toEqual({
              rule,
              counts,
              holding: [decideTask(rule, upstream)],
            });
          }
    }
  });

  it('agrees with decideTask on random upstream statuses', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TRIGGER_RULES),
        fc.array(fc.constantFrom(...ENDED_TASK_STATUSES), { maxLength: 12 }),
        (rule, upstream) => {
          expect(decideByCounts(rule, countUpstream(upstream))).toBe(decideTask(rule, upstream));
        },
      ),
    );
  });

  it('only compares counts with 0 and 1, so a compiler never needs the number of upstream tasks', () => {
    for (const rule of TRIGGER_RULES)
      for (const condition of Object.values(ruleConditions(rule)))
        for (const test of condition.flat())
          expect([
            { op: '==', value: 0 },
            { op: '>=', value: 1 },
          ]).toContainEqual({ op: test.op, value: test.value });
  });
});

describe('countUpstream', () => {
  it('counts TIMED_OUT, UPSTREAM_FAILED and CANCELLED as failed', () => {
    expect(
      countUpstream([
        'SUCCEEDED',
        'FAILED',
        'TIMED_OUT',
        'UPSTREAM_FAILED',
        'CANCELLED',
        'SKIPPED',
        'SKIPPED',
      ]),
    ).toEqual({ succeeded: 1, failed: 4, skipped: 2 });
  });

  it('refuses an active status', () => {
    expect(() => countUpstream(['RUNNING' as EndedTaskStatus])).toThrow(/RUNNING/);
  });
});

describe('conditionHolds', () => {
  const counts = { succeeded: 2, failed: 0, skipped: 1 };
  it('reads [] as never and [[]] as always', () => {
    expect(conditionHolds([], counts)).toBe(false);
    expect(conditionHolds([[]], counts)).toBe(true);
  });

  it('needs every test of one clause', () => {
    const some = { count: 'succeeded', op: '>=', value: 1 } as const;
    const noneSkipped = { count: 'skipped', op: '==', value: 0 } as const;
    expect(conditionHolds([[some, noneSkipped]], counts)).toBe(false);
    expect(conditionHolds([[some, noneSkipped], [some]], counts)).toBe(true);
  });
});
