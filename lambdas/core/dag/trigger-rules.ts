import type { TriggerRule } from '../job/tasks.js';
import { type EndedTaskStatus, isEndedTaskStatus, type TaskStatus } from './task-status.js';

/** What happens to a task once all its upstream tasks have ended. */
export type TaskDecision = 'run' | 'SKIPPED' | 'UPSTREAM_FAILED';

/** The three kinds of ended upstream tasks a trigger rule distinguishes. */
export type UpstreamKind = 'succeeded' | 'failed' | 'skipped';

/**
 * The kind each ended status counts as. CANCELLED counts as failed: a task cancelled on its own (not by
 * cancelling the run) did not do its work, so a rule waiting for success must not run after it. Cancelling the
 * run itself never reaches the rules: every task not yet ended becomes CANCELLED (`run-status.ts`).
 */
export const KIND_OF: Readonly<Record<EndedTaskStatus, UpstreamKind>> = {
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'failed',
  UPSTREAM_FAILED: 'failed',
  CANCELLED: 'failed',
  SKIPPED: 'skipped',
};

/**
 * Decides a task whose upstream tasks have all ended (Airflow-like trigger rules). A root task (no upstream)
 * always runs. Otherwise only *which kinds* are present among the upstream statuses matters, so this is the
 * whole table (S = some upstream succeeded, F = some failed, K = some skipped; UF = UPSTREAM_FAILED):
 *
 * | rule        | root | S    | F    | K    | S+F  | S+K  | F+K  | S+F+K |
 * |-------------|------|------|------|------|------|------|------|-------|
 * | all_success | run  | run  | UF   | SKIP | UF   | SKIP | UF   | UF    |
 * | all_done    | run  | run  | run  | run  | run  | run  | run  | run   |
 * | all_failed  | run  | SKIP | run  | SKIP | SKIP | SKIP | SKIP | SKIP  |
 * | one_success | run  | run  | UF   | SKIP | run  | run  | UF   | run   |
 * | one_failed  | run  | SKIP | run  | SKIP | run  | SKIP | run  | run   |
 * | none_failed | run  | run  | UF   | run  | UF   | run  | UF   | UF    |
 *
 * Why: a rule that waits for success ends UPSTREAM_FAILED when a failure made it impossible, so the failure
 * shows on every task it prevented and propagates down (an all_success child of a UF task is UF in turn). A rule
 * that waits for failure (all_failed, one_failed) ends SKIPPED when no failure happened: nothing went wrong, its
 * handler simply had nothing to handle. A skip only ever propagates as a skip, never as a failure.
 *
 * @throws Error when an upstream status is still active: the caller decides only once they have all ended.
 */
export function decideTask(rule: TriggerRule, upstream: readonly TaskStatus[]): TaskDecision {
  const ended = upstream.map(assertEnded);
  if (ended.length === 0) return 'run';
  const succeeded = ended.filter((s) => KIND_OF[s] === 'succeeded').length;
  const failed = ended.filter((s) => KIND_OF[s] === 'failed').length;
  const all = ended.length;
  switch (rule) {
    case 'all_success':
      if (succeeded === all) return 'run';
      return failed > 0 ? 'UPSTREAM_FAILED' : 'SKIPPED';
    case 'all_done':
      return 'run';
    case 'all_failed':
      return failed === all ? 'run' : 'SKIPPED';
    case 'one_success':
      if (succeeded > 0) return 'run';
      return failed > 0 ? 'UPSTREAM_FAILED' : 'SKIPPED';
    case 'one_failed':
      return failed > 0 ? 'run' : 'SKIPPED';
    case 'none_failed':
      return failed === 0 ? 'run' : 'UPSTREAM_FAILED';
  }
}

function assertEnded(status: TaskStatus): EndedTaskStatus {
  if (!isEndedTaskStatus(status))
    throw new Error(`decideTask needs upstream tasks that have ended; one is ${status}`);
  return status;
}
