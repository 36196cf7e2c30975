import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/handlers/routes.js';
import { KairosTables } from '../../lib/constructs/tables.js';
import { createKairosApp, type KairosApp } from '../../lib/kairos-app.js';
import type { Statement } from './support/iam.js';
import { actionsOf } from './support/iam.js';
import { apiMethods, type CfnResourceJson, resourcesOfType } from './support/template.js';

/** Every IAM statement of the template that names `logicalId` in its resources, with the roles it applies to. */
function statementsOn(template: Template, logicalId: string): { roles: string; statement: Statement }[] {
  return Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).flatMap((policy) => {
    const props = policy.Properties as { PolicyDocument: { Statement: Statement[] }; Roles?: unknown };
    return props.PolicyDocument.Statement.filter((s) => JSON.stringify(s.Resource).includes(logicalId)).map(
      (statement) => ({ roles: JSON.stringify(props.Roles), statement }),
    );
  });
}

describe('Audit table (KairosTables)', () => {
  let template: Template;
  let auditId: string;
  let keyId: string;
  beforeAll(() => {
    const stack = new Stack(new App(), 'AuditTablesTest');
    const tables = new KairosTables(stack, 'Tables');
    const appender = new iam.Role(stack, 'Appender', { assumedBy: new iam.AccountRootPrincipal() });
    tables.grantAppendAndQuery(appender, 'Audit');
    template = Template.fromStack(stack);
    auditId = stack.getLogicalId(tables.audit.node.defaultChild as CfnTable);
    keyId = stack.getLogicalId(tables.key.node.defaultChild as unknown as CfnTable);
  });

  it('is keyed by timeline shard and time, with a job index holding whole records, TTL, PITR and the stack key', () => {
    const table = template.toJSON().Resources[auditId] as CfnResourceJson;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'shard', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byJob',
          KeySchema: [
            { AttributeName: 'jobId', KeyType: 'HASH' },
            { AttributeName: 'seq', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      },
      DeletionProtectionEnabled: true,
    });
  });

  it('grants appending and querying only: PutItem on the table, Query on it and its index', () => {
    const statements = statementsOn(template, auditId).map((s) => s.statement);
    const arn = { 'Fn::GetAtt': [auditId, 'Arn'] };
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: arn },
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: [arn, { 'Fn::Join': ['', [arn, '/index/byJob']] }],
      },
    ]);
  });
});

describe('Audit log in the Kairos stack', () => {
  let kairos: KairosApp;
  let template: Template;
  let auditId: string;
  beforeAll(() => {
    kairos = createKairosApp({ context: { 'kairos:stage': 'test', 'aws:cdk:bundling-stacks': [] } });
    template = Template.fromStack(kairos.stack);
    auditId = kairos.stack.getLogicalId(kairos.stack.tables.audit.node.defaultChild as CfnTable);
  });

  it('lets only the API function touch the Audit table, and only to put and query: no update or delete', () => {
    const grants = statementsOn(template, auditId);
    expect(grants.length).toBeGreaterThan(0);
    for (const { roles, statement } of grants) {
      expect(roles).toMatch(/"ApiHandlerRole/);
      expect(statement.Effect).toBe('Allow');
    }
    const actions = new Set(grants.flatMap((g) => actionsOf(g.statement)));
    expect([...actions].sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
  });

  it('tells the API function the table name', () => {
    const functionId = kairos.stack.getLogicalId(kairos.stack.api.handler.node.defaultChild as CfnFunction);
    const variables = template.toJSON().Resources[functionId].Properties.Environment.Variables;
    expect(variables.KAIROS_AUDIT_TABLE).toEqual({ Ref: auditId });
  });

  it('serves GET /v1/audit with IAM auth, and no method that could change or delete records', () => {
    const audit = apiMethods(template).filter((m) => m.path.startsWith('/v1/audit'));
    expect(audit.map((m) => `${m.method} ${m.path}`)).toEqual(['GET /v1/audit']);
    expect(audit[0]?.properties.AuthorizationType).toBe('AWS_IAM');
    expect(ROUTES.filter((r) => r.path.startsWith('/v1/audit'))).toEqual([
      expect.objectContaining({ method: 'GET', role: 'admin', operationId: 'listAudit' }),
    ]);
  });
});
