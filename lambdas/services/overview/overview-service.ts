import { ValidationError } from '../../core/errors.js';
import { type Overview, summarizeRuns } from '../../core/overview.js';
import type { RunRecord } from '../../core/run.js';
import type { Clock, JobStore, RunStore } from '../../ports.js';

export interface OverviewServiceDeps {
  readonly jobs: JobStore;
  readonly runs: RunStore;
  readonly clock: Clock;
}

/** Default window of `GET /v1/overview` without `since`. */
export const DEFAULT_OVERVIEW_WINDOW_MS = 60 * 60_000;
/** Longest window: the overview reads every run of it, job by job. */
export const MAX_OVERVIEW_WINDOW_MS = 24 * 60 * 60_000;
/** Most runs one overview reads (newest first per job), so one call stays within the API's time limit. */
export const MAX_OVERVIEW_RUNS = 5_000;

/**
 * `GET /v1/overview`: reads the runs whose slot lies in the window from each job's run history (the runs table's
 * byJob index, newest first) — no scan and no extra index, at the price of one query per job per call.
 */
export function createOverviewService(deps: OverviewServiceDeps) {
  async function runsOf(jobId: string, since: number, budget: number): Promise<RunRecord[]> {
    const found: RunRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.runs.listByJob({ jobId, limit: 100, cursor });
      for (const run of page.items) {
        if (Date.parse(run.scheduledFor) < since || found.length >= budget) return found;
        found.push(run);
      }
      cursor = page.nextCursor;
    } while (cursor);
    return found;
  }

  return {
    async overview(since?: Date): Promise<Overview> {
      const now = deps.clock.now();
      const from = since ?? new Date(now.getTime() - DEFAULT_OVERVIEW_WINDOW_MS);
      if (from.getTime() > now.getTime())
        throw ValidationError.at('query.since', 'must not be in the future');
      if (now.getTime() - from.getTime() > MAX_OVERVIEW_WINDOW_MS)
        throw ValidationError.at('query.since', 'must be within the last 24 hours');
      const runs: RunRecord[] = [];
      let truncated = false;
      let cursor: string | undefined;
      do {
        const page = await deps.jobs.list({ statuses: ['ACTIVE', 'PAUSED'], limit: 100, cursor });
        for (const job of page.items) {
          const budget = MAX_OVERVIEW_RUNS - runs.length;
          if (budget <= 0) {
            truncated = true;
            break;
          }
          const found = await runsOf(job.jobId, from.getTime(), budget);
          if (found.length === budget) truncated = true;
          runs.push(...found);
        }
        cursor = truncated ? undefined : page.nextCursor;
      } while (cursor);
      return summarizeRuns(runs, from, now, truncated);
    },
  };
}

export type OverviewService = ReturnType<typeof createOverviewService>;
