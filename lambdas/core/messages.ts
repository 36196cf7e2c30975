import { z } from 'zod';
import { ValidationError } from './errors.js';
import { zodProblems } from './validate-job.js';

/** Dispatch lanes: one queue each; the high lane is drained first. */
export const LANES = ['high', 'normal', 'low'] as const;
export type Lane = (typeof LANES)[number];

/**
 * What travels on the dispatch queues (and waits in timer buckets):
 * - `fire`: a schedule slot of a job is due: create its run (id derived from the slot, so a second fire is a
 *   no-op), plan the next slot, start the run;
 * - `start`: start attempt `attempt` of a run (first attempt, retry after backoff, manual retry);
 * - `timeout`: the deadline of attempt `attempt`; a no-op unless that attempt is still running;
 * - `sla`: an SLA deadline of a run (`start` or `finish`); records a miss and alerts at most once per kind;
 * - `backfill`: the pump of a backfill: launches its next slots while it has free concurrency (sent when the
 *   backfill is requested, when one of its runs ends, and as a recheck while it waits for capacity).
 */
export const DispatchMessageSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fire'),
    jobId: z.string().min(1).max(128),
    scheduledFor: z.iso.datetime(),
  }),
  z.strictObject({
    kind: z.literal('start'),
    runId: z.string().min(1).max(128),
    attempt: z.number().int().min(1),
  }),
  z.strictObject({
    kind: z.literal('timeout'),
    runId: z.string().min(1).max(128),
    attempt: z.number().int().min(1),
    /** The attempt's deadline; a check that arrives earlier re-arms itself (so it always fits an SQS delay). */
    deadline: z.iso.datetime().optional(),
  }),
  z.strictObject({
    kind: z.literal('sla'),
    runId: z.string().min(1).max(128),
    check: z.enum(['start', 'finish']),
    deadline: z.iso.datetime(),
  }),
  z.strictObject({
    kind: z.literal('backfill'),
    backfillId: z.string().min(1).max(128),
  }),
]);

export type DispatchMessage = z.output<typeof DispatchMessageSchema>;

/** A message bound for a lane, to be visible after `delaySeconds` (0–900, SQS's limit). */
export interface OutboundMessage {
  readonly lane: Lane;
  readonly message: DispatchMessage;
  readonly delaySeconds: number;
}

/** Parses a queue message body; throws `ValidationError` saying why (the reason recorded in the DLQ). */
export function parseDispatchMessage(body: string): DispatchMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new ValidationError([{ path: '$', message: 'message body is not JSON' }], 'Unparseable message', {
      cause: error,
    });
  }
  const parsed = DispatchMessageSchema.safeParse(json);
  if (!parsed.success)
    throw new ValidationError(zodProblems(parsed.error.issues), 'Invalid dispatch message');
  return parsed.data;
}

/** The longest delay SQS accepts on a message; later timers wait in the Schedule table. */
export const MAX_QUEUE_DELAY_SECONDS = 900;
