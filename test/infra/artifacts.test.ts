import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { KairosArtifacts } from '../../lib/constructs/artifacts.js';
import { resourcesOfType } from './support/template.js';

let template: Template;
let stack: Stack;
let bucketId: string;
let logsId: string;
let keyId: string;
let reader: iam.Role;

type Statement = Record<string, unknown>;
type Props = Record<string, unknown>;

beforeAll(() => {
  stack = new Stack(new App(), 'ArtifactsTest');
  const key = new kms.Key(stack, 'Key');
  const artifacts = new KairosArtifacts(stack, 'Artifacts', { key, runRetentionDays: 45 });
  reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
  artifacts.grantRead(reader);
  artifacts.grantReadWrite(writer);
  bucketId = stack.getLogicalId(artifacts.bucket.node.defaultChild as CfnBucket);
  logsId = stack.getLogicalId(artifacts.accessLogs.node.defaultChild as CfnBucket);
  keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
  template = Template.fromStack(stack);
});

const propsOf = (id: string) => (template.toJSON().Resources[id] as { Properties: Props }).Properties;
const bucketPolicyOf = (id: string): Statement[] => {
  const policy = Object.values(resourcesOfType(template, 'AWS::S3::BucketPolicy')).find(
    (p) => JSON.stringify(p.Properties?.Bucket) === JSON.stringify({ Ref: id }),
  );
  return (policy!.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement;
};
const statementsOf = (rolePrefix: string): Statement[] => {
  const found = Object.entries(resourcesOfType(template, 'AWS::IAM::Policy')).find(([id]) =>
    id.startsWith(rolePrefix),
  );
  return (found![1].Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement;
};
const blockAll = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};
const runsObjects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['BUCKET', 'Arn'] }, '/runs/*']] };

describe('KairosArtifacts', () => {
  it('encrypts artifacts with the KMS key (bucket key on), blocks public access, keeps no versions', () => {
    expect(propsOf(bucketId)).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
            BucketKeyEnabled: true,
          },
        ],
      },
      PublicAccessBlockConfiguration: blockAll,
    });
    expect(propsOf(bucketId).VersioningConfiguration).toBeUndefined();
  });

  it('expires runs/ after the run retention and aborts stale multipart uploads', () => {
    expect(propsOf(bucketId).LifecycleConfiguration).toEqual({
      Rules: [
        { Id: 'ExpireRuns', Prefix: 'runs/', ExpirationInDays: 45, Status: 'Enabled' },
        { Id: 'AbortUploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
      ],
    });
  });

  it('logs server access to the separate SSE-S3 log bucket, delivered through a bucket policy, not an ACL', () => {
    expect(propsOf(bucketId).LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logsId },
      LogFilePrefix: 'artifacts/',
    });
    expect(propsOf(logsId)).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: blockAll,
    });
    expect(propsOf(logsId).AccessControl).toBeUndefined();
    expect(bucketPolicyOf(logsId)).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Condition: expect.objectContaining({
          ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId, 'Arn'] } },
        }),
      }),
    );
  });

  it.each([
    ['artifacts', () => bucketId],
    ['access logs', () => logsId],
  ])('the %s bucket denies requests without TLS', (_name, id) => {
    expect(bucketPolicyOf(id())).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('grantRead allows GetObject on runs/*, ListBucket under runs/ and decrypt via S3 only', () => {
    const resolved = JSON.parse(JSON.stringify(runsObjects).replace('BUCKET', bucketId));
    expect(statementsOf('Reader')).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: resolved },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
        Condition: { StringLike: { 's3:prefix': 'runs/*' } },
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
          },
        },
      },
    ]);
  });

  it('grantReadWrite adds PutObject (never Delete) and data keys via S3', () => {
    const statements = statementsOf('Writer');
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 'kms:GenerateDataKey']));
    expect(actions.filter((a) => String(a).includes('Delete') || String(a).includes('*'))).toEqual([]);
  });

  it('acknowledges the runs/* object pattern on the grantee role once, with the reason', () => {
    const acks = reader.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    const ids = acks
      .flatMap((m) => Object.keys(m.data as object))
      .map((id) => id.replace(/^annotation::/i, ''));
    expect(ids).toEqual([`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/runs/*]`]);
  });
});
