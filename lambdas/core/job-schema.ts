import { z } from 'zod';
import {
  CatchupSchema,
  ConcurrencySchema,
  PrioritySchema,
  RetrySchema,
  SlaSchema,
  TagsSchema,
  TimeoutSchema,
} from './job/policies.js';
import { ScheduleSchema } from './job/schedule-schema.js';
import { TargetSchema } from './job/targets.js';
import { TasksSchema } from './job/tasks.js';

/**
 * The job definition accepted by `POST /v1/jobs` (API.md "Jobs"). Unknown fields are rejected. This one schema
 * gives both request validation and the OpenAPI document; rules it cannot express live in `validate-job.ts`.
 */
export const JobDefinitionSchema = z
  .strictObject({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,127}$/,
        'must be 1-128 characters: letters, digits, space, . _ : -',
      ),
    description: z.string().max(1024).optional(),
    schedule: ScheduleSchema,
    target: TargetSchema.optional(),
    tasks: TasksSchema.optional().meta({ description: 'A DAG of tasks, instead of `target`' }),
    payload: z.unknown().optional().meta({ description: 'Any JSON, given to the target' }),
    retry: RetrySchema.optional(),
    timeoutSeconds: TimeoutSchema.optional().meta({ default: 3600 }),
    sla: SlaSchema.optional(),
    priority: PrioritySchema.optional().meta({ default: 'normal' }),
    concurrency: ConcurrencySchema.optional(),
    catchup: CatchupSchema.optional().meta({
      description:
        'Missed slots (downtime) that still run; without it only the latest missed slot runs, the rest are SKIPPED',
    }),
    tags: TagsSchema.optional(),
  })
  .meta({ id: 'JobDefinition' });

export type JobDefinition = z.output<typeof JobDefinitionSchema>;

/** Fields of a definition that `PATCH` may set or (with `null`) remove. */
export const JOB_FIELDS = Object.keys(JobDefinitionSchema.shape) as (keyof JobDefinition)[];

/** Fields that can never be removed by a PATCH. */
export const REQUIRED_JOB_FIELDS: readonly (keyof JobDefinition)[] = ['name', 'schedule'];
