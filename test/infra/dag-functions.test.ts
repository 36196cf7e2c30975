import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_ID_PREFIX } from '../../lib/constructs/completion.js';
import { HTTP_TASK_TIMEOUT, LATCH_TIMEOUT, TASK_TOKEN_ACTIONS } from '../../lib/constructs/dag-functions.js';
import { createKairosApp, type KairosApp } from '../../lib/kairos-app.js';
import { actionsOf, FUNCTIONS, type Statement, statementsOf } from './support/iam.js';
import { type CfnResourceJson, resourcesOfType } from './support/template.js';

/** X-Ray write actions every KairosFunction role gets with active tracing (kairos-function.ts). */
const XRAY = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

/** Bundling is skipped: IAM does not depend on the function code (api.test.ts checks the bundle). */
const build = (context: Record<string, unknown>) =>
  createKairosApp({ context: { 'kairos:stage': 'test', 'aws:cdk:bundling-stacks': [], ...context } });

function resourceOf(template: Template, type: string, prefix: string): [string, CfnResourceJson] {
  const entries = Object.entries(resourcesOfType(template, type)).filter(([id]) => id.startsWith(prefix));
  expect(entries.map(([id]) => id)).toHaveLength(1);
  return entries[0] as [string, CfnResourceJson];
}

function variablesOf(resource: CfnResourceJson): Record<string, unknown> {
  const environment = resource.Properties?.Environment as { Variables: Record<string, unknown> } | undefined;
  if (environment === undefined) throw new Error(`${resource.Type} has no environment`);
  return environment.Variables;
}

/** The statements that are not the function's own logs and X-Ray. */
const besidesLogsAndTracing = (statements: Statement[]) =>
  statements.filter((s) => !actionsOf(s).every((a) => a.startsWith('logs:') || XRAY.includes(a)));

describe('KairosDagFunctions', () => {
  let kairos: KairosApp;
  let template: Template;
  let latchId: string;
  let httpId: string;
  let runsId: string;
  let runObjects: unknown;
  beforeAll(() => {
    kairos = build({ 'kairos:allowedTargetArns': FUNCTIONS, 'kairos:httpAllowList': ['10.1.0.0/16'] });
    template = Template.fromStack(kairos.stack);
    latchId = resourceOf(template, 'AWS::Lambda::Function', 'DagFunctionsLatch')[0];
    httpId = resourceOf(template, 'AWS::Lambda::Function', 'DagFunctionsHttpTask')[0];
    runsId = resourceOf(template, 'AWS::DynamoDB::Table', 'TablesRuns')[0];
    const bucketId = resourceOf(template, 'AWS::S3::Bucket', 'ArtifactsBucket')[0];
    runObjects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/runs/*']] };
  });

  it('sizes the latch at 256 MB / 10 s and the http task at 512 MB / 15 min (bounded by the task timeout)', () => {
    const [, latch] = resourceOf(template, 'AWS::Lambda::Function', 'DagFunctionsLatch');
    const [, http] = resourceOf(template, 'AWS::Lambda::Function', 'DagFunctionsHttpTask');
    expect(latch.Properties).toMatchObject({ MemorySize: 256, Timeout: LATCH_TIMEOUT.toSeconds() });
    expect(http.Properties).toMatchObject({ MemorySize: 512, Timeout: HTTP_TASK_TIMEOUT.toSeconds() });
    expect(HTTP_TASK_TIMEOUT.toSeconds()).toBe(900);
  });

  it('lets the latch update run items of the Runs table and send task success, nothing else', () => {
    const statements = besidesLogsAndTracing(statementsOf(template, 'DagFunctionsLatchRole'));
    const data = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(data).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: { 'Fn::GetAtt': [runsId, 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${RUN_ID_PREFIX}*`] } },
      },
    ]);
    const tokens = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('states:')));
    expect(tokens).toEqual([{ Effect: 'Allow', Action: TASK_TOKEN_ACTIONS[0], Resource: '*' }]);
    // Large task outputs: put only, under runs/ of the artifacts bucket.
    const objects = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    expect(objects).toEqual([{ Effect: 'Allow', Action: 's3:PutObject', Resource: runObjects }]);
    // The table's and the bucket's key, only through their services; nothing else.
    const others = statements.filter((s) => !data.includes(s) && !tokens.includes(s) && !objects.includes(s));
    expect(others.flatMap(actionsOf).every((a) => a.startsWith('kms:'))).toBe(true);
    for (const s of others) expect(s.Condition?.StringEquals?.['kms:ViaService']).toBeDefined();
  });

  it('lets the http task function read and write task logs under runs/, nothing else', () => {
    const statements = besidesLogsAndTracing(statementsOf(template, 'DagFunctionsHttpTaskRole'));
    const objects = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    const objectActions = objects.filter(
      (s) => s.Resource && JSON.stringify(s.Resource) === JSON.stringify(runObjects),
    );
    expect(objectActions.flatMap(actionsOf).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    // Listing (so a missing log reads as absent) is limited to the runs/ prefix.
    for (const s of objects.filter((o) => !objectActions.includes(o))) {
      expect(actionsOf(s)).toEqual(['s3:ListBucket']);
      expect(JSON.stringify(s.Condition)).toContain('runs/');
    }
    const others = statements.filter((s) => !objects.includes(s));
    expect(others.flatMap(actionsOf).every((a) => a.startsWith('kms:'))).toBe(true);
  });

  it('lets the workflow role invoke exactly the configured targets and the two functions', () => {
    const invoke = statementsOf(template, 'WorkflowsRole').filter((s) =>
      actionsOf(s).includes('lambda:InvokeFunction'),
    );
    expect(invoke).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FUNCTIONS },
      // No `<arn>:*`: the definitions name the functions themselves.
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [latchId, 'Arn'] } },
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [httpId, 'Arn'] } },
    ]);
  });

  it('gives the functions what they read, and the API and dispatcher the functions ARNs', () => {
    const [, latch] = resourceOf(template, 'AWS::Lambda::Function', 'DagFunctionsLatch');
    const [, http] = resourceOf(template, 'AWS::Lambda::Function', 'DagFunctionsHttpTask');
    expect(variablesOf(latch)).toMatchObject({ KAIROS_RUNS_TABLE: { Ref: runsId }, KAIROS_STAGE: 'test' });
    expect(variablesOf(latch).KAIROS_ARTIFACTS_BUCKET).toEqual(variablesOf(http).KAIROS_ARTIFACTS_BUCKET);
    expect(variablesOf(http).KAIROS_ARTIFACTS_BUCKET).toMatchObject({
      Ref: expect.stringMatching(/^ArtifactsBucket/),
    });
    expect(variablesOf(http)).toMatchObject({ KAIROS_HTTP_ALLOW: '10.1.0.0/16', KAIROS_STAGE: 'test' });
    expect(Object.keys(variablesOf(http)).filter((k) => k.endsWith('_TABLE'))).toEqual([]);
    for (const fn of ['ApiHandler', 'DispatcherHandler']) {
      const [, resource] = resourceOf(template, 'AWS::Lambda::Function', fn);
      expect(variablesOf(resource)).toMatchObject({
        KAIROS_LATCH_FUNCTION_ARN: { 'Fn::GetAtt': [latchId, 'Arn'] },
        KAIROS_HTTP_FUNCTION_ARN: { 'Fn::GetAtt': [httpId, 'Arn'] },
      });
    }
  });

  it('passes cdk-nag with no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks().validateScope(kairos.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
