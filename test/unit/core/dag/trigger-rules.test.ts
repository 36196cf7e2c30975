import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTIVE_TASK_STATUSES,
  ENDED_TASK_STATUSES,
  type EndedTaskStatus,
} from '../../../../lambdas/core/dag/task-status.js';
import { decideTask, type TaskDecision } from '../../../../lambdas/core/dag/trigger-rules.js';
import { TRIGGER_RULES, type TriggerRule } from '../../../../lambdas/core/job/tasks.js';

// The table of trigger-rules.ts, written out again: columns are which kinds of upstream outcome are present.
type Present = 'root' | 'S' | 'F' | 'K' | 'S+F' | 'S+K' | 'F+K' | 'S+F+K';
const COLUMNS: readonly Present[] = ['root', 'S', 'F', 'K', 'S+F', 'S+K', 'F+K', 'S+F+K'];
const R = 'run';
const UF = 'UPSTREAM_FAILED';
const SK = 'SKIPPED';
const TABLE: Record<TriggerRule, readonly TaskDecision[]> = {
  all_success: [R, R, UF, SK, UF, SK, UF, UF],
  all_done: [R, R, R, R, R, R, R, R],
  all_failed: [R, SK, R, SK, SK, SK, SK, SK],
  one_success: [R, R, UF, SK, R, R, UF, R],
  one_failed: [R, SK, R, SK, R, SK, R, R],
  none_failed: [R, R, UF, R, UF, R, UF, UF],
};

const FAILED_KINDS: readonly EndedTaskStatus[] = ['FAILED', 'TIMED_OUT', 'UPSTREAM_FAILED', 'CANCELLED'];

function upstreamFor(present: Present, failed: EndedTaskStatus): EndedTaskStatus[] {
  if (present === 'root') return [];
  const of = { S: 'SUCCEEDED', F: failed, K: 'SKIPPED' } as const;
  return present.split('+').map((kind) => of[kind as keyof typeof of]);
}

describe('decideTask', () => {
  const cells = TRIGGER_RULES.flatMap((rule) =>
    COLUMNS.flatMap((present, c) =>
      FAILED_KINDS.map((failed) => ({ rule, present, failed, expected: TABLE[rule][c] })),
    ),
  );

  it.each(cells)('$rule with $present (F = $failed) → $expected', ({ rule, present, failed, expected }) => {
    expect(decideTask(rule, upstreamFor(present, failed))).toBe(expected);
  });

  it('depends only on which kinds are present, not on how many or in which order', () => {
    const ended = fc.constantFrom(...ENDED_TASK_STATUSES);
    fc.assert(
      fc.property(
        fc.constantFrom(...TRIGGER_RULES),
        fc.array(ended, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(3), { minLength: 8, maxLength: 8 }),
        (rule, upstream, extra) => {
          const repeated = upstream.flatMap((s, i) => Array<EndedTaskStatus>(1 + extra[i]).fill(s)).reverse();
          expect(decideTask(rule, repeated)).toBe(decideTask(rule, upstream));
        },
      ),
    );
  });

  it('refuses to decide while an upstream task is still active', () => {
    for (const active of ACTIVE_TASK_STATUSES)
      expect(() => decideTask('all_done', ['SUCCEEDED', active])).toThrow(new RegExp(active));
  });
});
