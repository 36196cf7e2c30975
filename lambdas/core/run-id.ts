import { createHash, randomUUID } from 'node:crypto';

/**
 * The run id of a schedule slot: derived from (jobId, scheduledFor), so every path that notices a slot (the
 * planned timer, EventBridge Scheduler, catch-up, backfill) names the same run and only the first creates it.
 */
export function slotRunId(jobId: string, scheduledFor: string): string {
  const digest = createHash('sha256')
    .update(`${jobId}\n${new Date(scheduledFor).toISOString()}`)
    .digest('hex');
  return `run_${digest.slice(0, 24)}`;
}

/** A manual run is its own slot: a fresh id. */
export function manualRunId(): string {
  return `run_m${randomUUID().replaceAll('-', '').slice(0, 23)}`;
}
