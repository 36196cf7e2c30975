import { readFileSync } from 'node:fs';
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { KairosConfig } from './config.js';
import { KairosApi } from './constructs/api.js';
import { repoPath } from './constructs/kairos-function.js';
import { KairosTables } from './constructs/tables.js';

/** Properties of {@link KairosStack}. */
export interface KairosStackProps extends StackProps {
  /** Validated deployment settings (see `readConfig`). */
  readonly config: KairosConfig;
}

/** The version in package.json, reported by `GET /v1/health`. */
function packageVersion(): string {
  const { version } = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version?: unknown };
  return typeof version === 'string' ? version : '0.0.0';
}

/** One Kairos deployment (`Kairos-<stage>`): composes the constructs of `lib/constructs`, nothing else. */
export class KairosStack extends Stack {
  /** The Jobs, Runs and Schedule tables and their key. */
  public readonly tables: KairosTables;
  /** The REST API and its function. */
  public readonly api: KairosApi;

  constructor(scope: Construct, id: string, props: KairosStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.tables = new KairosTables(this, 'Tables', { removalPolicy });
    this.api = new KairosApi(this, 'Api', {
      stage: config.stage,
      tables: this.tables,
      removalPolicy,
      logRetention: logs.RetentionDays.ONE_MONTH,
      environment: {
        KAIROS_SCHEDULE_SHARDS: String(config.scheduleShards),
        KAIROS_RUN_RETENTION_DAYS: String(config.runRetentionDays),
        KAIROS_LOG_LEVEL: config.logLevel,
        KAIROS_VERSION: packageVersion(),
      },
    });
  }
}
