/**
 * The local stand-in of the EventBridge Scheduler cron registry, kept in a table of the embedded DynamoDB so the
 * schedules survive a restart. Per job it stores the same schedule the AWS adapter would put (decided by the same
 * `cronScheduleSpecOf`), plus what firing it needs: the Kairos schedule and the rate anchor (so occurrences are
 * exactly those of `nextFireTimes`, as on the timer path) and `firedThroughMs`, up to which occurrences are
 * handled. The firing loop is `local/local-scheduler.ts`.
 *
 * The table is the durable copy; reads come from a mirror in memory, loaded by one scan on first use and kept
 * up to date by every write that succeeds. The local runtime holds its home directory's lock, so no other
 * process writes the table, and the firing loop can look at thousands of schedules four times a second
 * without a scan each time.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { JobRecord } from '../../core/job.js';
import type { CronSchedule, RateSchedule } from '../../core/schedule/index.js';
import type { Clock } from '../../ports.js';
import {
  type CronRegistry,
  type CronScheduleSpec,
  cronScheduleSpecOf,
  scheduleNameOf,
} from '../aws/cron-registry.js';
import { isConditionalCheckFailed } from '../aws/dynamo-support.js';

export type LocalCronSchedule = CronScheduleSpec;

/** A schedule as stored: the spec (dates as ISO strings) and the firing state. */
export interface LocalScheduleItem extends Omit<CronScheduleSpec, 'startDate' | 'endDate'> {
  readonly startDate?: string;
  readonly endDate?: string;
  /** The job's schedule, on which occurrences are computed (the spec only holds its EventBridge rendering). */
  readonly schedule: CronSchedule | RateSchedule;
  /** The job's `createdAt`: the anchor of a rate schedule without `startAt`. */
  readonly anchor: string;
  /** Occurrences at or before this instant (epoch ms) are handled: delivered, or dropped as too old. */
  readonly firedThroughMs: number;
  /** Bumped whenever a put resets `firedThroughMs`, so the loop cannot advance a schedule it read before. */
  readonly revision: number;
}

export interface LocalCronRegistry extends CronRegistry {
  /** The schedules currently registered, ordered by job id. */
  list(): Promise<LocalCronSchedule[]>;
  /** The schedule of one job, if it has one. */
  get(jobId: string): Promise<LocalCronSchedule | undefined>;
  /** Every stored item, firing state included (for the firing loop). */
  items(): Promise<LocalScheduleItem[]>;
  /** Moves `firedThroughMs` of `item` to `toMs` unless the item changed since it was read; false then. */
  advance(item: LocalScheduleItem, toMs: number): Promise<boolean>;
}

export interface LocalCronRegistryOptions {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the table made by `ensureLocalSchedulesTable`. */
  readonly tableName: string;
  /** Stamps creations and updates: a schedule fires only occurrences after its last (re)definition. */
  readonly clock: Clock;
}

/** What decides the occurrences; when it changes, as when EventBridge updates a schedule, firing restarts now. */
function timingOf(
  item: Pick<LocalScheduleItem, 'expression' | 'timezone' | 'startDate' | 'endDate' | 'anchor'>,
) {
  return JSON.stringify([item.expression, item.timezone, item.startDate, item.endDate, item.anchor]);
}

function specOf(item: LocalScheduleItem): LocalCronSchedule {
  const { jobId, name, description, expression, timezone, state, lane, input } = item;
  return {
    jobId,
    name,
    description,
    expression,
    timezone,
    ...(item.startDate === undefined ? {} : { startDate: new Date(item.startDate) }),
    ...(item.endDate === undefined ? {} : { endDate: new Date(item.endDate) }),
    state,
    lane,
    input,
  };
}

const byJobId = (a: { jobId: string }, b: { jobId: string }) =>
  a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0;

