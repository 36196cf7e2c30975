/**
 * Stack-wide hygiene over the synthesized template, so a resource added later is held to it without a test of
 * its own: one KMS key (rotation on) encrypts every table, queue, topic and bucket; buckets block public access
 * and refuse plain HTTP; queues and topics refuse plain HTTP; no IAM statement grants a wildcard action.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKairosApp } from '../../lib/kairos-app.js';
import { type CfnResourceJson, resourcesOfType } from './support/template.js';

type Resources = Record<string, CfnResourceJson>;
let template: Template;
let keyId: string;

beforeAll(() => {
  const kairos = createKairosApp({
    context: {
      'kairos:stage': 'test',
      'aws:cdk:bundling-stacks': [],
      // With the optional e-mail subscription: its resources are checked too (and by cdk-nag at synthesis).
      'kairos:alertEmail': 'ops@example.com',
    },
  });
  template = Template.fromStack(kairos.stack);
  const keys = Object.keys(resourcesOfType(template, 'AWS::KMS::Key'));
  expect(keys).toHaveLength(1);
  keyId = keys[0]!;
});

const keyArn = () => ({ 'Fn::GetAtt': [keyId, 'Arn'] });
const props = (r: CfnResourceJson) => (r.Properties ?? {}) as Record<string, unknown>;
const entries = (type: string) => Object.entries(resourcesOfType(template, type) as Resources);

/** The statements of every resource policy of `type` attached to `logicalId` (by Ref, in `field`). */
function policyStatementsFor(type: string, field: string, logicalId: string): Record<string, unknown>[] {
  return entries(type)
    .filter(([, p]) => JSON.stringify(props(p)[field]).includes(`"${logicalId}"`))
    .flatMap(([, p]) => (props(p).PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
}

const deniesPlainHttp = (statements: Record<string, unknown>[]) =>
  statements.some(
    (s) =>
      s.Effect === 'Deny' &&
      JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
  );

describe('stack hygiene', () => {
  it('rotates its one KMS key yearly', () => {
    const [, key] = entries('AWS::KMS::Key')[0]!;
    expect(props(key).EnableKeyRotation).toBe(true);
  });

  it('encrypts every DynamoDB table with the key', () => {
    const tables = entries('AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThanOrEqual(4);
    for (const [id, table] of tables)
      expect(props(table).SSESpecification, id).toEqual({
        KMSMasterKeyId: keyArn(),
        SSEEnabled: true,
        SSEType: 'KMS',
      });
  });

  it('encrypts every queue with the key and refuses plain HTTP', () => {
    const queues = entries('AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThanOrEqual(4);
    for (const [id, queue] of queues) {
      expect(props(queue).KmsMasterKeyId, id).toEqual(keyArn());
      expect(deniesPlainHttp(policyStatementsFor('AWS::SQS::QueuePolicy', 'Queues', id)), id).toBe(true);
    }
  });

  it('encrypts every topic with the key and refuses plain HTTP', () => {
    const topics = entries('AWS::SNS::Topic');
    expect(topics.length).toBeGreaterThanOrEqual(1);
    for (const [id, topic] of topics) {
      expect(props(topic).KmsMasterKeyId, id).toEqual(keyArn());
      expect(deniesPlainHttp(policyStatementsFor('AWS::SNS::TopicPolicy', 'Topics', id)), id).toBe(true);
    }
  });

  it('encrypts every bucket, blocks public access and refuses plain HTTP; the data bucket logs its access', () => {
    const buckets = entries('AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThanOrEqual(2);
    for (const [id, bucket] of buckets) {
      const p = props(bucket);
      const rule = (p.BucketEncryption as { ServerSideEncryptionConfiguration: Record<string, unknown>[] })
        .ServerSideEncryptionConfiguration[0]!;
      const algorithm = (rule.ServerSideEncryptionByDefault as { SSEAlgorithm: string }).SSEAlgorithm;
      // Access logs can only be delivered to an SSE-S3 bucket; every other bucket uses the key.
      if (algorithm !== 'AES256')
        expect(rule.ServerSideEncryptionByDefault, id).toEqual({
          KMSMasterKeyID: keyArn(),
          SSEAlgorithm: 'aws:kms',
        });
      expect(p.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(deniesPlainHttp(policyStatementsFor('AWS::S3::BucketPolicy', 'Bucket', id)), id).toBe(true);
    }
    const logged = buckets.filter(([, b]) => props(b).LoggingConfiguration !== undefined);
    expect(logged.length).toBeGreaterThanOrEqual(1);
    const kmsBuckets = buckets.filter(([, b]) =>
      JSON.stringify(props(b).BucketEncryption).includes('aws:kms'),
    );
    for (const [id, bucket] of kmsBuckets) expect(props(bucket).LoggingConfiguration, id).toBeDefined();
  });

  it('grants no wildcard IAM action anywhere', () => {
    const policies = [
      ...entries('AWS::IAM::Policy').map(([, p]) => props(p).PolicyDocument),
      ...entries('AWS::IAM::ManagedPolicy').map(([, p]) => props(p).PolicyDocument),
      ...entries('AWS::IAM::Role').flatMap(([, r]) =>
        ((props(r).Policies ?? []) as { PolicyDocument: unknown }[]).map((p) => p.PolicyDocument),
      ),
    ] as { Statement: { Action?: string | string[] }[] }[];
    expect(policies.length).toBeGreaterThan(5);
    const actions = policies.flatMap((d) => d.Statement.flatMap((s) => [s.Action ?? []].flat()));
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
  });
});
