import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../core/errors.js';
import type { SlaMiss } from '../../core/sla.js';
import type { SlaStore } from '../../ports.js';
import { isConditionalCheckFailed } from './dynamo-support.js';

export interface DynamoSlaStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly runsTable: string;
  /** Day logs of misses live in the Jobs table as `sla#<YYYY-MM-DD>` items, outside the listing index. */
  readonly jobsTable: string;
}

/** The longest window `GET /v1/sla` reads: one item per day. */
export const MAX_SLA_WINDOW_DAYS = 31;

/**
 * Marks the miss on the run with one conditional write (`slaStartMiss`/`slaFinishMiss` must be absent), so a
 * timer delivered twice records, and alerts, once; then appends it to the day's log for `GET /v1/sla`.
 */
export function createDynamoSlaStore({ client, runsTable, jobsTable }: DynamoSlaStoreOptions): SlaStore {
  const dayKey = (iso: string) => ({ jobId: `sla#${iso.slice(0, 10)}` });
  return {
    async markMiss(miss) {
      const attribute = miss.kind === 'start' ? 'slaStartMiss' : 'slaFinishMiss';
      try {
        await client.send(
          new UpdateCommand({
            TableName: runsTable,
            Key: { runId: miss.runId },
            UpdateExpression: 'SET slaMissed = :missed, #miss = :miss',
            ConditionExpression: 'attribute_exists(runId) AND attribute_not_exists(#miss)',
            ExpressionAttributeNames: { '#miss': attribute },
            ExpressionAttributeValues: {
              ':missed': true,
              ':miss': { deadline: miss.deadline, detectedAt: miss.detectedAt },
            },
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
      await client.send(
        new UpdateCommand({
          TableName: jobsTable,
          Key: dayKey(miss.detectedAt),
          UpdateExpression: 'SET misses = list_append(if_not_exists(misses, :empty), :one)',
          ExpressionAttributeValues: { ':empty': [], ':one': [miss] },
        }),
      );
      return true;
    },

    async missesBetween(since, until) {
      const days: string[] = [];
      for (
        let t = Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate());
        t < until.getTime();
        t += 86_400_000
      ) {
        days.push(new Date(t).toISOString());
      }
      if (days.length > MAX_SLA_WINDOW_DAYS) {
        throw ValidationError.at('query.since', `must be at most ${MAX_SLA_WINDOW_DAYS} days ago`);
      }
      const items = await Promise.all(
        days.map((day) =>
          client.send(new GetCommand({ TableName: jobsTable, Key: dayKey(day), ConsistentRead: true })),
        ),
      );
      const from = since.getTime();
      const to = until.getTime();
      return items
        .flatMap(({ Item }) => (Item?.misses as SlaMiss[] | undefined) ?? [])
        .filter((m) => Date.parse(m.detectedAt) >= from && Date.parse(m.detectedAt) < to);
    },
  };
}
