import type { SFNClient } from '@aws-sdk/client-sfn';
import { createSfnDagExecutor } from '../adapters/aws/sfn-dag-executor.js';
import { createSfnWorkflowRegistry } from '../adapters/aws/sfn-workflow-registry.js';
import type { CompileOptions } from '../core/dag/asl.js';
import type { EngineDeps } from '../services/dispatch/deps.js';

export type DagSupport = Pick<EngineDeps, 'workflows' | 'dags' | 'compileOptions'>;

/**
 * DAG jobs on Step Functions, when the stack provides what they need: the workflow role, log group and names
 * (KairosWorkflows) and the latch and http executor functions. A stack from before has none of them, and the
 * engine then answers DAG runs with UnsupportedTarget instead of publishing definitions that cannot run.
 */
export function dagSupportFromEnv(
  env: NodeJS.ProcessEnv,
  client: SFNClient,
  log?: (entry: Record<string, unknown>) => void,
): DagSupport {
  const namePrefix = env.KAIROS_WORKFLOW_NAME_PREFIX;
  const arnPrefix = env.KAIROS_WORKFLOW_ARN_PREFIX;
  const roleArn = env.KAIROS_WORKFLOW_ROLE_ARN;
  const logGroupArn = env.KAIROS_WORKFLOW_LOG_GROUP_ARN;
  const latchFunctionArn = env.KAIROS_LATCH_FUNCTION_ARN;
  const httpExecutorFunctionArn = env.KAIROS_HTTP_FUNCTION_ARN;
  if (
    !namePrefix ||
    !arnPrefix ||
    !roleArn ||
    !logGroupArn ||
    !latchFunctionArn ||
    !httpExecutorFunctionArn
  ) {
    return {};
  }
  const cluster = env.KAIROS_FARGATE_CLUSTER ?? '';
  const list = (name: string) =>
    (env[name] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const compileOptions: CompileOptions = {
    latchFunctionArn,
    httpExecutorFunctionArn,
    // The deployed API refuses `command` targets, so no definition published here names this function.
    commandFunctionArn: env.KAIROS_COMMAND_FUNCTION_ARN ?? '',
    ...(cluster === ''
      ? {}
      : {
          fargate: {
            clusterArn: cluster,
            subnets: list('KAIROS_FARGATE_SUBNETS'),
            securityGroups: list('KAIROS_FARGATE_SECURITY_GROUPS'),
            assignPublicIp: env.KAIROS_FARGATE_ASSIGN_PUBLIC_IP === 'true',
          },
        }),
  };
  return {
    workflows: createSfnWorkflowRegistry({
      client,
      namePrefix,
      arnPrefix,
      roleArn,
      logGroupArn,
      ...(log ? { warn: (message: string, error: unknown) => log({ level: 'WARN', message, error }) } : {}),
    }),
    dags: createSfnDagExecutor({ client }),
    compileOptions,
  };
}
