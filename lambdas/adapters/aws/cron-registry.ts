/**
 * The cron registry: one EventBridge Scheduler schedule per recurring (`cron` / `rate`) job, whose target is the
 * job's priority lane queue and whose message is a `fire` dispatch message for the occurrence
 * (ARCHITECTURE.md "durable timers" → "Cron").
 */
import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { JobRecord } from '../../core/job.js';
import type { Lane } from '../../core/messages.js';
import { parseInstant, toEventBridgeExpression } from '../../core/schedule/index.js';

import type { CronRegistry } from '../../ports.js';

export type { CronRegistry };

export interface EventBridgeCronRegistryOptions {
  readonly client: SchedulerClient;
  /** The stage's schedule group. */
  readonly groupName: string;
  /** Role EventBridge Scheduler assumes to send to the lane queues. */
  readonly roleArn: string;
  /** Lane queue ARNs; a schedule targets its job's priority lane. */
  readonly queueArns: Readonly<Record<Lane, string>>;
  /** SQS dead-letter queue for deliveries the scheduler could not make. */
  readonly deadLetterArn: string;
}

/**
 * The context attribute EventBridge Scheduler replaces, wherever it appears in a target's `Input`, with the
 * occurrence's scheduled time as an ISO-8601 UTC instant, e.g. `2022-03-22T18:59:43Z`
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html).
 * It is the nominal slot, not the delivery time (the flexible window is off), so `hash(jobId, scheduledFor)`
 * gives the same run id as the timer path for the same occurrence.
 */
export const SCHEDULED_TIME_ATTRIBUTE = '<aws.scheduler.scheduled-time>';

/**
 * Delivery retries of the scheduler (its defaults are 24 h and 185 attempts). A fire older than an hour is
 * stale: the timer path (each fire plans the next occurrence) normally covered it already, and a run starting
 * hours late would surprise more than it helps, so it goes to the dead-letter queue instead. Ten attempts
 * with the scheduler's backoff ride out SQS throttling and short outages within that hour. Late or repeated
 * deliveries are harmless: the run id derives from (jobId, scheduledFor).
 */
export const CRON_RETRY_POLICY = { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 } as const;

/** Scheduler names: 1-64 characters of `[0-9a-zA-Z-_.]`. */
const NAME_MAX = 64;
const PLAIN_PREFIX = 'job-';
const PLAIN_ID = new RegExp(`^[0-9A-Za-z_.-]{1,${NAME_MAX - PLAIN_PREFIX.length}}$`);

/**
 * The schedule name of a job: `job-<jobId>` when the id is short and uses only allowed characters (readable in
 * the console), else `jh.<base64url(sha256(jobId))>`. The two forms differ at the second character, so
 * distinct ids always get distinct names.
 */
export function scheduleNameOf(jobId: string): string {
  if (PLAIN_ID.test(jobId)) return `${PLAIN_PREFIX}${jobId}`;
  return `jh.${createHash('sha256').update(jobId, 'utf8').digest('base64url')}`;
}

/** What a job's schedule must look like, independent of the SDK; shared with the local stand-in. */
export interface CronScheduleSpec {
  readonly jobId: string;
  readonly name: string;
  readonly description: string;
  readonly expression: string;
  readonly timezone: string;
  readonly startDate?: Date;
  readonly endDate?: Date;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly lane: Lane;
  /** The target's message body; `scheduledFor` is {@link SCHEDULED_TIME_ATTRIBUTE}, filled in at each fire. */
  readonly input: string;
}

function instantOf(jobId: string, field: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const instant = parseInstant(value);
  if (instant === undefined)
    throw new Error(`Job ${jobId}: schedule ${field} '${value}' is not an ISO-8601 instant.`);
  return instant;
}

/** The schedule a job needs, or undefined when it needs none (`immediate`/`at`, or a deleted job). */
export function cronScheduleSpecOf(job: JobRecord): CronScheduleSpec | undefined {
  const schedule = job.definition.schedule;
  if (job.status === 'DELETED' || (schedule.type !== 'cron' && schedule.type !== 'rate')) return undefined;
  const eb = toEventBridgeExpression(schedule);
  if (eb === undefined) return undefined;
  const startDate = instantOf(job.jobId, 'startAt', schedule.startAt);
  const endDate = instantOf(job.jobId, 'endAt', schedule.endAt);
  return {
    jobId: job.jobId,
    name: scheduleNameOf(job.jobId),
    description: `Kairos job ${job.jobId} (${job.definition.name})`.slice(0, 512),
    expression: eb.expression,
    timezone: eb.timezone,
    ...(startDate === undefined ? {} : { startDate }),
    ...(endDate === undefined ? {} : { endDate }),
    state: job.status === 'PAUSED' ? 'DISABLED' : 'ENABLED',
    lane: job.definition.priority ?? 'normal',
    input: JSON.stringify({ kind: 'fire', jobId: job.jobId, scheduledFor: SCHEDULED_TIME_ATTRIBUTE }),
  };
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string'
    ? error.name
    : undefined;
}

function wrap(action: string, jobId: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`Cron registry: could not ${action} the schedule of job ${jobId}: ${message}`, {
    cause: error,
  });
}

/** Builds a `CronRegistry` over EventBridge Scheduler schedules in one schedule group. */
export function createEventBridgeCronRegistry(options: EventBridgeCronRegistryOptions): CronRegistry {
  const { client, groupName, roleArn, queueArns, deadLetterArn } = options;

  const remove = async (jobId: string): Promise<void> => {
    try {
      await client.send(new DeleteScheduleCommand({ Name: scheduleNameOf(jobId), GroupName: groupName }));
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') return;
      throw wrap('delete', jobId, error);
    }
  };

  const inputOf = (spec: CronScheduleSpec): CreateScheduleCommandInput => ({
    Name: spec.name,
    GroupName: groupName,
    Description: spec.description,
    ScheduleExpression: spec.expression,
    ScheduleExpressionTimezone: spec.timezone,
    ...(spec.startDate === undefined ? {} : { StartDate: spec.startDate }),
    ...(spec.endDate === undefined ? {} : { EndDate: spec.endDate }),
    State: spec.state,
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: {
      Arn: queueArns[spec.lane],
      RoleArn: roleArn,
      Input: spec.input,
      RetryPolicy: { ...CRON_RETRY_POLICY },
      DeadLetterConfig: { Arn: deadLetterArn },
    },
    ActionAfterCompletion: 'NONE',
  });

  return {
    async put(job) {
      const spec = cronScheduleSpecOf(job);
      if (spec === undefined) return remove(job.jobId);
      const input = inputOf(spec);
      // UpdateSchedule replaces every field, so Update-then-Create converges to the same schedule either way.
      try {
        await client.send(new UpdateScheduleCommand(input));
        return;
      } catch (error) {
        if (errorName(error) !== 'ResourceNotFoundException') throw wrap('update', job.jobId, error);
      }
      try {
        await client.send(new CreateScheduleCommand(input));
        return;
      } catch (error) {
        if (errorName(error) !== 'ConflictException') throw wrap('create', job.jobId, error);
      }
      // A concurrent put created it between our Update and Create: make it ours.
      try {
        await client.send(new UpdateScheduleCommand(input));
      } catch (error) {
        throw wrap('update', job.jobId, error);
      }
    },
    remove,
  };
}
