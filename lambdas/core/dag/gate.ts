import type { Task } from '../job/tasks.js';
import type { Json, JsonObject } from './asl.js';

/*
 * Trigger rules as Choice rules over the statuses of a task's direct dependencies, each read from a JSONPath
 * (state data for structural edges, the latch release for latch edges), each as a status and an `ok` flag, so
 * "ok"/"not ok" is one BooleanEquals instead of an Or of two strings. The ASL form of `decideTask` in
 * trigger-rules.ts (test/unit/core/dag/gate.test.ts checks they agree on every mix of statuses); the decision is
 * taken once every dependency has ended (the structure or the latch guarantees it).
 *   all_success  all SUCCEEDED → run; any not ok → UPSTREAM_FAILED; else (some SKIPPED) → SKIPPED
 *   all_done     always runs (no Choice at all)
 *   all_failed   all not ok → run; else SKIPPED
 *   one_success  any SUCCEEDED → run; any not ok → UPSTREAM_FAILED; else SKIPPED
 *   one_failed   any not ok → run; else SKIPPED
 *   none_failed  all ok → run; else UPSTREAM_FAILED
 * "ok" = SUCCEEDED or SKIPPED; "not ok" = FAILED, TIMED_OUT, UPSTREAM_FAILED.
 */

export type GateOutcome = 'run' | 'UPSTREAM_FAILED' | 'SKIPPED';

export interface GateChoice {
  readonly rules: readonly { readonly condition: JsonObject; readonly outcome: GateOutcome }[];
  readonly otherwise: GateOutcome;
}

/** Where a dependency's recorded status and ok flag are found in the state data. */
export interface DepPaths {
  readonly status: string;
  readonly ok: string;
}

const succeededAt = (p: DepPaths): JsonObject => ({ Variable: p.status, StringEquals: 'SUCCEEDED' });
const isOk = (p: DepPaths): JsonObject => ({ Variable: p.ok, BooleanEquals: true });
const notOk = (p: DepPaths): JsonObject => ({ Variable: p.ok, BooleanEquals: false });
const all = (conds: JsonObject[]): JsonObject => (conds.length === 1 ? conds[0] : { And: conds as Json[] });
const any = (conds: JsonObject[]): JsonObject => (conds.length === 1 ? conds[0] : { Or: conds as Json[] });

/** `undefined` when the task runs whatever its dependencies did (a root, or `all_done`). */
export function gateFor(task: Task, depPaths: readonly DepPaths[]): GateChoice | undefined {
  const rule = task.triggerRule ?? 'all_success';
  if (depPaths.length === 0 || rule === 'all_done') return undefined;
  const succeeded = depPaths.map(succeededAt);
  const failed = depPaths.map(notOk);
  switch (rule) {
    case 'all_success':
      return {
        rules: [
          { condition: all(succeeded), outcome: 'run' },
          { condition: any(failed), outcome: 'UPSTREAM_FAILED' },
        ],
        otherwise: 'SKIPPED',
      };
    case 'all_failed':
      return { rules: [{ condition: all(failed), outcome: 'run' }], otherwise: 'SKIPPED' };
    case 'one_success':
      return {
        rules: [
          { condition: any(succeeded), outcome: 'run' },
          { condition: any(failed), outcome: 'UPSTREAM_FAILED' },
        ],
        otherwise: 'SKIPPED',
      };
    case 'one_failed':
      return { rules: [{ condition: any(failed), outcome: 'run' }], otherwise: 'SKIPPED' };
    case 'none_failed':
      return {
        rules: [{ condition: all(depPaths.map(isOk)), outcome: 'run' }],
        otherwise: 'UPSTREAM_FAILED',
      };
  }
}
