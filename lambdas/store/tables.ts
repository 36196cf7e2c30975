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
  /**
   * Attributes copied into the index. `ALL` copies the whole item, so every write that changes any attribute
   * also writes the index (one more write unit per KB). `KEYS_ONLY` copies only the table and index keys: the
   * index is written only when an item enters or leaves it or one of those keys changes, and readers fetch
   * the items themselves (`BatchGetItem`) after querying the keys. DynamoDB cannot change the projection of an
   * existing index: on a deployed table CloudFormation rejects the update ("Cannot update GSI's properties
   * other than Provisioned Throughput…"), so a change there needs an index under a new name (added in one
   * deployment, the old one removed in a later one). Read it through {@link projectionOf}.
   * @default 'ALL'
   */
  readonly projection?: IndexProjection;
}

/** What a global secondary index copies from the item: everything, or only the table and index keys. */
export type IndexProjection = 'ALL' | 'KEYS_ONLY';

/** The projection of `index`, its default applied. */
export function projectionOf(index: IndexDefinition): IndexProjection {
  return index.projection ?? 'ALL';
}

export interface TableDefinition {
  /** Logical name; also the CDK construct id and the suffix of the physical table name. */
  readonly id: 'Jobs' | 'Runs' | 'Schedule' | 'Audit';
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  /** Attribute holding epoch seconds after which DynamoDB TTL deletes the item (never used as a trigger). */
  readonly ttlAttribute?: string;
  readonly globalIndexes: readonly IndexDefinition[];
}

/**
 * Prefix of the Jobs-table items holding concurrency slots (`slots#<jobId>`, and `slots#bf:<backfillId>` for a
 * backfill's): sibling items outside the listing index, which IAM can single out by key (`dynamodb:LeadingKeys`).
 */
export const SLOTS_ITEM_PREFIX = 'slots#';

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
      // Keys only: status changes, pause/resume and definition updates keep the keys, so they leave the index
      // untouched instead of rewriting a copy of the whole job.
      projection: 'KEYS_ONLY',
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
      // Keys only: a run is updated several times (claim, completion, lease renewals) and none of those
      // updates may rewrite the index; only a new run or a new `scheduledFor` (which moves the key) does.
      projection: 'KEYS_ONLY',
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

/**
 * Partitions of the audit timeline: a record goes to `audit#<n>`, n a hash of its id. Records arrive in time
 * order, so one partition would take every write at its end (about 1,000 writes/s); four take 4,000/s, twice
 * the API stage's default burst of 2,000 requests/s. A timeline page queries the four and merges them
 * (ADR 0013). The count may grow, never shrink: readers query every partition below it.
 */
export const AUDIT_SHARDS = 4;

export const AUDIT_TABLE: TableDefinition = {
  id: 'Audit',
  // `audit#<n>` (see AUDIT_SHARDS).
  partitionKey: { name: 'shard', type: 'S' },
  // `<at>#<auditId>`: time order within a shard; unique, so a put-if-absent never meets another record.
  sortKey: { name: 'seq', type: 'S' },
  ttlAttribute: 'expiresAt',
  globalIndexes: [
    {
      // A job's records, newest first; sparse (records of calls that named no job are not in it).
      indexName: 'byJob',
      partitionKey: { name: 'jobId', type: 'S' },
      sortKey: { name: 'seq', type: 'S' },
      // All: records are written once and never updated, so the copy costs one index write per record and
      // lets the API read with Query alone (it has no GetItem on this table).
      projection: 'ALL',
    },
  ],
};

export const TABLES: readonly TableDefinition[] = [JOBS_TABLE, RUNS_TABLE, SCHEDULE_TABLE, AUDIT_TABLE];

/** Physical table name for a stage prefix, e.g. `kairos-dev-Jobs`. */
export function physicalTableName(prefix: string, table: TableDefinition): string {
  return `${prefix}-${table.id}`;
}
