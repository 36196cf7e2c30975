import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ROUTES, type RouteDefinition } from '../../lambdas/handlers/routes.js';
import type { IamPrincipals } from '../config.js';
import { KairosApiAccess } from './api-access.js';
import { addBodyModels } from './api-models.js';
import { addProblemResponses } from './api-responses.js';
import { addRouteMethod } from './api-routes.js';
import { KairosApiUsers } from './api-users.js';
import { KairosFunction, REPO_ROOT, repoPath } from './kairos-function.js';
import type { KairosTables } from './tables.js';

/** Properties of {@link KairosApi}. */
export interface KairosApiProps {
  /** Stage name: the API Gateway stage and `KAIROS_STAGE`. */
  readonly stage: string;
  /** The tables the API reads and writes. */
  readonly tables: KairosTables;
  /** Further environment variables of the API function (e.g. shard count, retention). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Steady-state request rate limit of the stage, per second. @default 1000 */
  readonly throttlingRateLimit?: number;
  /** Burst request limit of the stage. @default 2000 */
  readonly throttlingBurstLimit?: number;
  /** Retention of the function and access log groups. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log groups and the cursor secret when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Authenticate users of a Cognito user pool (groups viewer, operator, admin) instead of IAM (SigV4) callers.
   * @default false - IAM, with a managed policy and an assumable role per Kairos role
   */
  readonly cognito?: boolean;
  /** IAM caller ARN patterns per role besides the sessions of the stack's roles (IAM mode). @default {} */
  readonly iamPrincipals?: IamPrincipals;
}

/**
 * `POST /v1/jobs:batch` creates up to 100 jobs per call: 10 calls/s (burst 20) is the ~1,000 job creations/s the
 * single partition of the jobs listing index takes (ADR 0004), so a batch client cannot starve single creates.
 */
const BATCH_THROTTLING = { throttlingRateLimit: 10, throttlingBurstLimit: 20 } as const;

/** JSON access log line: who called what, how it ended, and how long it took. */
const ACCESS_LOG_FORMAT = apigw.AccessLogFormat.custom(
  JSON.stringify({
    requestId: apigw.AccessLogField.contextRequestId(),
    requestTime: apigw.AccessLogField.contextRequestTimeEpoch(),
    method: apigw.AccessLogField.contextHttpMethod(),
    resourcePath: apigw.AccessLogField.contextResourcePath(),
    path: apigw.AccessLogField.contextPath(),
    status: apigw.AccessLogField.contextStatus(),
    responseLength: apigw.AccessLogField.contextResponseLength(),
    responseLatency: apigw.AccessLogField.contextResponseLatency(),
    integrationLatency: apigw.AccessLogField.contextIntegrationLatency(),
    integrationStatus: apigw.AccessLogField.contextIntegrationStatus(),
    errorMessage: apigw.AccessLogField.contextErrorMessage(),
    sourceIp: apigw.AccessLogField.contextIdentitySourceIp(),
    userAgent: apigw.AccessLogField.contextIdentityUserAgent(),
    caller: apigw.AccessLogField.contextIdentityCaller(),
    userArn: apigw.AccessLogField.contextIdentityUserArn(),
    cognitoSub: apigw.AccessLogField.contextAuthorizerClaims('sub'),
    xrayTraceId: apigw.AccessLogField.contextXrayTraceId(),
  }),
);

/**
 * The Kairos REST API: one proxy Lambda behind API Gateway, resources and methods generated from `ROUTES`,
 * SigV4 (IAM) authorization, or a Cognito user pool authorizer, on every route except the public health check;
 * edge body models, problem+json gateway responses, stage and method throttling, JSON access logs (ADR 0014).
 */
export class KairosApi extends Construct {
  /** The API Lambda function. */
  public readonly handler: KairosFunction;
  /** The REST API. */
  public readonly restApi: apigw.RestApi;
  /** Key signing pagination cursors (HMAC). */
  public readonly cursorSecret: secretsmanager.ISecret;
  /** The managed policies and assumable roles of the three Kairos roles (IAM mode). */
  public readonly access: KairosApiAccess | undefined;
  /** The Cognito user pool, its groups and the authorizer (Cognito mode). */
  public readonly users: KairosApiUsers | undefined;

