import { readFileSync } from 'node:fs';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { KairosConfig } from './config.js';
import { KairosAlarms } from './constructs/alarms.js';
import { KairosAlerting } from './constructs/alerting.js';
import { KairosApi } from './constructs/api.js';
import { KairosArtifacts } from './constructs/artifacts.js';
import { KairosCompletion } from './constructs/completion.js';
import { KairosCronSchedules } from './constructs/cron-schedules.js';
import { KairosDagFunctions } from './constructs/dag-functions.js';
import { KairosDashboard } from './constructs/dashboard.js';
import { DISPATCHER_TIMEOUT, KairosDispatcher, VISIBILITY_TIMEOUT_FACTOR } from './constructs/dispatcher.js';
import { repoPath } from './constructs/kairos-function.js';
import { KairosQueues } from './constructs/queues.js';
import { readReserveConcurrency } from './constructs/reserved-concurrency.js';
import { KairosTables } from './constructs/tables.js';
import { TargetAccess, type TargetAccessProps } from './constructs/target-access.js';
import { KairosWatcher } from './constructs/watcher.js';
import { KairosWorkflows } from './constructs/workflows.js';

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
  /** The Jobs, Runs, Schedule and Audit tables and their key. */
  public readonly tables: KairosTables;
  /** The dispatch lanes, their dead-letter queue and the failures queue. */
  public readonly queues: KairosQueues;
  /** The bucket of run logs and outputs. */
  public readonly artifacts: KairosArtifacts;
  /** The REST API and its function. */
  public readonly api: KairosApi;
  /** The consumer of the lanes, which starts runs. */
  public readonly dispatcher: KairosDispatcher;
  /** The minute tick moving due timers to the lanes. */
  public readonly watcher: KairosWatcher;
  /** The recorder of Fargate and Step Functions outcomes. */
  public readonly completion: KairosCompletion;
  /** The alerts topic and the SLA-miss alarm. */
  public readonly alerting: KairosAlerting;
  /** The role of the per-job cron schedules and the grant to manage them. */
  public readonly cronSchedules: KairosCronSchedules;
  /** The role and log group of the per-job DAG state machines, and the grants to deploy and run them. */
  public readonly workflows: KairosWorkflows;
  /** The latch and http task functions the DAG state machines call. */
  public readonly dagFunctions: KairosDagFunctions;
  /** The alarms on dead-letter queues, function errors, API 5xx and pick-up latency (SLA misses: `alerting`). */
  public readonly alarms: KairosAlarms;
  /** The stage's CloudWatch dashboard. */
  public readonly dashboard: KairosDashboard;

  constructor(scope: Construct, id: string, props: KairosStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logRetention = logs.RetentionDays.ONE_MONTH;
    // Off unless `kairos:reserveConcurrency` is true: reservations fail the deploy on low-limit accounts.
    const reserveConcurrency = readReserveConcurrency(this.node);

    this.tables = new KairosTables(this, 'Tables', { removalPolicy });
    const { key } = this.tables;
    this.queues = new KairosQueues(this, 'Queues', {
      key,
      visibilityTimeout: Duration.seconds(DISPATCHER_TIMEOUT.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
      removalPolicy,
    });
    this.artifacts = new KairosArtifacts(this, 'Artifacts', {
      key,
      runRetentionDays: config.runRetentionDays,
      removalPolicy,
    });
    const targetSettings: TargetAccessProps = {
      allowedTargetArns: config.allowedTargetArns,
      fargateCluster: config.fargate?.cluster,
      taskRoleArns: config.fargate?.taskRoleArns,
    };
    const targets = new TargetAccess(targetSettings);
    // DAG tasks start the same targets as single-target jobs, from the state machines' own role.
    this.workflows = new KairosWorkflows(this, 'Workflows', {
      stage: config.stage,
      key,
      targets: targetSettings,
      logRetention,
      removalPolicy,
    });

    const common = {
      KAIROS_RUNTIME: 'aws',
      KAIROS_STAGE: config.stage,
      KAIROS_SCHEDULE_SHARDS: String(config.scheduleShards),
      KAIROS_RUN_RETENTION_DAYS: String(config.runRetentionDays),
      KAIROS_LOG_LEVEL: config.logLevel,
      KAIROS_VERSION: packageVersion(),
    };
    // What every function that starts, stops or inspects runs needs to know (comma lists; empty when unset).
    const engine = {
      ...common,
      ...this.queues.queueUrlEnv(),
      KAIROS_ARTIFACTS_BUCKET: this.artifacts.bucket.bucketName,
      KAIROS_HTTP_ALLOW: config.httpAllowList.join(','),
      KAIROS_FARGATE_CLUSTER: targets.clusterArn ?? '',
      KAIROS_FARGATE_SUBNETS: (config.fargate?.subnets ?? []).join(','),
      KAIROS_FARGATE_SECURITY_GROUPS: (config.fargate?.securityGroups ?? []).join(','),
      KAIROS_FARGATE_ASSIGN_PUBLIC_IP: String(config.fargate?.assignPublicIp ?? false),
    };

    this.api = new KairosApi(this, 'Api', {
      stage: config.stage,
      tables: this.tables,
      removalPolicy,
      logRetention,
      environment: engine,
      cognito: config.cognito,
      iamPrincipals: config.iamPrincipals,
    });
    // Manual runs and cancels go through the lanes, the logs route reads artifacts, cancel stops executions/tasks.
    this.queues.grantSend(this.api.handler);
    this.artifacts.grantRead(this.api.handler);
    targets.grantStop(this.api.handler);
    // Every mutating call leaves an audit record: the API may add and query records, never change or delete them.
    this.tables.grantAppendAndQuery(this.api.handler, 'Audit');
    this.api.handler.addEnvironment('KAIROS_AUDIT_TABLE', this.tables.audit.tableName);

    const tableNames = {
      KAIROS_JOBS_TABLE: this.tables.jobs.tableName,
      KAIROS_RUNS_TABLE: this.tables.runs.tableName,
      KAIROS_SCHEDULE_TABLE: this.tables.schedule.tableName,
    };
    const environment = {
      ...engine,
      ...tableNames,
      // The API's secret (CloudFormation dynamic reference), so every function signs and reads the same cursors.
      KAIROS_CURSOR_SECRET: this.api.cursorSecret.secretValue.unsafeUnwrap(),
    };
    const functionProps = {
      stage: config.stage,
      tables: this.tables,
      queues: this.queues,
      removalPolicy,
      logRetention,
    };
    this.dispatcher = new KairosDispatcher(this, 'Dispatcher', {
      ...functionProps,
      artifacts: this.artifacts,
      targets,
      environment,
      reserveConcurrency,
    });
    this.watcher = new KairosWatcher(this, 'Watcher', {
      ...functionProps,
      // Timers only: the Schedule table, its shards and the lanes.
      environment: {
        ...common,
        KAIROS_SCHEDULE_TABLE: this.tables.schedule.tableName,
        KAIROS_QUEUE_URL_HIGH: this.queues.lanes.high.queueUrl,
        KAIROS_QUEUE_URL_NORMAL: this.queues.lanes.normal.queueUrl,
        KAIROS_QUEUE_URL_LOW: this.queues.lanes.low.queueUrl,
      },
      reserveConcurrency,
    });
    this.completion = new KairosCompletion(this, 'Completion', {
      ...functionProps,
      artifacts: this.artifacts,
      environment,
      fargateClusterArn: targets.clusterArn,
      reserveConcurrency,
    });

    this.alerting = new KairosAlerting(this, 'Alerting', {
      stage: config.stage,
      key,
      alertEmail: config.alertEmail,
    });
    this.cronSchedules = new KairosCronSchedules(this, 'CronSchedules', {
      stage: config.stage,
      scheduleGroup: this.watcher.scheduleGroup,
      queues: this.queues,
      key,
    });
    // Whatever creates, reschedules or finishes a cron job manages its schedule; whatever sees a run miss its SLA
    // (or fail for good) publishes an alert.
    const cron = {
      KAIROS_ALERT_TOPIC_ARN: this.alerting.topic.topicArn,
      KAIROS_SCHEDULE_GROUP: this.watcher.scheduleGroup.scheduleGroupName,
      KAIROS_SCHEDULER_ROLE_ARN: this.cronSchedules.role.roleArn,
      KAIROS_QUEUE_ARN_HIGH: this.queues.lanes.high.queueArn,
      KAIROS_QUEUE_ARN_NORMAL: this.queues.lanes.normal.queueArn,
      KAIROS_QUEUE_ARN_LOW: this.queues.lanes.low.queueArn,
      KAIROS_SCHEDULER_DLQ_ARN: this.queues.deadLetters.queueArn,
    };
    for (const { handler } of [this.api, this.dispatcher, this.completion]) {
      this.cronSchedules.grantManage(handler);
      this.alerting.grantPublish(handler);
      for (const [name, value] of Object.entries(cron)) handler.addEnvironment(name, value);
    }
    // DAG jobs: the API creates, updates and deletes their state machines and cancels their runs; the dispatcher
    // starts runs and publishes again when a job's publish failed after it was saved. Their definitions call the
    // latch and http task functions, so both learn the functions' ARNs with the workflow settings.
    this.dagFunctions = new KairosDagFunctions(this, 'DagFunctions', {
      stage: config.stage,
      tables: this.tables,
      artifacts: this.artifacts,
      workflows: this.workflows,
      httpAllowList: config.httpAllowList,
      environment: common,
      logRetention,
      removalPolicy,
    });
    const workflows = {
      KAIROS_LATCH_FUNCTION_ARN: this.dagFunctions.latch.functionArn,
      KAIROS_HTTP_FUNCTION_ARN: this.dagFunctions.httpTask.functionArn,
      KAIROS_WORKFLOW_ROLE_ARN: this.workflows.role.roleArn,
      // `Fn::GetAtt <LogGroup>.Arn` already ends with `:*`, the form Step Functions' logging configuration takes.
      KAIROS_WORKFLOW_LOG_GROUP_ARN: this.workflows.logGroup.logGroupArn,
      KAIROS_WORKFLOW_NAME_PREFIX: this.workflows.namePrefix,
      KAIROS_WORKFLOW_ARN_PREFIX: this.workflows.arnPrefix,
    };
    for (const { handler } of [this.api, this.dispatcher]) {
      this.workflows.grantManage(handler);
      for (const [name, value] of Object.entries(workflows)) handler.addEnvironment(name, value);
    }
    this.workflows.grantRunExecutions(this.dispatcher.handler);
    this.workflows.grantStopExecutions(this.api.handler);
    // Completion ends DAG runs, and the last run of a deleted DAG job deletes its state machine (retire-workflow.ts).
    this.workflows.grantDelete(this.completion.handler);
    for (const [name, value] of Object.entries(workflows))
      this.completion.handler.addEnvironment(name, value);

    // Observability: every function's errors but the http task's (its errors are the http targets' failures, the
    // way Step Functions' Retry and Catch see them), every dead-letter queue, API 5xx, pick-up latency.
    Validations.of(this.api.handler).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked only synchronously by API Gateway (Lambda proxy integration): a failure is the 5xx answer to ' +
        'the caller (and ApiServerErrorsAlarm), so Lambda never holds an event to dead-letter.',
    });
    const functions = {
      Api: this.api.handler,
      Dispatcher: this.dispatcher.handler,
      Watcher: this.watcher.handler,
      Completion: this.completion.handler,
      Latch: this.dagFunctions.latch,
    };
    const deadLetterQueues = {
      DeadLetters: this.queues.deadLetters,
      EventDeadLetters: this.queues.eventDeadLetters,
    };
    this.alarms = new KairosAlarms(this, 'Alarms', {
      stage: config.stage,
      alerting: this.alerting,
      functions,
      deadLetterQueues,
      apiStage: this.api.restApi.deploymentStage,
    });
    this.dashboard = new KairosDashboard(this, 'Dashboard', {
      stage: config.stage,
      functions: { ...functions, HttpTask: this.dagFunctions.httpTask },
      queues: { ...deadLetterQueues, Failures: this.queues.failures },
      apiStage: this.api.restApi.deploymentStage,
      alarms: [this.alerting.slaMissesAlarm, ...this.alarms.alarms],
    });
    new CfnOutput(this, 'WorkflowRoleArn', {
      value: this.workflows.role.roleArn,
      description:
        'ARN of the role every Kairos DAG state machine runs with (it may start the configured targets)',
    });
    new CfnOutput(this, 'AlertTopicArn', {
      value: this.alerting.topic.topicArn,
      description: 'ARN of the Kairos alerts topic (SLA misses, alarms); subscribe to it for notifications',
    });
  }
}
