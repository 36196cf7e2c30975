import type { JobRecord } from '../../core/job.js';
import { isTerminal } from '../../core/run-states.js';
import type { EngineDeps } from './deps.js';

export interface ConcurrencyPolicy {
  readonly max: number;
  readonly overlap: 'skip' | 'buffer_one' | 'allow' | 'cancel_previous';
}

/**
 * Whether runs of the job take concurrency slots. A one-time job (`immediate`, `at`) has one slot in time and
 * nothing to overlap with (overlap policies are for recurring jobs), so its runs skip the two slot writes.
 */
export function usesSlots(job: JobRecord): boolean {
  const { type } = job.definition.schedule;
  return (type === 'cron' || type === 'rate') && concurrencyOf(job).overlap !== 'allow';
}

export function concurrencyOf(job: JobRecord): ConcurrencyPolicy {
  return {
    max: job.definition.concurrency?.max ?? 1,
    overlap: job.definition.concurrency?.overlap ?? 'skip',
  };
}

/**
 * Claims a slot; when none is free, releases slots whose runs are gone or terminal (left by a crashed
 * dispatcher) and tries once more, so a leak can never block a job for good.
 */
export async function claimSlot(
  deps: EngineDeps,
  jobId: string,
  runId: string,
  max: number,
): Promise<boolean> {
  if (await deps.slots.claim(jobId, runId, max)) return true;
  let released = false;
  for (const holder of await deps.slots.holders(jobId)) {
    const run = await deps.runs.get(holder);
    if (!run || isTerminal(run.status)) {
      await deps.slots.release(jobId, holder);
      released = true;
    }
  }
  return released && deps.slots.claim(jobId, runId, max);
}
