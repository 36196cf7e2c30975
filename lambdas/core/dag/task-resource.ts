import type { Task } from '../job/tasks.js';
import { resolveRetryPolicy } from '../retry.js';
import type { CompileOptions, Json, JsonObject } from './asl.js';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const LAMBDA_WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
export const ECS_RUN_TASK_SYNC = 'arn:aws:states:::ecs:runTask.sync';
export const SFN_START_SYNC = 'arn:aws:states:::states:startExecution.sync:2';

/**
 * What every target receives about where it runs: the run's own input (the execution input), and `upstream`,
 * each direct dependency's recorded end by task id (`{ status, ok, output, outputRef }`, see latch-contract.ts).
 */
const runContext = (taskId: string, upstream: JsonObject): JsonObject => ({
  'runId.$': '$$.Execution.Name',
  taskId,
  'attempt.$': '$$.State.RetryCount',
  'input.$': '$$.Execution.Input',
  upstream,
});

export interface TargetCall {
  readonly Resource: string;
  readonly Parameters: JsonObject;
  /** Where the target's output is in the state's result; none for targets that return none (Fargate). */
  readonly outputPath?: string;
}

/**
 * A target Kairos's own function runs, as one JSON string: inside Parameters a key ending in `.$` is a path Step
 * Functions evaluates, so an http header or body key like `x.$` would be replaced (or fail the state); a string
 * value is passed as it is.
 */
const targetParameter = (target: Task['target']): string => JSON.stringify(target);

/** Resource and Parameters of the state that calls a task's target, given the `upstream` Parameters. */
export function targetCall(task: Task, options: CompileOptions, upstream: JsonObject = {}): TargetCall {
  const target = task.target;
  switch (target.type) {
    case 'lambda':
      return {
        Resource: LAMBDA_INVOKE,
        Parameters: { FunctionName: target.functionArn, Payload: runContext(task.id, upstream) },
        // A function that returns nothing answers null, so the path always exists.
        outputPath: '$.Payload',
      };
    case 'http':
      // Through Kairos's executor rather than an HTTP task: it refuses private addresses (SSRF guard).
      return {
        Resource: LAMBDA_INVOKE,
        Parameters: {
          FunctionName: options.httpExecutorFunctionArn,
          Payload: { ...runContext(task.id, upstream), target: targetParameter(target) },
        },
        outputPath: '$.Payload.output',
      };
    case 'command':
      return {
        Resource: LAMBDA_INVOKE,
        Parameters: {
          FunctionName: options.commandFunctionArn,
          Payload: { ...runContext(task.id, upstream), target: targetParameter(target) },
        },
        outputPath: '$.Payload.output',
      };
    case 'stepfunctions':
      return {
        Resource: SFN_START_SYNC,
        Parameters: {
          StateMachineArn: target.stateMachineArn,
          Input: {
            ...runContext(task.id, upstream),
            'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id',
          },
        },
        // `.sync:2` answers the child's output as JSON.
        outputPath: '$.Output',
      };
    case 'fargate':
      return { Resource: ECS_RUN_TASK_SYNC, Parameters: fargateParameters(task, options) };
  }
}

function fargateParameters(task: Task, options: CompileOptions): JsonObject {
  const target = task.target;
  if (target.type !== 'fargate') throw new Error('not a fargate target');
  if (!options.fargate)
    throw new Error(`task '${task.id}' has a fargate target but no fargate options were given`);
  const env: Json[] = [
    ...Object.entries(target.environment ?? {}).map(([Name, Value]) => ({ Name, Value })),
    { Name: 'KAIROS_TASK_ID', Value: task.id },
    { Name: 'KAIROS_RUN_ID', 'Value.$': '$$.Execution.Name' },
  ];
  return {
    Cluster: options.fargate.clusterArn,
    TaskDefinition: target.taskDefinitionArn,
    LaunchType: 'FARGATE',
    NetworkConfiguration: {
      AwsvpcConfiguration: {
        Subnets: [...options.fargate.subnets],
        SecurityGroups: [...options.fargate.securityGroups],
        AssignPublicIp: options.fargate.assignPublicIp ? 'ENABLED' : 'DISABLED',
      },
    },
    // Without a container name there is nothing to override (the executor path looks the essential one up;
    // a definition cannot), so the task runs with its definition's own command and environment.
    ...(target.containerName === undefined
      ? {}
      : {
          Overrides: {
            ContainerOverrides: [
              {
                Name: target.containerName,
                ...(target.command === undefined ? {} : { Command: [...target.command] }),
                Environment: env,
              },
            ],
          },
        }),
  };
}

/**
 * Retry from the task's policy with Kairos's defaults. ASL counts retries, Kairos counts attempts, so
 * MaxAttempts is one less; IntervalSeconds and MaxDelaySeconds must be ≥ 1 in ASL. Non-retryable errors get a
 * first retrier with MaxAttempts 0, since the first matching retrier wins.
 */
export function taskRetry(task: Task): Json[] {
  const policy = resolveRetryPolicy(task.retry);
  const retriers: Json[] = [];
  if (policy.nonRetryableErrors.length > 0)
    retriers.push({ ErrorEquals: [...policy.nonRetryableErrors], MaxAttempts: 0 });
  if (policy.maxAttempts > 1)
    retriers.push({
      ErrorEquals: ['States.ALL'],
      IntervalSeconds: Math.max(1, policy.initialDelaySeconds),
      BackoffRate: policy.backoffRate,
      MaxAttempts: policy.maxAttempts - 1,
      MaxDelaySeconds: Math.max(1, policy.maxDelaySeconds),
      JitterStrategy: policy.jitter === 'full' ? 'FULL' : 'NONE',
    });
  return retriers;
}

/**
 * Kairos's own calls are idempotent (a status write, a token registration), so any failure is retried; one
 * short retrier keeps the definition small (it is repeated for every report state).
 */
export const KAIROS_CALL_RETRY: Json[] = [
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' },
];
