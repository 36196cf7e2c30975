import { z } from 'zod';

const seconds = (max: number) => z.number().int().min(0).max(max);

export const RetrySchema = z
  .strictObject({
    maxAttempts: z.number().int().min(1).max(100).optional().meta({ default: 3 }),
    initialDelaySeconds: seconds(86_400).optional().meta({ default: 5 }),
    backoffRate: z.number().min(1).max(10).optional().meta({ default: 2 }),
    maxDelaySeconds: seconds(86_400).optional().meta({ default: 300 }),
    jitter: z.enum(['full', 'none']).optional().meta({ default: 'full' }),
    nonRetryableErrors: z.array(z.string().min(1).max(256)).max(50).optional(),
  })
  .refine(
    (r) =>
      r.maxDelaySeconds === undefined ||
      r.initialDelaySeconds === undefined ||
      r.maxDelaySeconds >= r.initialDelaySeconds,
    { message: 'maxDelaySeconds must be at least initialDelaySeconds', path: ['maxDelaySeconds'] },
  )
  .meta({ id: 'RetryPolicy' });

/** Upper bound of a job's timeout: a week, beyond which a "job" is a service. */
export const MAX_TIMEOUT_SECONDS = 7 * 86_400;
export const TimeoutSchema = z.number().int().min(1).max(MAX_TIMEOUT_SECONDS);

export const SlaSchema = z
  .strictObject({
    startWithinSeconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS).optional(),
    finishWithinSeconds: z.number().int().min(1).max(MAX_TIMEOUT_SECONDS).optional(),
  })
  .meta({ id: 'Sla' });

/** The longest catch-up window: 31 days, the longest gap run history is useful for. */
export const MAX_CATCHUP_WINDOW_SECONDS = 31 * 86_400;

export const CatchupSchema = z
  .strictObject({
    window: z
      .number()
      .int()
      .min(1)
      .max(MAX_CATCHUP_WINDOW_SECONDS)
      .meta({ description: 'How late (seconds after its time) a missed slot may still run' }),
    maxRuns: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .meta({ default: 1, description: 'At most this many missed slots run, the latest ones' }),
  })
  .meta({ id: 'Catchup' });

export const PrioritySchema = z.enum(['high', 'normal', 'low']);

export const ConcurrencySchema = z
  .strictObject({
    max: z.number().int().min(1).max(1000).optional().meta({ default: 1 }),
    overlap: z.enum(['skip', 'buffer_one', 'allow', 'cancel_previous']).optional().meta({ default: 'skip' }),
  })
  .meta({ id: 'Concurrency' });

/** Tag keys cannot contain ':' because the list filter is `tag=key:value`. */
export const TagsSchema = z
  .record(
    z
      .string()
      .min(1)
      .max(128)
      .regex(/^[^:]+$/, "tag keys cannot contain ':'"),
    z.string().max(256),
  )
  .refine((t) => Object.keys(t).length <= 50, 'at most 50 tags');
