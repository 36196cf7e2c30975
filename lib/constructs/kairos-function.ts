import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Absolute path of the repository root (where package.json and package-lock.json live). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a file given relative to the repository root, e.g. `repoPath('lambdas/handlers/api.ts')`. */
export function repoPath(relative: string): string {
  return join(REPO_ROOT, relative);
}

// ESM bundles still meet CommonJS dependencies that call `require` (e.g. for Node built-ins).
const REQUIRE_SHIM =
  "import { createRequire as __kairosCreateRequire } from 'node:module';" +
  'const require = __kairosCreateRequire(import.meta.url);';

/** The runtime of every Kairos function (also what the bundles target: `node24`). */
export const KAIROS_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * How every Kairos function is bundled (exported so the bundle-size bench and test build the same bundles).
 * Bundle the SDK so the deployed code runs the exact versions in package-lock.json that the local runtime and the
 * tests ran, instead of whatever SDK the Lambda runtime ships that week.
 */
export const KAIROS_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  banner: REQUIRE_SHIM,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  bundleAwsSDK: true,
  forceDockerBundling: false,
};

/** Properties of {@link KairosFunction}. */
export interface KairosFunctionProps {
  /** Handler source file, absolute path (use {@link repoPath}). */
  readonly entry: string;
  /**
   * Exported handler name in `entry`.
   * @default 'handler'
   */
  readonly handler?: string;
  /** What the function does, shown in the console. @default - no description */
  readonly description?: string;
  /** Environment variables besides `NODE_OPTIONS`. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Memory in MB (CPU scales with it). @default 512 */
  readonly memorySize?: number;
  /** Maximum run time of one invocation. @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** Retention of the function's log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Concurrent executions reserved for the function: at once a cap and a guarantee, taken from the account's pool.
   * Lambda keeps 100 of an account's concurrency unreserved, so an account at a low limit (new accounts may have
   * 10) fails the deploy for any reservation: the stack sets this only with `kairos:reserveConcurrency`.
   * @default - none: the function shares the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Where Lambda puts an asynchronous invocation's event after its last retry fails (the function's role is allowed
   * `sqs:SendMessage` on it; the caller grants the key).
   * @default - none: for functions invoked synchronously or by an event source mapping, which never use it
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * What Lambda does when it sees the function in a Lambda → SQS → Lambda loop (16 invocations of one chain).
   * @default lambda.RecursiveLoop.TERMINATE
   */
  readonly recursiveLoop?: lambda.RecursiveLoop;
  /**
   * Shell commands run after the bundle is built, given the asset directory (e.g. to add a file the handler reads).
   * @default - none
   */
  readonly afterBundling?: (outputDir: string) => string[];
}

/**
 * The one Lambda building block of Kairos: Node.js 24 on ARM64, ESM bundle built by the local esbuild (never Docker),
 * minified with source maps, X-Ray tracing and its own log group with a retention.
 */
export class KairosFunction extends NodejsFunction {
  /** The handler source file the function is bundled from. */
  public readonly entry: string;

  constructor(scope: Construct, id: string, props: KairosFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // Own role instead of AWSLambdaBasicExecutionRole: write to this function's log group only, nothing account-wide.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      entry: props.entry,
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: KAIROS_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      deadLetterQueue: props.deadLetterQueue,
      recursiveLoop: props.recursiveLoop,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: props.afterBundling
        ? {
            ...KAIROS_BUNDLING,
            commandHooks: {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (_inputDir, outputDir) => props.afterBundling?.(outputDir) ?? [],
            },
          }
        : KAIROS_BUNDLING,
    });
    this.entry = props.entry;
    // X-Ray's PutTraceSegments/PutTelemetryRecords (added by `tracing`) support no resource-level permissions.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray write actions added by active tracing use "*": X-Ray has no resource-level permissions.',
    });
  }
}
