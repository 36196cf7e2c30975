import type { RunRecord } from './run.js';

export type SlaKind = 'start' | 'finish';

/** One missed SLA of a run (API.md `GET /v1/sla` → `misses`). */
export interface SlaMiss {
  readonly runId: string;
  readonly jobId: string;
  readonly kind: SlaKind;
  readonly deadline: string;
  readonly detectedAt: string;
}

export interface SlaPolicy {
  readonly startWithinSeconds?: number;
  readonly finishWithinSeconds?: number;
}

/** The deadlines of a run's SLA, counted from its scheduled time (not from when it was queued). */
export function slaDeadlines(
  scheduledFor: string,
  sla: SlaPolicy | undefined,
): { kind: SlaKind; deadline: Date }[] {
  const base = Date.parse(scheduledFor);
  const out: { kind: SlaKind; deadline: Date }[] = [];
  if (sla?.startWithinSeconds !== undefined)
    out.push({ kind: 'start', deadline: new Date(base + sla.startWithinSeconds * 1000) });
  if (sla?.finishWithinSeconds !== undefined)
    out.push({ kind: 'finish', deadline: new Date(base + sla.finishWithinSeconds * 1000) });
  return out;
}

/**
 * Whether the run missed the deadline of `kind`: it had not started (finished) by then, or did so later (the
 * check may run late). Skipped and cancelled runs never ran on purpose: no miss.
 */
export function missedSla(run: RunRecord, kind: SlaKind, deadline: Date): boolean {
  if (run.status === 'SKIPPED' || run.status === 'CANCELLED') return false;
  const at = kind === 'start' ? (run.attempts[0]?.startedAt ?? run.startedAt) : run.endedAt;
  return at === undefined || Date.parse(at) > deadline.getTime();
}
