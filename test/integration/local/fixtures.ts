/**
 * Shared setup of the local scheduler tests: dynalite (in memory, or on disk to test restarts), the queue and
 * schedules tables, the registry and the scheduler on a travelling clock, and a job builder.
 */
import {
  createLocalCronRegistry,
  type LocalCronRegistry,
} from '../../../lambdas/adapters/local/local-cron-registry.js';
import type { JobRecord } from '../../../lambdas/core/job.js';
import type { JobDefinition } from '../../../lambdas/core/job-schema.js';
import type { Lane } from '../../../lambdas/core/messages.js';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../lambdas/local/embedded-dynamo.js';
import {
  createLocalQueue,
  ensureLocalQueueTable,
  type LocalQueue,
  laneQueue,
} from '../../../lambdas/local/local-queue.js';
import { createLocalScheduler, type LocalScheduler } from '../../../lambdas/local/local-scheduler.js';
import { ensureLocalSchedulesTable } from '../../../lambdas/local/local-schedules-table.js';
import type { Clock } from '../../../lambdas/ports.js';

export interface TravellingClock extends Clock {
  /** Jumps to `at` (forward only); from there the clock runs at real speed again. */
  travelTo(at: Date | string | number): void;
}

/** A clock that runs at real speed from `start` and can jump forward, as the local runtime's tests use. */
export function travellingClock(start: Date | string | number): TravellingClock {
  let offset = new Date(start).getTime() - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    travelTo(at) {
      const target = new Date(at).getTime();
      if (target < Date.now() + offset) throw new Error(`travellingClock: cannot go back to ${String(at)}`);
      offset = target - Date.now();
    },
  };
}

export interface SchedulerStack {
  readonly queue: LocalQueue;
  readonly registry: LocalCronRegistry;
  readonly scheduler: LocalScheduler;
  /** Lines the scheduler logged (dropped occurrences). */
  readonly logs: Record<string, unknown>[];
  /** Failures the scheduler reported; every test expects none. */
  readonly errors: unknown[];
  close(): Promise<void>;
}

/** Starts dynalite (on disk under `path`, else in memory) and opens the scheduler stand-in on `clock`. */
export async function startSchedulerStack(options: {
  readonly clock: Clock;
  readonly path?: string;
  readonly maxLateSeconds?: number;
}): Promise<SchedulerStack> {
  const { clock } = options;
  const dynamo: EmbeddedDynamo = await startEmbeddedDynamo({ port: 0, path: options.path });
  const client = dynamo.client;
  const queue = createLocalQueue({
    client,
    tableName: await ensureLocalQueueTable(client, 'kairos-test'),
    clock,
  });
  const tableName = await ensureLocalSchedulesTable(client, 'kairos-test');
  const registry = createLocalCronRegistry({ client, tableName, clock });
  const logs: Record<string, unknown>[] = [];
  const errors: unknown[] = [];
  const scheduler = createLocalScheduler({
    registry,
    queue,
    clock,
    maxLateSeconds: options.maxLateSeconds,
    log: (entry) => void logs.push(entry),
    onError: (error) => void errors.push(error),
  });
  return { queue, registry, scheduler, logs, errors, close: () => dynamo.close() };
}

/** A job record as the job store holds it. */
export function job(
  jobId: string,
  definition: Partial<JobDefinition> & Pick<JobDefinition, 'schedule'>,
  options: { readonly status?: JobRecord['status']; readonly createdAt?: string } = {},
): JobRecord {
  const createdAt = options.createdAt ?? '2025-01-01T00:00:00.000Z';
  return {
    jobId,
    definition: { name: 'report', target: { type: 'http', url: 'https://example.com' }, ...definition },
    status: options.status ?? 'ACTIVE',
    version: 1,
    createdAt,
    updatedAt: createdAt,
  } as JobRecord;
}

/** A message the scheduler sent: its parsed body and when (by the clock) it was sent. */
export interface Delivery {
  readonly jobId: string;
  readonly scheduledFor: string;
  readonly body: string;
  readonly sentAtMs: number;
}

/** What the scheduler sent to a lane so far, in scheduled order. */
export async function deliveries(queue: LocalQueue, lane: Lane = 'normal'): Promise<Delivery[]> {
  const messages = await queue.list(laneQueue(lane));
  return messages
    .map((m) => {
      const body = JSON.parse(m.body) as { jobId: string; scheduledFor: string };
      // A message sent without delay becomes visible when it is sent.
      return { jobId: body.jobId, scheduledFor: body.scheduledFor, body: m.body, sentAtMs: m.visibleAtMs };
    })
    .sort((a, b) => a.scheduledFor.localeCompare(b.scheduledFor));
}

/** The scheduled times sent for one job. */
export async function firedFor(queue: LocalQueue, jobId: string, lane: Lane = 'normal'): Promise<string[]> {
  return (await deliveries(queue, lane)).filter((d) => d.jobId === jobId).map((d) => d.scheduledFor);
}
