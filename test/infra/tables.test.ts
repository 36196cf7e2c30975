import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { CfnKey } from 'aws-cdk-lib/aws-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectionOf, TABLES } from '../../lambdas/store/tables.js';
import { KairosTables } from '../../lib/constructs/tables.js';
import { type CfnResourceJson, resourcesOfType } from './support/template.js';

interface Built {
  readonly template: Template;
  readonly tableIds: Record<string, string>;
  readonly keyId: string;
  readonly tables: KairosTables;
  readonly stack: Stack;
}

function build(removalPolicy?: RemovalPolicy): Built {
  const stack = new Stack(new App(), 'TablesTest');
  const tables = new KairosTables(stack, 'Tables', { removalPolicy });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
  tables.grantReadData(reader, 'Runs');
  tables.grantWriteData(writer, 'Schedule');
  const tableIds = Object.fromEntries(
    TABLES.map((t) => [t.id, stack.getLogicalId(tables.table(t.id).node.defaultChild as CfnTable)]),
  );
  const keyId = stack.getLogicalId(tables.key.node.defaultChild as CfnKey);
  return { template: Template.fromStack(stack), tableIds, keyId, tables, stack };
}

const policyOf = (template: Template, roleLogicalIdPrefix: string) => {
  const policies = resourcesOfType(template, 'AWS::IAM::Policy');
  const entry = Object.entries(policies).find(([id]) => id.startsWith(roleLogicalIdPrefix));
  if (!entry) throw new Error(`no policy for ${roleLogicalIdPrefix}`);
  const document = (entry[1].Properties as { PolicyDocument: { Statement: Record<string, unknown>[] } })
    .PolicyDocument;
  return document.Statement;
};

describe('KairosTables', () => {
  let built: Built;
  beforeAll(() => {
    built = build();
  });

  it('creates exactly one table per shared definition', () => {
    built.template.resourceCountIs('AWS::DynamoDB::Table', TABLES.length);
    expect(built.tables.jobs).toBe(built.tables.table('Jobs'));
    expect(built.tables.runs).toBe(built.tables.table('Runs'));
    expect(built.tables.schedule).toBe(built.tables.table('Schedule'));
    expect(built.tables.audit).toBe(built.tables.table('Audit'));
  });

  it.each(TABLES.map((t) => [t.id, t] as const))(
    '%s: keys and indexes from the definition, on-demand, PITR, KMS with the stack key, retained',
    (id, definition) => {
      const table = built.template.toJSON().Resources[built.tableIds[id]] as CfnResourceJson;
      expect(table.DeletionPolicy).toBe('Retain');
      const keySchema = [
        { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
        ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' }] : []),
      ];
      const indexes = definition.globalIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
        ],
        Projection: { ProjectionType: projectionOf(index) },
      }));
      expect(table.Properties).toMatchObject({
        KeySchema: keySchema,
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [built.keyId, 'Arn'] },
        },
        DeletionProtectionEnabled: true,
      });
      expect(table.Properties?.GlobalSecondaryIndexes ?? []).toEqual(indexes);
      expect(table.Properties?.TableName).toBeUndefined();
    },
  );

  it('sets the TTL attribute on Runs, Schedule and Audit, and none on Jobs', () => {
    const resources = built.template.toJSON().Resources as Record<string, CfnResourceJson>;
    const ttl = (id: string) => resources[built.tableIds[id]].Properties?.TimeToLiveSpecification;
    expect(ttl('Runs')).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(ttl('Schedule')).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(ttl('Audit')).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(ttl('Jobs')).toBeUndefined();
  });

  it('encrypts with one customer managed key that rotates', () => {
    built.template.resourceCountIs('AWS::KMS::Key', 1);
    built.template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });

  it('grants reads on the table and its named indexes, with the key only via DynamoDB', () => {
    const viaDynamoDb = {
      StringEquals: {
        'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
      },
    };
    expect(policyOf(built.template, 'Reader')).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: { 'Fn::GetAtt': [built.keyId, 'Arn'] },
        Condition: viaDynamoDb,
      },
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:ConditionCheckItem',
        ],
        Resource: [
          { 'Fn::GetAtt': [built.tableIds.Runs, 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [built.tableIds.Runs, 'Arn'] }, '/index/byJob']] },
        ],
      },
    ]);
  });

  it('grants writes on the table only: no reads, no Scan, no wildcard actions or resources', () => {
    const statements = policyOf(built.template, 'Writer');
    const dynamo = statements.find((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(dynamo).toMatchObject({
      Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
      Resource: { 'Fn::GetAtt': [built.tableIds.Schedule, 'Arn'] },
    });
    expect(JSON.stringify(statements)).not.toMatch(/"\*"|:\*"|Scan/);
  });

  it('deletes tables and key, without deletion protection, when the removal policy is DESTROY', () => {
    const destroyed = build(RemovalPolicy.DESTROY);
    const tables = resourcesOfType(destroyed.template, 'AWS::DynamoDB::Table');
    for (const table of Object.values(tables)) {
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties?.DeletionProtectionEnabled).toBe(false);
    }
    destroyed.template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });
});
