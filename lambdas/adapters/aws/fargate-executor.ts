/**
 * The `fargate` target: RunTask starts the task and the attempt is `started`; the task's end arrives later as an
 * EventBridge "ECS Task State Change" event (see `ecs-task-events.ts`).
 */
import {
  DescribeTaskDefinitionCommand,
  type ECSClient,
  type KeyValuePair,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import type { Target } from '../../core/job/targets.js';
import type { ExecutionContext, ExecutionOutcome, Executor } from '../../ports.js';
import { createLogBuffer } from '../executors/log-buffer.js';
import { aborted, attemptSignal, failed, whenAborted } from '../executors/outcome.js';
import { sdkFailure } from './sdk-failure.js';

export { ecsTaskEventToCompletion } from './ecs-task-events.js';

export type FargateTarget = Extract<Target, { type: 'fargate' }>;

export interface FargateExecutorOptions {
  readonly client: ECSClient;
  /** Cluster name or ARN the tasks run in. */
  readonly cluster: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  /** Needed in public subnets without a NAT gateway, to pull images. @default false */
  readonly assignPublicIp?: boolean;
}

/** RunTask/DescribeTaskDefinition errors that the same request will meet again. */
const NON_RETRYABLE = new Set([
  'ClientException',
  'InvalidParameterException',
  'ClusterNotFoundException',
  'PlatformUnknownException',
  'PlatformTaskDefinitionIncompatibilityException',
  'UnsupportedFeatureException',
  'AccessDeniedException',
]);

/** RunTask `failures` reasons that mean the request itself is wrong (the rest are capacity and agents). */
const PERMANENT_FAILURES = new Set(['MISSING', 'INACTIVE']);

/** The environment variables RunTask adds to the target's, for the task to know its run. */
function runEnvironment(
  target: FargateTarget,
  runId: string,
  attempt: number,
  jobId: string,
): KeyValuePair[] {
  return [
    ...Object.entries(target.environment ?? {}).map(([name, value]) => ({ name, value })),
    { name: 'KAIROS_JOB_ID', value: jobId },
    { name: 'KAIROS_RUN_ID', value: runId },
    { name: 'KAIROS_ATTEMPT', value: String(attempt) },
  ];
}

/** Creates the executor of `fargate` targets. */
export function createFargateExecutor(options: FargateExecutorOptions): Executor<FargateTarget> {
  const { client, cluster } = options;
  // A task definition revision never changes, so its essential container is looked up once.
  const essentialByRevision = new Map<string, string>();

  /** The container the overrides go to when the target names none: the task definition's first essential one. */
  const essentialContainer = async (
    taskDefinition: string,
    signal: AbortSignal,
  ): Promise<string | undefined> => {
    const cached = essentialByRevision.get(taskDefinition);
    if (cached !== undefined) return cached;
    const res = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition }), {
      abortSignal: signal,
    });
    const revision = res.taskDefinition?.taskDefinitionArn;
    const name = res.taskDefinition?.containerDefinitions?.find((c) => c.essential !== false)?.name;
    if (name !== undefined && revision === taskDefinition) essentialByRevision.set(taskDefinition, name);
    return name;
  };

  const run = async (target: FargateTarget, ctx: ExecutionContext, signal: AbortSignal) => {
    const log = createLogBuffer();
    log.line(`RunTask ${target.taskDefinitionArn} on ${cluster} (run ${ctx.runId}, attempt ${ctx.attempt})`);
    const container = target.containerName ?? (await essentialContainer(target.taskDefinitionArn, signal));
    if (container === undefined) {
      const message = `${target.taskDefinitionArn} has no essential container to pass the run to`;
      return failed({ type: 'InvalidTaskDefinition', message, retryable: false }, log.text());
    }
    const res = await client.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: target.taskDefinitionArn,
        launchType: 'FARGATE',
        count: 1,
        // Idempotent per attempt: a redelivered dispatch message cannot start a second task.
        clientToken: `${ctx.runId}-${ctx.attempt}`.slice(0, 64),
        startedBy: ctx.runId.slice(0, 36),
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [...options.subnets],
            securityGroups: [...options.securityGroups],
            assignPublicIp: options.assignPublicIp ? 'ENABLED' : 'DISABLED',
          },
        },
        overrides: {
          containerOverrides: [
            {
              name: container,
              ...(target.command === undefined ? {} : { command: target.command }),
              environment: runEnvironment(target, ctx.runId, ctx.attempt, ctx.jobId),
            },
          ],
        },
        tags: [
          { key: 'kairos:job-id', value: ctx.jobId },
          { key: 'kairos:run-id', value: ctx.runId },
          { key: 'kairos:attempt', value: String(ctx.attempt) },
        ],
      }),
      { abortSignal: signal },
    );
    if (res.failures !== undefined && res.failures.length > 0) {
      const reasons = res.failures.map((f) => [f.arn, f.reason, f.detail].filter(Boolean).join(': '));
      const message = `RunTask failed: ${reasons.join('; ')}`;
      log.line(message);
      const retryable = !res.failures.some((f) => PERMANENT_FAILURES.has(f.reason ?? ''));
      return failed({ type: 'RunTaskFailed', message, retryable }, log.text());
    }
    const taskArn = res.tasks?.[0]?.taskArn;
    if (taskArn === undefined) {
      return failed(
        { type: 'RunTaskFailed', message: 'RunTask returned no task', retryable: true },
        log.text(),
      );
    }
    log.line(`started task ${taskArn} (container ${container})`);
    return { status: 'started', handle: taskArn, log: log.text() } satisfies ExecutionOutcome;
  };

  return {
    async execute(target, ctx) {
      const attempt = attemptSignal(ctx);
      try {
        const started = run(target, ctx, attempt.signal);
        started.catch(() => {});
        const outcome = await Promise.race([started, whenAborted(attempt.signal).then(() => undefined)]);
        return outcome ?? aborted(attempt.signal, `RunTask ${target.taskDefinitionArn} on ${cluster}\n`);
      } catch (error) {
        if (attempt.signal.aborted) return aborted(attempt.signal, `RunTask ${target.taskDefinitionArn}\n`);
        const failure = sdkFailure(error, NON_RETRYABLE);
        return failed(
          failure,
          `RunTask ${target.taskDefinitionArn} on ${cluster} failed: ${failure.message}\n`,
        );
      } finally {
        attempt.dispose();
      }
    },

    async stop(handle, reason) {
      // StopTask's reason shows in the console and in the STOPPED event; ECS caps it at 255 characters.
      await client.send(new StopTaskCommand({ cluster, task: handle, reason: reason.slice(0, 255) }));
    },
  };
}