  constructor(scope: Construct, id: string, props: KairosApiProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const { tables } = props;

    const cursorSecret = new secretsmanager.Secret(this, 'CursorSecret', {
      description: 'HMAC key signing Kairos API pagination cursors',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    Validations.of(cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret only signs short-lived pagination cursors; rotating it would merely invalidate in-flight ' +
        'cursors, and it is resolved at deploy time, so a new value is rolled out by redeploying.',
    });
    this.cursorSecret = cursorSecret;

    this.handler = new KairosFunction(this, 'Handler', {
      entry: repoPath('lambdas/handlers/api.ts'),
      description: `Kairos ${props.stage} REST API`,
      timeout: Duration.seconds(29),
      // The dashboard page goes into the function's code: `GET /` reads it from there (lambdas/handlers/dashboard-file.ts).
      afterBundling: dashboardBuildCommands,
      logRetention,
      removalPolicy,
      environment: {
        ...props.environment,
        KAIROS_RUNTIME: 'aws',
        KAIROS_STAGE: props.stage,
        KAIROS_JOBS_TABLE: tables.jobs.tableName,
        KAIROS_RUNS_TABLE: tables.runs.tableName,
        KAIROS_SCHEDULE_TABLE: tables.schedule.tableName,
        // CloudFormation dynamic reference: resolved at deploy time, never written into the template.
        KAIROS_CURSOR_SECRET: cursorSecret.secretValue.unsafeUnwrap(),
      },
    });
    // Jobs: full CRUD; Runs: status reads and manual-run writes; Schedule: timers of future jobs, read back and
    // removed again when a job is rescheduled or cancelled.
    tables.grantReadWriteData(this.handler, 'Jobs');
    tables.grantReadWriteData(this.handler, 'Runs');
    tables.grantReadWriteData(this.handler, 'Schedule');

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy });
    this.restApi = new apigw.RestApi(this, 'RestApi', {
      description: `Kairos ${props.stage} REST API`,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      // The account-level role API Gateway needs to write execution and access logs at all.
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stage,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: ACCESS_LOG_FORMAT,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: props.throttlingRateLimit ?? 1000,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 2000,
        methodOptions: {
          '/v1/jobs:batch/POST': {
            ...BATCH_THROTTLING,
            loggingLevel: apigw.MethodLoggingLevel.ERROR,
            dataTraceEnabled: false,
            metricsEnabled: true,
          },
        },
      },
    });
    // No usage plan: usage plans meter API keys, and IAM or Cognito callers carry none (a plan without keys
    // throttles nothing); the stage and method limits above apply to every caller (ADR 0014).
    addProblemResponses(this.restApi);
    const bodyModels = addBodyModels(this.restApi);
    this.users = props.cognito
      ? new KairosApiUsers(this, 'Users', { stage: props.stage, removalPolicy })
      : undefined;
    const requestValidator = this.restApi.addRequestValidator('RequestValidator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const integration = new apigw.LambdaIntegration(this.handler, { proxy: true, allowTestInvoke: false });
    for (const route of ROUTES) {
      const method = addRouteMethod(this.restApi.root, route, {
        integration,
        requestValidator,
        authorizer: this.users?.authorizer,
        bodyModels,
      });
      if (route.role === 'public') {
        Validations.of(method).acknowledge(
          { id: 'AwsSolutions-APIG4', reason: publicReason(route) },
          { id: 'AwsSolutions-COG4', reason: publicReason(route) },
        );
      }
    }
    // The handler checks every caller's role again (defence in depth) and learns it the way the methods authenticate.
    if (this.users) {
      this.access = undefined;
      this.handler.addEnvironment('KAIROS_API_AUTH', 'cognito');
      this.handler.addEnvironment('KAIROS_DASHBOARD_CLIENT_ID', this.users.dashboardClient.userPoolClientId);
    } else {
      this.access = new KairosApiAccess(this, 'Access', {
        stage: props.stage,
        restApi: this.restApi,
        routes: ROUTES,
      });
      this.handler.addEnvironment('KAIROS_API_AUTH', 'iam');
      this.handler.addEnvironment(
        'KAIROS_IAM_CALLERS',
        this.access.callerPatternsJson(props.iamPrincipals ?? {}),
      );
    }
    this.acknowledgeApiFindings();
    // One output with a stable key (`ApiUrl`) for scripts and the CLI, instead of RestApi's hashed `Endpoint`.
    this.restApi.node.tryRemoveChild('Endpoint');
    new CfnOutput(this, 'Url', {
      value: this.restApi.url,
      description: 'Base URL of the Kairos REST API',
    }).overrideLogicalId('ApiUrl');
  }

  private acknowledgeApiFindings(): void {
    const cloudWatchRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "The account-level API Gateway logging role must write any API's log groups; AWS maintains this " +
          'managed policy for exactly that role.',
      });
    }
    if (!this.users) {
      Validations.of(this.restApi).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          'Methods use IAM (SigV4) authorization, scoped per role by the KairosViewer/Operator/Admin managed ' +
          'policies; set kairos:cognito to use a Cognito user pool authorizer instead.',
      });
    }
    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF in the base stack: every method but the health check requires SigV4 (or a Cognito token), and ' +
        'stage and method throttling caps request rates; attach a web ACL where the API faces untrusted networks.',
    });
  }
}

/** Why a public route needs no credentials, for its cdk-nag acknowledgements. */
function publicReason(route: RouteDefinition): string {
  const why =
    route.operationId === 'getDashboard'
      ? 'it answers the static dashboard page, which holds no data; the page calls the API with credentials'
      : 'it is the liveness check, which reveals only that the API is up and its version';
  return `${route.method} ${route.path} is unauthenticated by design: ${why}.`;
}

/**
 * Builds the dashboard page into the API function's asset (`dashboard.json`: the HTML and its script hashes), with
 * the same build the local runtime uses; exported so a test can run it.
 */
export function dashboardBuildCommands(outputDir: string): string[] {
  return [
    `cd "${REPO_ROOT}" && node --import tsx dashboard/build.ts --out "${join(outputDir, 'dashboard.json')}"`,
  ];
}
