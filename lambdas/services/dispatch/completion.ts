import type { Completion } from '../../adapters/executors/outcome.js';
import { completeAttempt } from './complete.js';
import { type EngineDeps, logOf } from './deps.js';

/**
 * The end of an asynchronous attempt (ECS task stopped, Step Functions execution ended), reported by an
 * EventBridge event. Only the attempt that still holds the run with this handle is completed; a late event of
 * an attempt that timed out or was cancelled is ignored by the conditional write.
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
  await completeAttempt(deps, run.runId, attempt, completion.outcome);
}
