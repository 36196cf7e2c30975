import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  type IndexProjection,
  type KeyDefinition,
  projectionOf,
  TABLES,
  type TableDefinition,
} from '../../lambdas/store/tables.js';

/** Logical id of a Kairos table: `Jobs`, `Runs`, `Schedule` or `Audit`. */
export type TableId = TableDefinition['id'];

/** Properties of {@link KairosTables}. */
export interface KairosTablesProps {
  /**
   * What happens to the tables and their key when the stack is deleted; `RETAIN` also turns on deletion protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
// A principal using a table encrypted with a customer managed key needs the key too (only through DynamoDB).
// Spelled out, no wildcards: reads decrypt, writes also encrypt.
const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_WRITE_ACTIONS = [
  ...KEY_READ_ACTIONS,
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

/** What one grant allows: item actions, key actions, and whether the table's indexes are included. */
interface DataAccess {
  readonly actions: string[];
  readonly keyActions: string[];
  readonly indexes: boolean;
}

const PROJECTION_TYPES: Record<IndexProjection, dynamodb.ProjectionType> = {
  ALL: dynamodb.ProjectionType.ALL,
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
};

function attributeType(key: KeyDefinition): dynamodb.AttributeType {
  return key.type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING;
}

function attribute(key: KeyDefinition): dynamodb.Attribute {
  return { name: key.name, type: attributeType(key) };
}

/**
 * The Jobs, Runs, Schedule and Audit tables, built from the shared definitions in `lambdas/store/tables.ts`:
 * on-demand, point-in-time recovery, TTL where defined, encrypted with one customer managed KMS key.
 * Grants are least privilege: item actions on the table and its named indexes only, never `Scan` or `*`.
 */
export class KairosTables extends Construct {
  /** The customer managed key encrypting every table (rotated yearly). */
  public readonly key: kms.IKey;
  /** Job definitions. */
  public readonly jobs: dynamodb.ITable;
  /** Run records and their history. */
  public readonly runs: dynamodb.ITable;
  /** Durable timers in time buckets. */
  public readonly schedule: dynamodb.ITable;
  /** Append-only records of mutating API calls (see {@link grantAppendAndQuery}). */
  public readonly audit: dynamodb.ITable;

  private readonly tables = new Map<TableId, { table: dynamodb.ITable; definition: TableDefinition }>();

  constructor(scope: Construct, id: string, props: KairosTablesProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the Kairos DynamoDB tables',
      enableKeyRotation: true,
      removalPolicy,
    });
    for (const definition of TABLES) {
      const table = new dynamodb.Table(this, definition.id, {
        partitionKey: attribute(definition.partitionKey),
        sortKey: definition.sortKey && attribute(definition.sortKey),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: this.key,
        timeToLiveAttribute: definition.ttlAttribute,
        removalPolicy,
        deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      });
      for (const index of definition.globalIndexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          sortKey: index.sortKey && attribute(index.sortKey),
          projectionType: PROJECTION_TYPES[projectionOf(index)],
        });
      }
      this.tables.set(definition.id, { table, definition });
    }
    this.jobs = this.table('Jobs');
    this.runs = this.table('Runs');
    this.schedule = this.table('Schedule');
    this.audit = this.table('Audit');
  }

  /** The table with the given logical id. */
  public table(id: TableId): dynamodb.ITable {
    return this.entry(id).table;
  }

  /** Lets `grantee` read items of table `id`: get, batch get, query (table and its indexes), condition checks. */
  public grantReadData(grantee: iam.IGrantable, id: TableId): iam.Grant {
    return this.grantData(grantee, id, {
      actions: READ_ACTIONS,
      keyActions: KEY_READ_ACTIONS,
      indexes: true,
    });
  }

  /** Lets `grantee` write items of table `id`: put, update, delete, batch write. */
  public grantWriteData(grantee: iam.IGrantable, id: TableId): iam.Grant {
    return this.grantData(grantee, id, {
      actions: WRITE_ACTIONS,
      keyActions: KEY_WRITE_ACTIONS,
      indexes: false,
    });
  }

  /** Lets `grantee` read and write items of table `id` (both of the above). */
  public grantReadWriteData(grantee: iam.IGrantable, id: TableId): iam.Grant {
    const actions = [...READ_ACTIONS, ...WRITE_ACTIONS];
    return this.grantData(grantee, id, { actions, keyActions: KEY_WRITE_ACTIONS, indexes: true });
  }

  /**
   * Lets `grantee` add items to table `id` and query it (table and indexes), and nothing else: no update, delete,
   * batch write or get, so an append-only log stays append-only (the writer puts each item only if absent).
   */
  public grantAppendAndQuery(grantee: iam.IGrantable, id: TableId): iam.Grant {
    const { table, definition } = this.entry(id);
    const indexArns = definition.globalIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:PutItem'],
      resourceArns: [table.tableArn],
    })
      .combine(
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['dynamodb:Query'],
          resourceArns: [table.tableArn, ...indexArns],
        }),
      )
      .combine(this.keyGrant(grantee, KEY_WRITE_ACTIONS));
  }

  /**
   * Lets `grantee` update only the items of table `id` whose partition key starts with one of `prefixes`
   * (`dynamodb:LeadingKeys`): e.g. the concurrency-slot items of the Jobs table, never a job itself.
   */
  public grantItemUpdates(grantee: iam.IGrantable, id: TableId, prefixes: readonly string[]): iam.Grant {
    const { table } = this.entry(id);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:UpdateItem'],
      resourceArns: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((p) => `${p}*`) } },
    }).combine(this.keyGrant(grantee, KEY_WRITE_ACTIONS));
  }

  private keyGrant(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.key.keyArn],
      // Only when DynamoDB uses the key on the grantee's behalf, never for direct encrypt/decrypt calls.
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } },
    });
  }

  private grantData(grantee: iam.IGrantable, id: TableId, access: DataAccess): iam.Grant {
    const { table, definition } = this.entry(id);
    const indexes = access.indexes ? definition.globalIndexes : [];
    const indexArns = indexes.map((index) => `${table.tableArn}/index/${index.indexName}`);
    const keyGrant = this.keyGrant(grantee, access.keyActions);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: access.actions,
      resourceArns: [table.tableArn, ...indexArns],
    }).combine(keyGrant);
  }

  private entry(id: TableId): { table: dynamodb.ITable; definition: TableDefinition } {
    const entry = this.tables.get(id);
    if (!entry) {
      throw new Error(`KairosTables has no table '${id}'; tables: ${[...this.tables.keys()].join(', ')}`);
    }
    return entry;
  }
}
