import { ValidationError } from '../../core/errors.js';
import type { SlaMiss } from '../../core/sla.js';
import type { Clock, JobStore, RunStore, SlaStore } from '../../ports.js';

export interface SlaServiceDeps {
  readonly sla: SlaStore;
  readonly jobs: JobStore;
  readonly runs: RunStore;
  readonly clock: Clock;
}

export interface SlaReport {
  readonly misses: SlaMiss[];
  /** Jobs with an SLA: runs scheduled since `since`, and how many of them missed it. */
  readonly jobs: { jobId: string; runs: number; missed: number }[];
}

/** Default window of `GET /v1/sla` without `since`. */
export const DEFAULT_SLA_WINDOW_MS = 24 * 60 * 60_000;

/** `GET /v1/sla`: recent misses and per-job compliance. */
export function createSlaService(deps: SlaServiceDeps) {
  async function runsSince(jobId: string, since: Date): Promise<number> {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await deps.runs.listByJob({ jobId, limit: 100, cursor });
      for (const run of page.items) {
        if (Date.parse(run.scheduledFor) < since.getTime()) return count;
        if (run.status !== 'SKIPPED') count++;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return count;
  }

  async function jobsWithSla(): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await deps.jobs.list({ statuses: ['ACTIVE', 'PAUSED'], limit: 100, cursor });
      for (const job of page.items) if (job.definition.sla) ids.push(job.jobId);
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }

  return {
    async report(since?: Date): Promise<SlaReport> {
      const now = deps.clock.now();
      const from = since ?? new Date(now.getTime() - DEFAULT_SLA_WINDOW_MS);
      if (from.getTime() > now.getTime())
        throw ValidationError.at('query.since', 'must not be in the future');
      const misses = await deps.sla.missesBetween(from, new Date(now.getTime() + 1));
      const missedRuns = new Map<string, Set<string>>();
      for (const miss of misses) {
        const runs = missedRuns.get(miss.jobId) ?? new Set<string>();
        runs.add(miss.runId);
        missedRuns.set(miss.jobId, runs);
      }
      const ids = new Set([...(await jobsWithSla()), ...missedRuns.keys()]);
      const jobs = await Promise.all(
        [...ids].map(async (jobId) => ({
          jobId,
          runs: await runsSince(jobId, from),
          missed: missedRuns.get(jobId)?.size ?? 0,
        })),
      );
      return { misses, jobs };
    },
  };
}

export type SlaService = ReturnType<typeof createSlaService>;
