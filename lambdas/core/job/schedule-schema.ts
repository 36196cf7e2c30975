import { z } from 'zod';

const instant = z.string().min(1).max(64).meta({ description: 'ISO-8601 instant with Z or an offset' });

export const ScheduleSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('immediate') }),
    z.strictObject({ type: z.literal('at'), at: instant }),
    z.strictObject({
      type: z.literal('cron'),
      expression: z.string().min(1).max(256).meta({ description: '5-field Unix cron' }),
      timezone: z.string().min(1).max(64).optional().meta({ description: 'IANA zone', default: 'UTC' }),
      startAt: instant.optional(),
      endAt: instant.optional(),
    }),
    z.strictObject({
      type: z.literal('rate'),
      every: z.string().min(1).max(64).meta({ description: 'e.g. "5 minutes", "1 hour", "2 days"' }),
      startAt: instant.optional(),
      endAt: instant.optional(),
    }),
  ])
  .meta({ id: 'Schedule' });
