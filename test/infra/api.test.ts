import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/handlers/routes.js';
import { createKairosApp, type KairosApp } from '../../lib/kairos-app.js';
import { type ApiMethod, apiMethods, resourcesOfType } from './support/template.js';

let kairos: KairosApp;
let template: Template;
let methods: ApiMethod[];
let functionId: string;

beforeAll(() => {
  kairos = createKairosApp({ context: { 'kairos:stage': 'test' } });
  template = Template.fromStack(kairos.stack);
  methods = apiMethods(template);
  functionId = kairos.stack.getLogicalId(kairos.stack.api.handler.node.defaultChild as CfnFunction);
});

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };
const actionsOf = (statement: Statement) => [statement.Action].flat();

describe('KairosApi REST API', () => {
  it('has exactly the (method, path) pairs of ROUTES, including the colon route /v1/jobs:batch', () => {
    const actual = methods.map((m) => `${m.method} ${m.path}`).sort();
    expect(actual).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(actual).toContain('POST /v1/jobs:batch');
  });

  it.each(ROUTES.map((r) => [r.method, r.path, r.role] as const))(
    '%s %s (role %s) has the right authorization, the proxy integration and the validator',
    (method, path, role) => {
      const found = methods.find((m) => m.method === method && m.path === path);
      expect(found?.properties).toMatchObject({
        AuthorizationType: role === 'public' ? 'NONE' : 'AWS_IAM',
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
        RequestValidatorId: { Ref: expect.stringMatching(/^ApiRestApiRequestValidator/) },
      });
      const params = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => `method.request.path.${name}`);
      expect(Object.keys((found?.properties.RequestParameters as object | undefined) ?? {})).toEqual(params);
    },
  );

  it('leaves only GET /v1/health and the dashboard page (GET /) unauthenticated', () => {
    const open = methods.filter((m) => m.properties.AuthorizationType !== 'AWS_IAM');
    expect(open.map((m) => `${m.method} ${m.path}`).sort()).toEqual(['GET /', 'GET /v1/health']);
  });

  it('deploys one stage named after the stage, traced, metered, throttled, with JSON access logs', () => {
    template.resourceCountIs('AWS::ApiGateway::Stage', 1);
    const [stage] = Object.values(resourcesOfType(template, 'AWS::ApiGateway::Stage'));
    expect(stage.Properties).toMatchObject({
      StageName: 'test',
      TracingEnabled: true,
      AccessLogSetting: {
        DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] },
      },
      MethodSettings: expect.arrayContaining([
        expect.objectContaining({
          HttpMethod: '*',
          ResourcePath: '/*',
          MetricsEnabled: true,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 1000,
          ThrottlingBurstLimit: 2000,
        }),
      ]),
    });
    const format = JSON.parse((stage.Properties!.AccessLogSetting as { Format: string }).Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
  });

  it('outputs the API URL under the stable key ApiUrl (and the alert topic and DAG role ARNs, from the stack)', () => {
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual([
      'AdminPolicyArn',
      'AdminRoleArn',
      'AlertTopicArn',
      'ApiUrl',
      'OperatorPolicyArn',
      'OperatorRoleArn',
      'ViewerPolicyArn',
      'ViewerRoleArn',
      'WorkflowRoleArn',
    ]);
  });
});

