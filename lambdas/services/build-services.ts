import { createHttpTargetGuard } from '../adapters/net/guarded-lookup.js';
import type { AllowList } from '../core/ssrf.js';
import type { RuntimeKind } from '../core/validate-job.js';
import { type BackfillService, createBackfillService } from './backfill/backfill-service.js';
import type { EngineDeps } from './dispatch/deps.js';
import { planFirstSlot } from './dispatch/fire.js';
import { retireWorkflow } from './dispatch/retire-workflow.js';
import { syncSchedule } from './dispatch/schedule-sync.js';
import { createJobService, type JobService } from './jobs/job-service.js';
import { createOverviewService, type OverviewService } from './overview/overview-service.js';
import { createRunService, type RunService } from './runs/run-service.js';
import { createSlaService, type SlaService } from './sla/sla-service.js';

/** The API's services on an engine: jobs (planning their slots), runs (trigger, cancel, retry, logs), SLA, backfills. */
export function buildServices(
  engine: EngineDeps,
  runtime: RuntimeKind,
  allowList: AllowList,
  version: string,
): {
  jobs: JobService;
  runs: RunService;
  sla: SlaService;
  overview: OverviewService;
  backfills: BackfillService;
  version: string;
} {
  const runs = createRunService({
    jobs: engine.jobs,
    runs: engine.runs,
    timers: engine.timers,
    artifacts: engine.artifacts,
    clock: engine.clock,
    engine,
    runRetentionDays: engine.runRetentionDays,
  });
  const jobs = createJobService({
    jobs: engine.jobs,
    runs: engine.runs,
    clock: engine.clock,
    runtime,
    targetGuard: createHttpTargetGuard({ allowList }),
    lifecycle: {
      planFirstSlot: (job, now, stableAt) => planFirstSlot(engine.timers, job, now, stableAt),
      cancelActiveRuns: (jobId, principal) => runs.cancelActive(jobId, principal),
      syncSchedule: (job) => syncSchedule(engine, job),
      retireWorkflow: (job) => retireWorkflow(engine, job),
    },
  });
  const sla = createSlaService({
    sla: engine.sla,
    jobs: engine.jobs,
    runs: engine.runs,
    clock: engine.clock,
  });
  const overview = createOverviewService({ jobs: engine.jobs, runs: engine.runs, clock: engine.clock });
  return { jobs, runs, sla, overview, backfills: createBackfillService(engine), version };
}
