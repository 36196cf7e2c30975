/**
 * The DynamoDB tables of Kairos, defined once and used by both the CDK constructs (`lib/constructs/tables.ts`)
 * and the local runtime's bootstrap, so the two can never disagree on keys or indexes.
 */
export type KeyType = 'S' | 'N';

export interface KeyDefinition {
  readonly name: string;
  readonly type: KeyType;
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
}

export interface TableDefinition {
  /** Logical name; also the CDK construct id and the suffix of the physical table name. */
  readonly id: 'Jobs' | 'Runs' | 'Schedule';
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  /** Attribute holding epoch seconds after which DynamoDB TTL deletes the item (never used as a trigger). */
  readonly ttlAttribute?: string;
  readonly globalIndexes: readonly IndexDefinition[];
}

/** Constant partition of the jobs listing index (jobs are few and created rarely; runs carry the volume). */
export const JOBS_LIST_PARTITION = 'JOB';

export const JOBS_TABLE: TableDefinition = {
  id: 'Jobs',
  partitionKey: { name: 'jobId', type: 'S' },
  globalIndexes: [
    {
      // Newest-first listing: sort key is `<createdAt>#<jobId>`.
      indexName: 'byCreated',
      partitionKey: { name: 'listKey', type: 'S' },
      sortKey: { name: 'createdKey', type: 'S' },
    },
  ],
};

export const RUNS_TABLE: TableDefinition = {
  id: 'Runs',
  partitionKey: { name: 'runId', type: 'S' },
  ttlAttribute: 'expiresAt',
  globalIndexes: [
    {
      // Run history of a job, newest `scheduledFor` first; sort key is `<scheduledFor>#<runId>`.
      indexName: 'byJob',
      partitionKey: { name: 'jobId', type: 'S' },
      sortKey: { name: 'scheduledKey', type: 'S' },
    },
  ],
};

export const SCHEDULE_TABLE: TableDefinition = {
  id: 'Schedule',
  // `<minute>#<shard>`: spreads one minute's timers over shards so no partition exceeds 1,000 WCU.
  partitionKey: { name: 'bucket', type: 'S' },
  // `<dueAtMs>#<timerId>`: ordered by due time within the bucket.
  sortKey: { name: 'due', type: 'S' },
  ttlAttribute: 'expiresAt',
  globalIndexes: [],
};

export const TABLES: readonly TableDefinition[] = [JOBS_TABLE, RUNS_TABLE, SCHEDULE_TABLE];

/** Physical table name for a stage prefix, e.g. `kairos-dev-Jobs`. */
export function physicalTableName(prefix: string, table: TableDefinition): string {
  return `${prefix}-${table.id}`;
}