/** Opens the registry stored in `tableName`. */
export function createLocalCronRegistry(options: LocalCronRegistryOptions): LocalCronRegistry {
  const { client, tableName: TableName, clock } = options;

  let loading: Promise<Map<string, LocalScheduleItem>> | undefined;
  const mirror = (): Promise<Map<string, LocalScheduleItem>> =>
    (loading ??= (async () => {
      const all = new Map<string, LocalScheduleItem>();
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({ TableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
        );
        for (const item of (page.Items ?? []) as LocalScheduleItem[]) all.set(item.name, item);
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      return all;
    })());

  const read = async (name: string): Promise<LocalScheduleItem | undefined> => (await mirror()).get(name);

  const items = async (): Promise<LocalScheduleItem[]> => [...(await mirror()).values()];

  const remove = async (jobId: string): Promise<void> => {
    const name = scheduleNameOf(jobId);
    await client.send(new DeleteCommand({ TableName, Key: { name } }));
    (await mirror()).delete(name);
  };

  /** One optimistic write of `job`'s schedule over `old`; false when the item changed meanwhile. */
  const write = async (job: JobRecord, spec: CronScheduleSpec, old: LocalScheduleItem | undefined) => {
    const schedule = job.definition.schedule as CronSchedule | RateSchedule;
    const { startDate, endDate, ...rest } = spec;
    const next = {
      ...rest,
      ...(startDate === undefined ? {} : { startDate: startDate.toISOString() }),
      ...(endDate === undefined ? {} : { endDate: endDate.toISOString() }),
      schedule,
      anchor: job.createdAt,
    };
    // EventBridge fires an updated or re-enabled schedule from the update on, never the occurrences before it
    // (nor those of a pause); an unchanged timing (a put after a priority change, a repeated put) keeps its place.
    const keep =
      old !== undefined &&
      timingOf(old) === timingOf(next) &&
      !(old.state === 'DISABLED' && spec.state === 'ENABLED');
    const item: LocalScheduleItem = {
      ...next,
      firedThroughMs: keep ? old.firedThroughMs : clock.now().getTime(),
      revision: old === undefined ? 1 : keep ? old.revision : old.revision + 1,
    };
    try {
      await client.send(
        new PutCommand({
          TableName,
          Item: item,
          ...(old === undefined
            ? {
                ConditionExpression: 'attribute_not_exists(#name)',
                ExpressionAttributeNames: { '#name': 'name' },
              }
            : {
                // Also guards firedThroughMs: a put must not undo an advance the loop made after our read.
                ConditionExpression: 'revision = :rev AND firedThroughMs = :fired',
                ExpressionAttributeValues: { ':rev': old.revision, ':fired': old.firedThroughMs },
              }),
        }),
      );
      (await mirror()).set(item.name, item);
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  };

  return {
    async put(job) {
      const spec = cronScheduleSpecOf(job);
      if (spec === undefined) return remove(job.jobId);
      // Only the firing loop and other puts race with this; a few rounds always settle it.
      for (let attempt = 0; attempt < 10; attempt++) {
        if (await write(job, spec, await read(spec.name))) return;
      }
      throw new Error(`Local cron registry: the schedule of job ${job.jobId} kept changing during the put.`);
    },
    remove,
    async list() {
      return (await items()).map(specOf).sort(byJobId);
    },
    async get(jobId) {
      const item = await read(scheduleNameOf(jobId));
      return item === undefined ? undefined : specOf(item);
    },
    items,
    async advance(item, toMs) {
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: { name: item.name },
            UpdateExpression: 'SET firedThroughMs = :to',
            // Fails on a removed item too (no revision): an advance must never resurrect a schedule.
            ConditionExpression: 'revision = :rev AND firedThroughMs = :fired',
            ExpressionAttributeValues: { ':to': toMs, ':rev': item.revision, ':fired': item.firedThroughMs },
          }),
        );
        const all = await mirror();
        const current = all.get(item.name);
        if (current) all.set(item.name, { ...current, firedThroughMs: toMs });
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
  };
}
