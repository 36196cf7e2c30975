import type { Completion } from '../../adapters/executors/outcome.js';
import type { ExecutionOutcome } from '../../ports.js';
import { completeAttempt } from './complete.js';
import { type EngineDeps, logOf } from './deps.js';
import { endedDagOutcome } from './execute-dag.js';

/**
 * The end of an asynchronous attempt (ECS task stopped, Step Functions execution ended), reported by an
 * EventBridge event. Only the attempt that still holds the run with this handle is completed; a late event of
 * an attempt that timed out or was cancelled is ignored by the conditional write.
 *
 * A DAG run's execution (the run has `tasks`) ends through `endedDagOutcome`: tasks still open become CANCELLED
 * and a `Kairos.DagFailed` end takes the status its tasks explain (FAILED or TIMED_OUT). The end of an execution
 * the run's cancel stopped (ABORTED, a stopped ECS task) records the attempt CANCELLED.
 */
export async function handleCompletion(deps: EngineDeps, completion: Completion): Promise<void> {
  const log = logOf(deps);
  if (!completion.runId)
    return log({ level: 'WARN', message: 'completion without a run id', handle: completion.handle });
  const run = await deps.runs.get(completion.runId);
  if (!run) return log({ level: 'WARN', message: 'completion for an unknown run', runId: completion.runId });
  const attempt = completion.attempt ?? run.attempt;
  if (run.handle !== completion.handle || run.attempt !== attempt) {
    return log({
      level: 'INFO',
      message: 'completion of a superseded attempt ignored',
      runId: run.runId,
      attempt,
    });
  }
  let outcome = completion.outcome;
  if (run.tasks !== undefined) outcome = await endedDagOutcome(deps, run.runId, attempt, outcome);
  if (run.status === 'CANCELLED') outcome = cancelledOutcome(outcome, run.reason);
  await completeAttempt(deps, run.runId, attempt, outcome);
}

/** The end of an execution a cancel stopped: the attempt was cancelled, whatever the execution reports. */
function cancelledOutcome(outcome: ExecutionOutcome, reason: string | undefined): ExecutionOutcome {
  if (outcome.status === 'started') return outcome;
  const message = reason ?? 'the run was cancelled';
  return { status: 'failed', error: { type: 'Cancelled', message, retryable: false }, log: outcome.log };
}
