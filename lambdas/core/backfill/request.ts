import { z } from 'zod';
import { type FieldProblem, ValidationError } from '../errors.js';
import { INSTANT_FORMAT_HINT, parseInstant } from '../schedule/index.js';
import { zodProblems } from '../validate-job.js';

/** The most slots one backfill request may cover: larger windows are split by the caller. */
export const MAX_BACKFILL_SLOTS = 10_000;
/** The most runs of one backfill that run at once. */
export const MAX_BACKFILL_CONCURRENCY = 100;

/**
 * What happens to a slot that already has a run: `none` leaves it, `failed` runs it again when its run FAILED or
 * TIMED_OUT, `all` runs it again whenever its run has ended. A run still queued or running is never touched.
 */
export const REPROCESS_MODES = ['none', 'failed', 'all'] as const;
export type ReprocessMode = (typeof REPROCESS_MODES)[number];

const instant = (description: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .meta({ description: `${description}: an ISO-8601 instant with Z or an offset`, format: 'date-time' });

/** Body of `POST /v1/jobs/{jobId}/backfill` (API.md). Unknown fields are rejected. */
export const BackfillRequestSchema = z
  .strictObject({
    from: instant('Start of the window (inclusive)'),
    to: instant('End of the window (exclusive), not after now'),
    maxConcurrency: z
      .number()
      .int()
      .min(1)
      .max(MAX_BACKFILL_CONCURRENCY)
      .optional()
      .meta({ default: 1, description: 'Runs of this backfill that run at once' }),
    dryRun: z
      .boolean()
      .optional()
      .meta({ default: false, description: 'Only list the times that would run; create nothing' }),
    reprocess: z
      .enum(REPROCESS_MODES)
      .optional()
      .meta({ default: 'none', description: 'Slots that already have a run: none, failed or all' }),
  })
  .meta({ id: 'BackfillRequest' });

export interface BackfillRequest {
  readonly from: Date;
  readonly to: Date;
  readonly maxConcurrency: number;
  readonly dryRun: boolean;
  readonly reprocess: ReprocessMode;
}

/**
 * Validates a backfill body against `now`: shape (strict), `from`/`to` as ISO instants with a zone, `from`
 * before `to`, and `to` not after `now` (a backfill runs past slots; future ones belong to the schedule).
 * Throws `ValidationError` listing every problem with its `$.field` path.
 */
export function parseBackfillRequest(body: unknown, now: Date): BackfillRequest {
  const parsed = BackfillRequestSchema.safeParse(body);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error.issues);
    throw new ValidationError(problems, `The backfill request is not valid (${problems.length} problem(s)).`);
  }
  const problems: FieldProblem[] = [];
  const from = parseInstant(parsed.data.from);
  const to = parseInstant(parsed.data.to);
  if (!from) problems.push({ path: '$.from', message: `is not an instant; ${INSTANT_FORMAT_HINT}` });
  if (!to) problems.push({ path: '$.to', message: `is not an instant; ${INSTANT_FORMAT_HINT}` });
  if (from && to && from.getTime() >= to.getTime()) {
    problems.push({ path: '$.to', message: `must be after from (${from.toISOString()})` });
  }
  if (to && to.getTime() > now.getTime()) {
    problems.push({
      path: '$.to',
      message: `must not be in the future (now is ${now.toISOString()}); slots from now on belong to the schedule`,
    });
  }
  if (problems.length > 0 || !from || !to) {
    throw new ValidationError(problems, `The backfill request is not valid (${problems.length} problem(s)).`);
  }
  return {
    from,
    to,
    maxConcurrency: parsed.data.maxConcurrency ?? 1,
    dryRun: parsed.data.dryRun ?? false,
    reprocess: parsed.data.reprocess ?? 'none',
  };
}
