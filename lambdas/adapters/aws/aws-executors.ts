/** The executors of the deployed stack: http, Lambda, Step Functions and (when configured) Fargate. */
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { AllowList } from '../../core/ssrf.js';
import type { Executors } from '../../ports.js';
import { createHttpExecutor } from '../executors/http-executor.js';
import { createFargateExecutor } from './fargate-executor.js';
import { createLambdaExecutor } from './lambda-executor.js';
import { createStepFunctionsExecutor } from './sfn-executor.js';

/** Where Fargate tasks run. */
export interface FargateSettings {
  readonly cluster: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  /** @default false */
  readonly assignPublicIp?: boolean;
}

export interface AwsExecutorsOptions {
  readonly lambda: LambdaClient;
  readonly ecs: ECSClient;
  readonly sfn: SFNClient;
  /** Without it, `fargate` targets have no executor (the stack was deployed without a cluster). */
  readonly fargate: FargateSettings | undefined;
  /** Ranges and hosts http targets may reach although private (`KAIROS_HTTP_ALLOW`). */
  readonly allowList: AllowList;
}

/** Builds the executors of the deployed stack. `command` targets never run on AWS. */
export function createAwsExecutors(options: AwsExecutorsOptions): Executors {
  const { fargate } = options;
  return {
    http: createHttpExecutor({ allowList: options.allowList }),
    lambda: createLambdaExecutor({ client: options.lambda }),
    stepfunctions: createStepFunctionsExecutor({ client: options.sfn }),
    ...(fargate === undefined ? {} : { fargate: createFargateExecutor({ client: options.ecs, ...fargate }) }),
  };
}
