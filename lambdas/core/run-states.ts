/** Every status a run can have (API.md "Runs"). */
export const RUN_STATUSES = [
  'SCHEDULED',
  'QUEUED',
  'RUNNING',
  'RETRYING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'CANCELLED',
  'SKIPPED',
] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * The one table of allowed run transitions. Stores put the `from` side in the condition of a single
 * conditional update, so two deliveries of one message cannot both make the same change.
 * FAILED and TIMED_OUT may go back to QUEUED only through an explicit retry (`POST /v1/runs/{id}/retry`).
 * Outside this table, a backfill with `reprocess` reopens an ended run (any terminal status → QUEUED) as an
 * explicit operator action, so a slot keeps one record (see `services/backfill/launch.ts`).
 */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  SCHEDULED: ['QUEUED', 'RUNNING', 'CANCELLED', 'SKIPPED'],
  QUEUED: ['RUNNING', 'CANCELLED', 'SKIPPED'],
  RUNNING: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'RETRYING'],
  RETRYING: ['QUEUED', 'RUNNING', 'CANCELLED'],
  FAILED: ['QUEUED'],
  TIMED_OUT: ['QUEUED'],
  SUCCEEDED: [],
  CANCELLED: [],
  SKIPPED: [],
};

/** Statuses no automatic transition leaves. */
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = [
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'CANCELLED',
  'SKIPPED',
];

/** Statuses in which a run still holds (or will take) a slot of the job's concurrency. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ['QUEUED', 'RUNNING', 'RETRYING'];

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** The statuses from which `to` may be reached: what a conditional write puts in its condition. */
export function sourcesOf(to: RunStatus): RunStatus[] {
  return RUN_STATUSES.filter((from) => RUN_TRANSITIONS[from].includes(to));
}

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && (RUN_STATUSES as readonly string[]).includes(value);
}
