import type { JobRecord } from '../../core/job.js';
import type { DispatchMessage } from '../../core/messages.js';
import type { RunRecord } from '../../core/run.js';
import { missedSla, slaDeadlines } from '../../core/sla.js';
import type { EngineDeps } from './deps.js';
import { countSlaMiss } from './metrics.js';

type SlaMessage = Extract<DispatchMessage, { kind: 'sla' }>;

/** Plans the run's SLA deadlines as timers, at run creation. */
export async function planSlaChecks(deps: EngineDeps, job: JobRecord, run: RunRecord): Promise<void> {
  const deadlines = slaDeadlines(run.scheduledFor, job.definition.sla);
  if (deadlines.length === 0) return;
  await deps.timers.fireAtMany(
    deadlines.map(({ kind, deadline }) => ({
      when: deadline,
      message: { kind: 'sla', runId: run.runId, check: kind, deadline: deadline.toISOString() },
      lane: run.lane ?? 'normal',
    })),
  );
}

/**
 * An SLA deadline came: if the run had not started (finished) by then, record the miss, and only the call whose
 * conditional write recorded it alerts and counts it, so a duplicated timer cannot alert twice.
 */
export async function handleSlaCheck(deps: EngineDeps, message: SlaMessage): Promise<void> {
  const run = await deps.runs.get(message.runId);
  if (!run || !missedSla(run, message.check, new Date(message.deadline))) return;
  const miss = {
    runId: run.runId,
    jobId: run.jobId,
    kind: message.check,
    deadline: message.deadline,
    detectedAt: deps.clock.now().toISOString(),
  };
  if (!(await deps.sla.markMiss(miss))) return;
  countSlaMiss(deps);
  await deps.alerts.slaMissed(miss);
}
