import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from './nag-wildcards.js';

/** Properties of {@link KairosArtifacts}. */
export interface KairosArtifactsProps {
  /** The customer managed key encrypting the artifacts (the tables' key). */
  readonly key: kms.IKey;
  /** Days after which the logs and outputs under `runs/` expire (the run retention). */
  readonly runRetentionDays: number;
  /** Days the server access logs are kept. @default 90 */
  readonly accessLogRetentionDays?: number;
  /** What happens to both buckets when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** Key prefix of every attempt's log and output: `runs/<jobId>/<runId>/<attempt>/…`. */
export const RUNS_PREFIX = 'runs/';

const WILDCARD_REASON =
  'Run logs and outputs are objects under runs/<jobId>/<runId>/<attempt>/ whose keys are made at run time; the ' +
  'object ARN pattern is limited to that prefix of this one bucket.';

/**
 * The bucket of run logs and outputs (`Bucket`): KMS with the stack key, TLS only, no public access, unversioned,
 * `runs/` expiring with the run history; server access logs go to `AccessLogs` (SSE-S3, which log delivery needs).
 * Grants cover `runs/*` objects only, with the key only via S3.
 */
export class KairosArtifacts extends Construct {
  /** The artifacts bucket. */
  public readonly bucket: s3.IBucket;
  /** The bucket receiving the artifacts bucket's server access logs. */
  public readonly accessLogs: s3.IBucket;

  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: KairosArtifactsProps) {
    super(scope, id);
    // Log delivery through a bucket policy (scoped to the source bucket) instead of the legacy ACL, for this scope.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    this.key = props.key;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(props.accessLogRetentionDays ?? 90) }],
      removalPolicy,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket holds the server access logs of the artifacts bucket; logging it into itself or yet ' +
        'another bucket would only recurse.',
    });
    this.accessLogs = accessLogs;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      // One data key per bucket instead of one KMS request per object: cheaper at high run rates.
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: false,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
      lifecycleRules: [
        { id: 'ExpireRuns', prefix: RUNS_PREFIX, expiration: Duration.days(props.runRetentionDays) },
        { id: 'AbortUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
    });
  }

  /** Lets `grantee` read run logs and outputs (and list `runs/`, so a missing log is a 404, not a 403). */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const objects = this.bucket.arnForObjects(`${RUNS_PREFIX}*`);
    acknowledgeWildcardResources(grantee, [objects], WILDCARD_REASON);
    return iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [objects] })
      .combine(
        iam.Grant.addToPrincipal({
          grantee,
          actions: ['s3:ListBucket'],
          resourceArns: [this.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': `${RUNS_PREFIX}*` } },
        }),
      )
      .combine(this.grantKey(grantee, ['kms:Decrypt']));
  }

  /** Lets `grantee` write run logs and outputs (put only: artifacts are never changed or deleted by Kairos). */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    const objects = this.bucket.arnForObjects(`${RUNS_PREFIX}*`);
    acknowledgeWildcardResources(grantee, [objects], WILDCARD_REASON);
    return iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject'], resourceArns: [objects] }).combine(
      this.grantKey(grantee, ['kms:GenerateDataKey', 'kms:Decrypt']),
    );
  }

  /** Lets `grantee` read and write run logs and outputs (both of the above). */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return this.grantRead(grantee).combine(this.grantWrite(grantee));
  }

  private grantKey(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
    });
  }
}