describe('KairosApi function', () => {
  it('runs Node.js 24 on arm64 with active tracing, its own log group and source maps', () => {
    const fn = template.toJSON().Resources[functionId];
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/^ApiHandlerLogGroup/) } },
      Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('gets the runtime, stage, table names and the cursor secret as a dynamic reference', () => {
    const variables = template.toJSON().Resources[functionId].Properties.Environment.Variables;
    expect(variables).toMatchObject({
      KAIROS_RUNTIME: 'aws',
      KAIROS_STAGE: 'test',
      KAIROS_JOBS_TABLE: { Ref: expect.stringMatching(/^TablesJobs/) },
      KAIROS_RUNS_TABLE: { Ref: expect.stringMatching(/^TablesRuns/) },
      KAIROS_SCHEDULE_TABLE: { Ref: expect.stringMatching(/^TablesSchedule/) },
      KAIROS_SCHEDULE_SHARDS: '16',
      KAIROS_RUN_RETENTION_DAYS: '30',
      KAIROS_LOG_LEVEL: 'INFO',
      KAIROS_VERSION: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(JSON.stringify(variables.KAIROS_CURSOR_SECRET)).toMatch(
      /^\{"Fn::Join":\["",\["\{\{resolve:secretsmanager:",\{"Ref":"ApiCursorSecret\w+"\},":SecretString:::\}\}"\]\]\}$/,
    );
  });

  it('may use only table items, the lanes, run artifacts, run stops, the key via services, its logs and X-Ray', () => {
    const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties?.Roles).includes('ApiHandlerRole'),
    );
    expect(policies).toHaveLength(1);
    const statements = (policies[0].Properties!.PolicyDocument as { Statement: Statement[] }).Statement;
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      const actions = actionsOf(statement);
      const services = new Set(actions.map((action) => action.split(':')[0]));
      expect(services.size).toBe(1);
      const [service] = services;
      const resources = JSON.stringify(statement.Resource);
      if (service === 'xray') expect(statement.Resource).toBe('*');
      else expect(resources).not.toMatch(/"\*"/);
      if (service === 'dynamodb')
        expect(resources).toMatch(/^(\[)?\{"Fn::GetAtt":\["Tables(Jobs|Runs|Schedule|Audit)/);
      if (service === 'kms') expect(resources).toMatch(/^\{"Fn::GetAtt":\["TablesKey\w+","Arn"\]\}$/);
      if (service === 'logs') expect(resources).toMatch(/ApiHandlerLogGroup/);
      // Manual runs and cancels are sent to the lanes; the logs route reads artifacts; cancel stops executions.
      if (service === 'sqs') expect(actions).toEqual(['sqs:SendMessage']);
      if (service === 's3') expect(resources).toMatch(/ArtifactsBucket/);
      if (service === 's3')
        expect(actions.filter((a) => a !== 's3:GetObject' && a !== 's3:ListBucket')).toEqual([]);
      // Cancel also stops DAG executions; DAG jobs deploy their stage's own state machines (workflows.test.ts).
      if (service === 'states' && !/:(stateMachine|execution):Kairos-test_\*/.test(resources))
        expect(actions).toEqual(['states:StopExecution']);
      if (service === 'states') expect(actions.filter((a) => a === 'states:StartExecution')).toEqual([]);
      // Cron jobs' schedules (alerting.test.ts checks their scope), alerts, and passing the schedules' role.
      if (service === 'scheduler') expect(resources).toMatch(/:schedule\/kairos-[a-z0-9-]+\/\*"/);
      if (service === 'sns') expect(actions).toEqual(['sns:Publish']);
      // The schedules' role to EventBridge Scheduler, the DAG state machines' role to Step Functions.
      if (service === 'iam')
        expect([
          { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
          { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } },
        ]).toContainEqual(statement.Condition);
      expect(['dynamodb', 'kms', 'logs', 'xray', 'sqs', 's3', 'states', 'scheduler', 'sns', 'iam']).toContain(
        service,
      );
      expect(actions.filter((a) => a.endsWith('*') || a === 'dynamodb:Scan')).toEqual([]);
    }
  });

  it('is bundled by esbuild as minified ESM with a require shim and a source map', () => {
    const assembly = kairos.app.synth();
    const code = template.toJSON().Resources[functionId].Properties.Code;
    const assetHash = String(code.S3Key).replace(/\.zip$/, '');
    const assetDir = join(assembly.directory, `asset.${assetHash}`);
    expect(existsSync(assetDir)).toBe(true);
    // dashboard.json: the page `GET /` serves, built into the asset by the bundling's afterBundling hook.
    expect(readdirSync(assetDir).sort()).toEqual(['dashboard.json', 'index.mjs', 'index.mjs.map']);
    const page = JSON.parse(readFileSync(join(assetDir, 'dashboard.json'), 'utf8'));
    expect(page.html).toContain('%KAIROS_BASE%');
    expect(page.html).toContain('%KAIROS_CONFIG%');
    expect(page.scriptHashes).toEqual([expect.stringMatching(/^'?sha256-[A-Za-z0-9+/]+=*'?$/)]);
    const bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(bundle.startsWith("import { createRequire as __kairosCreateRequire } from 'node:module';")).toBe(
      true,
    );
    expect(bundle).toMatch(/export\s*\{[^}]*\bas handler\b/);
  });
});
