import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { KairosArtifacts } from './artifacts.js';
import { RUN_ID_PREFIX } from './completion.js';
import { KairosFunction, repoPath } from './kairos-function.js';
import type { KairosTables } from './tables.js';
import type { KairosWorkflows } from './workflows.js';

/** Properties of {@link KairosDagFunctions}. */
export interface KairosDagFunctionsProps {
  /** Stage name, shown in the function descriptions. */
  readonly stage: string;
  /** The tables: the latch updates run items of the Runs table, nothing else. */
  readonly tables: KairosTables;
  /** Where task outputs too large to pass inline and http task logs go (`runs/<runId>/…`). */
  readonly artifacts: KairosArtifacts;
  /** The DAG state machines' role, which is allowed to invoke both functions. */
  readonly workflows: KairosWorkflows;
  /** Hosts and ranges the http tasks may reach although private (`KAIROS_HTTP_ALLOW`). */
  readonly httpAllowList: readonly string[];
  /** Environment common to every Kairos function (stage, log level, version). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Retention of the functions' log groups. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log groups when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The latch does one UpdateItem and at most a few SendTaskSuccess calls per request. */
export const LATCH_TIMEOUT = Duration.seconds(10);
/**
 * An http task may take as long as Lambda allows (15 minutes): the task's own `TimeoutSeconds` in the definition
 * is what bounds it, and the handler stops the request before the function's remaining time runs out.
 */
export const HTTP_TASK_TIMEOUT = Duration.minutes(15);

/** The task-token actions the latch calls: resuming `wait` states whose dependencies have ended. */
export const TASK_TOKEN_ACTIONS: readonly string[] = ['states:SendTaskSuccess'];

const TASK_TOKEN_REASON =
  'states:SendTaskSuccess supports no resource-level permissions (Service Authorization Reference for Step ' +
  'Functions lists no resource type for it), so AWS documents it on "*"; the latch only resumes the waitForTaskToken ' +
  'states of Kairos DAG executions with the tokens they passed it. Nothing else is in this policy.';

/**
 * The two functions the DAG state machines call (ARCHITECTURE.md "DAGs on Step Functions"): `Latch`, which records
 * task ends on the run item and releases the `wait` states of tasks whose dependencies have all ended, and
 * `HttpTask`, which runs an `http` task through the SSRF-guarded http executor. The state machines' role may invoke
 * both; neither may do anything else beyond its own logs (and X-Ray), except the latch's run-item updates and
 * task-token success.
 */
export class KairosDagFunctions extends Construct {
  /** The latch function (`lambdas/handlers/latch.ts`). */
  public readonly latch: KairosFunction;
  /** The http task function (`lambdas/handlers/http-task.ts`). */
  public readonly httpTask: KairosFunction;

  constructor(scope: Construct, id: string, props: KairosDagFunctionsProps) {
    super(scope, id);
    const { tables, workflows, artifacts } = props;
    const bucket = { KAIROS_ARTIFACTS_BUCKET: artifacts.bucket.bucketName };

    this.latch = new KairosFunction(this, 'Latch', {
      entry: repoPath('lambdas/handlers/latch.ts'),
      description: `Kairos ${props.stage} DAG latch: records task ends, releases the tasks waiting on them`,
      memorySize: 256,
      timeout: LATCH_TIMEOUT,
      environment: { ...props.environment, ...bucket, KAIROS_RUNS_TABLE: tables.runs.tableName },
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // One guarded UpdateItem (ReturnValues ALL_NEW) per request, on run items only (`run_…` keys).
    tables.grantItemUpdates(this.latch, 'Runs', [RUN_ID_PREFIX]);
    // A task output above the inline limit is stored before its end is recorded (docs/adr/0012).
    artifacts.grantWrite(this.latch);
    // In a policy of its own, so the `*` acknowledgement covers exactly this statement.
    const taskTokens = new iam.Policy(this, 'LatchTaskTokens', {
      roles: [this.latch.role as iam.IRole],
      statements: [new iam.PolicyStatement({ actions: [...TASK_TOKEN_ACTIONS], resources: ['*'] })],
    });
    Validations.of(taskTokens).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: TASK_TOKEN_REASON,
    });

    this.httpTask = new KairosFunction(this, 'HttpTask', {
      entry: repoPath('lambdas/handlers/http-task.ts'),
      description: `Kairos ${props.stage} DAG http task: one SSRF-guarded request per attempt`,
      memorySize: 512,
      timeout: HTTP_TASK_TIMEOUT,
      environment: { ...props.environment, ...bucket, KAIROS_HTTP_ALLOW: props.httpAllowList.join(',') },
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // Each attempt's log is appended to the task's log object: read it, write it back.
    artifacts.grantReadWrite(this.httpTask);

    workflows.grantInvokeKairosFunction(this.latch);
    workflows.grantInvokeKairosFunction(this.httpTask);
    // Both are invoked synchronously by the state machines (`lambda:invoke`, RequestResponse), which see the error
    // and apply the task's Retry and Catch; Lambda never holds an event of theirs to dead-letter. Neither has a
    // reserved concurrency: a throttled latch call costs a DAG retries of a Kairos call, a throttled http task would
    // fail with Lambda.TooManyRequestsException and use up the task's own retries.
    for (const fn of [this.latch, this.httpTask]) {
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked only synchronously by the Kairos DAG state machines (lambda:invoke, RequestResponse): a failure ' +
          "is the task's error, handled by its Retry and Catch, so Lambda never has an event to dead-letter.",
      });
    }
  }
}
