/**
 * `AuditLog` on the DynamoDB Audit table (ADR 0013): each record one conditional `PutItem` (never an update or a
 * delete), spread over `AUDIT_SHARDS` time-ordered partitions; a job's records on the sparse `byJob` index.
 * Reads are `Query` only, newest first.
 */
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '../../core/audit.js';
import { ValidationError } from '../../core/errors.js';
import type { AuditLog, AuditQuery } from '../../ports.js';
import { createCursorCodec } from '../../store/cursor.js';
import { AUDIT_SHARDS, AUDIT_TABLE } from '../../store/tables.js';
import { checkLimit, putIfAbsent } from './dynamo-support.js';

export interface DynamoAuditLogOptions {
  readonly client: DynamoDBDocumentClient;
  /** Physical name of the Audit table. */
  readonly tableName: string;
  /** Secret that signs list cursors. */
  readonly cursorSecret: string;
}

const BY_JOB = AUDIT_TABLE.globalIndexes[0]!.indexName;
/** A cursor names the query it belongs to (`all` or `job:<jobId>`) and the last record returned. */
const CURSOR_KEYS = ['scope', 'seq'];

type Item = Record<string, unknown>;

/** The timeline partition of a record: a hash of its id (FNV-1a), so a re-append lands on the same key. */
export function shardOf(auditId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < auditId.length; i++) hash = Math.imul(hash ^ auditId.charCodeAt(i), 0x01000193);
  return `audit#${(hash >>> 0) % AUDIT_SHARDS}`;
}

/** Sort key: `<at>#<auditId>`, time order first (an ISO instant has no `#`). */
export function seqOf(record: Pick<AuditRecord, 'at' | 'auditId'>): string {
  return `${record.at}#${record.auditId}`;
}

function toItem(record: AuditRecord): Item {
  return { ...record, shard: shardOf(record.auditId), seq: seqOf(record) };
}

function fromItem(item: Item): AuditRecord {
  const { shard: _shard, seq: _seq, ...record } = item;
  return record as unknown as AuditRecord;
}

const bySeqDescending = (a: Item, b: Item) => (a.seq === b.seq ? 0 : String(a.seq) < String(b.seq) ? 1 : -1);

/** Builds an `AuditLog` on the given table. */
export function createDynamoAuditLog(options: DynamoAuditLogOptions): AuditLog {
  const { client, tableName: TableName } = options;
  const codec = createCursorCodec(options.cursorSecret);

  /** Up to `limit` items of one partition, newest first, at or after `since`, strictly before `before`. */
  async function newest(
    partition: { name: string; value: string; index?: string },
    bounds: { since?: string; before?: Item },
    limit: number,
  ): Promise<Item[]> {
    const input: QueryCommandInput = {
      TableName,
      IndexName: partition.index,
      KeyConditionExpression: `#p = :p${bounds.since === undefined ? '' : ' AND seq >= :since'}`,
      ExpressionAttributeNames: { '#p': partition.name },
      ExpressionAttributeValues: {
        ':p': partition.value,
        ...(bounds.since === undefined ? {} : { ':since': bounds.since }),
      },
      ScanIndexForward: false,
    };
    const items: Item[] = [];
    let startKey = bounds.before;
    do {
      const page = await client.send(
        new QueryCommand({ ...input, Limit: limit - items.length, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (items.length < limit && startKey !== undefined);
    return items;
  }

  return {
    async append(record) {
      await putIfAbsent(client, TableName, toItem(record), 'seq', `Audit record ${record.auditId}`);
    },

    async list(query: AuditQuery) {
      checkLimit(query.limit);
      const scope = query.jobId === undefined ? 'all' : `job:${query.jobId}`;
      const since = query.since?.toISOString();
      let before: string | undefined;
      if (query.cursor !== undefined) {
        const key = codec.decode(query.cursor, CURSOR_KEYS);
        if (key.scope !== scope || typeof key.seq !== 'string' || !key.seq.includes('#')) {
          throw ValidationError.at('query.cursor', 'The cursor belongs to another audit query.');
        }
        before = key.seq;
      }
      // A cursor from a page read with an earlier `since`: nothing of it is left in this window.
      if (before !== undefined && since !== undefined && before < since) return { items: [] };

      const wanted = query.limit + 1;
      let found: Item[];
      if (query.jobId !== undefined) {
        const jobId = query.jobId;
        const start =
          before === undefined ? undefined : { jobId, seq: before, shard: shardOf(auditIdOf(before)) };
        found = await newest(
          { name: 'jobId', value: jobId, index: BY_JOB },
          { since, before: start },
          wanted,
        );
      } else {
        // The newest `wanted` records overall are among the newest `wanted` of each shard.
        const shards = Array.from({ length: AUDIT_SHARDS }, (_, n) => `audit#${n}`);
        const pages = await Promise.all(
          shards.map((shard) =>
            newest(
              { name: 'shard', value: shard },
              { since, before: before === undefined ? undefined : { shard, seq: before } },
              wanted,
            ),
          ),
        );
        found = pages.flat().sort(bySeqDescending).slice(0, wanted);
      }
      const items = found.slice(0, query.limit);
      const last = items.at(-1);
      return {
        items: items.map(fromItem),
        nextCursor:
          found.length > query.limit && last !== undefined
            ? codec.encode({ scope, seq: String(last.seq) })
            : undefined,
      };
    },
  };
}

function auditIdOf(seq: string): string {
  return seq.slice(seq.indexOf('#') + 1);
}
