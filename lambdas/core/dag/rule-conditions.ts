import type { TriggerRule } from '../job/tasks.js';
import type { EndedTaskStatus } from './task-status.js';
import { KIND_OF, type TaskDecision, type UpstreamKind } from './trigger-rules.js';

/** How many upstream tasks ended as each kind (`KIND_OF`). */
export type UpstreamCounts = Readonly<Record<UpstreamKind, number>>;

/**
 * One comparison of an upstream count with a constant. A compiler turns it into one Choice rule on the count's
 * variable: `==` → `NumericEquals`, `>=` → `NumericGreaterThanEquals`.
 */
export interface CountTest {
  readonly count: UpstreamKind;
  readonly op: '==' | '>=';
  readonly value: number;
}

/**
 * A condition in disjunctive normal form: it holds when every test of at least one clause holds (`Or` of
 * `And`s in a Choice rule). `[]` never holds; `[[]]` always holds.
 */
export type CountCondition = readonly (readonly CountTest[])[];

/** For each decision, the condition on the counts under which a rule takes it. Exactly one holds. */
export type RuleConditions = Readonly<Record<TaskDecision, CountCondition>>;

const none = (count: UpstreamKind): CountTest => ({ count, op: '==', value: 0 });
const some = (count: UpstreamKind): CountTest => ({ count, op: '>=', value: 1 });
/** No upstream at all: a root task, which runs whatever its rule. */
const ROOT: readonly CountTest[] = [none('succeeded'), none('failed'), none('skipped')];
const NEVER: CountCondition = [];
const ALWAYS: CountCondition = [[]];

/**
 * `decideTask`'s table (see `trigger-rules.ts`) as data over counts, so a compiler can build Choice states from
 * counters (e.g. a latch item whose atomic update adds 1 to `succeeded`, `failed` or `skipped`) instead of
 * listing statuses. Only "is this count zero" matters, so every test compares with 0 or 1 and never with the
 * number of upstream tasks: "all succeeded" is "none failed and none skipped".
 */
export function ruleConditions(rule: TriggerRule): RuleConditions {
  switch (rule) {
    case 'all_success':
      return {
        run: [[none('failed'), none('skipped')]],
        UPSTREAM_FAILED: [[some('failed')]],
        SKIPPED: [[none('failed'), some('skipped')]],
      };
    case 'all_done':
      return { run: ALWAYS, UPSTREAM_FAILED: NEVER, SKIPPED: NEVER };
    case 'all_failed':
      return {
        run: [[none('succeeded'), none('skipped')]],
        UPSTREAM_FAILED: NEVER,
        SKIPPED: [[some('succeeded')], [some('skipped')]],
      };
    case 'one_success':
      return {
        run: [[some('succeeded')], ROOT],
        UPSTREAM_FAILED: [[none('succeeded'), some('failed')]],
        SKIPPED: [[none('succeeded'), none('failed'), some('skipped')]],
      };
    case 'one_failed':
      return {
        run: [[some('failed')], ROOT],
        UPSTREAM_FAILED: NEVER,
        SKIPPED: [
          [none('failed'), some('succeeded')],
          [none('failed'), some('skipped')],
        ],
      };
    case 'none_failed':
      return { run: [[none('failed')]], UPSTREAM_FAILED: [[some('failed')]], SKIPPED: NEVER };
  }
}

/** Counts ended upstream statuses by kind. */
export function countUpstream(upstream: readonly EndedTaskStatus[]): UpstreamCounts {
  const counts = { succeeded: 0, failed: 0, skipped: 0 };
  for (const status of upstream) {
    // A live status would be counted as nothing and silently decide too early.
    if (!Object.hasOwn(KIND_OF, status)) throw new Error(`cannot count an active upstream status: ${status}`);
    counts[KIND_OF[status]] += 1;
  }
  return counts;
}

export function conditionHolds(condition: CountCondition, counts: UpstreamCounts): boolean {
  return condition.some((clause) =>
    clause.every((t) => (t.op === '==' ? counts[t.count] === t.value : counts[t.count] >= t.value)),
  );
}

/** The decision whose condition holds for these counts; what a compiled Choice state computes. */
export function decideByCounts(rule: TriggerRule, counts: UpstreamCounts): TaskDecision {
  const conditions = ruleConditions(rule);
  const holding = (Object.keys(conditions) as TaskDecision[]).filter((d) =>
    conditionHolds(conditions[d], counts),
  );
  if (holding.length !== 1)
    throw new Error(`rule ${rule}: ${holding.length} decisions hold for ${JSON.stringify(counts)}`);
  return holding[0];
}
