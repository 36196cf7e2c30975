/**
 * `DagLatchStore` on the Runs table: the latch state lives on the run item, in top-level attributes named
 * `latch.ended.<taskId>` and `latch.waiters.<taskId>` (the dots are part of the name, written through
 * placeholders). Top-level attributes need no parent map to exist, so neither the run's creation nor an
 * attempt's start has to prepare anything, and each write stays one UpdateItem. Every value carries the attempt it
 * belongs to: a retry (a new execution) overwrites what it writes and ignores what earlier attempts left.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type LatchEnded,
  shownOutput,
  TASK_END_STATUSES,
  type TaskEndStatus,
} from '../../core/dag/latch-contract.js';
import type { TaskOutputRef } from '../../core/dag/task-output.js';
import type { TaskState } from '../../core/run.js';
import type { DagLatchState, DagLatchStore, LatchAttempt, LatchWaiter } from '../../ports.js';
import { isConditionalCheckFailed } from './dynamo-support.js';

export const LATCH_ENDED_PREFIX = 'latch.ended.';
export const LATCH_WAITERS_PREFIX = 'latch.waiters.';

export interface DynamoDagLatchStoreOptions {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the Runs table. */
  readonly tableName: string;
}

/** What the run item must be for a latch write: the attempt is current, and it runs (or was just cancelled). */
const GUARD = '#status IN (:running, :cancelled) AND #attempt = :attempt AND attribute_exists(#tasks)';

const guardNames = { '#status': 'status', '#attempt': 'attempt', '#tasks': 'tasks' };
const guardValues = (attempt: number) => ({
  ':running': 'RUNNING',
  ':cancelled': 'CANCELLED',
  ':attempt': attempt,
});

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

const isEndStatus = (value: unknown): value is TaskEndStatus =>
  (TASK_END_STATUSES as readonly unknown[]).includes(value);

/** The attempt's latch state out of a whole run item. */
export function latchStateOf(item: Record<string, unknown>, attempt: number): DagLatchState {
  const ended: Record<string, LatchEnded> = {};
  const waiters: Record<string, LatchWaiter> = {};
  for (const [name, raw] of Object.entries(item)) {
    const value = record(raw);
    if (value?.attempt !== attempt) continue;
    if (name.startsWith(LATCH_ENDED_PREFIX) && isEndStatus(value.status)) {
      ended[name.slice(LATCH_ENDED_PREFIX.length)] = {
        status: value.status,
        output: value.output ?? null,
        outputRef: (record(value.outputRef) as TaskOutputRef | undefined) ?? null,
      };
    } else if (name.startsWith(LATCH_WAITERS_PREFIX) && typeof value.token === 'string') {
      const deps = Array.isArray(value.deps)
        ? value.deps.filter((d): d is string => typeof d === 'string')
        : [];
      waiters[name.slice(LATCH_WAITERS_PREFIX.length)] = { token: value.token, deps };
    }
  }
  return { ended, waiters };
}

export function createDynamoDagLatchStore(options: DynamoDagLatchStoreOptions): DagLatchStore {
  const { client, tableName: TableName } = options;

  /** One guarded update returning the whole item; undefined when the guard (or `extraCondition`) refused it. */
  const write = async (
    ref: LatchAttempt,
    update: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
    extraCondition = '',
  ): Promise<Record<string, unknown> | undefined> => {
    try {
      const result = await client.send(
        new UpdateCommand({
          TableName,
          Key: { runId: ref.runId },
          UpdateExpression: update,
          ConditionExpression: `${GUARD}${extraCondition}`,
          ExpressionAttributeNames: { ...guardNames, ...names },
          ExpressionAttributeValues: { ...guardValues(ref.attempt), ...values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  };

  return {
    async recordStart(ref, taskId, state) {
      await write(ref, 'SET #tasks.#task = :state', { '#task': taskId }, { ':state': state });
    },

    async recordEnd(ref, taskId, latchEnded, end) {
      const { status, output, outputRef } = latchEnded;
      const names = { '#ended': `${LATCH_ENDED_PREFIX}${taskId}`, '#task': taskId };
      const ended = { ':ended': { status, output: output ?? null, outputRef, attempt: ref.attempt } };
      const passed = shownOutput(latchEnded);
      // The task's entry keeps its start (attempt, startedAt) and takes the end; the entry exists from the
      // attempt's start (PENDING) on the job's current version, and from `started` for a task that ran.
      const sets = [
        '#ended = :ended',
        '#tasks.#task.#taskStatus = :status',
        '#tasks.#task.endedAt = :endedAt',
      ];
      const removes: string[] = [];
      const values: Record<string, unknown> = {
        ...ended,
        ':status': status,
        ':endedAt': end.endedAt ?? null,
      };
      const field = (name: string, value: unknown) => {
        if (value === undefined) removes.push(`#tasks.#task.#${name}`);
        else {
          sets.push(`#tasks.#task.#${name} = :${name}`);
          values[`:${name}`] = value;
        }
      };
      // A retry of the run overwrites what an earlier attempt left on the entry.
      field('error', end.error);
      field('output', passed.output);
      field('outputRef', passed.outputRef);
      const remove = removes.length === 0 ? '' : ` REMOVE ${removes.join(', ')}`;
      const item = await write(
        ref,
        `SET ${sets.join(', ')}${remove}`,
        {
          ...names,
          '#taskStatus': 'status',
          '#error': 'error',
          '#output': 'output',
          '#outputRef': 'outputRef',
        },
        values,
        ' AND attribute_exists(#tasks.#task)',
      );
      if (item !== undefined) return latchStateOf(item, ref.attempt);
      // A retry on an older version starts with no entries: the task that never started gets a whole one.
      const state: TaskState = { status, attempt: 0, ...end, ...passed };
      const created = await write(
        ref,
        'SET #ended = :ended, #tasks.#task = :state',
        names,
        { ...ended, ':state': state },
        ' AND attribute_not_exists(#tasks.#task)',
      );
      return created === undefined ? undefined : latchStateOf(created, ref.attempt);
    },

    async registerWaiter(ref, taskId, waiter) {
      const item = await write(
        ref,
        'SET #waiter = :waiter',
        { '#waiter': `${LATCH_WAITERS_PREFIX}${taskId}` },
        { ':waiter': { token: waiter.token, deps: [...waiter.deps], attempt: ref.attempt } },
      );
      return item === undefined ? undefined : latchStateOf(item, ref.attempt);
    },

    async removeWaiter(ref, taskId, token) {
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: { runId: ref.runId },
            UpdateExpression: 'REMOVE #waiter',
            // Only the waiter released: a retry's new registration under the same name stays.
            ConditionExpression: '#waiter.#token = :token',
            ExpressionAttributeNames: { '#waiter': `${LATCH_WAITERS_PREFIX}${taskId}`, '#token': 'token' },
            ExpressionAttributeValues: { ':token': token },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
  };
}
