import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKairosApp, type KairosApp } from '../../lib/kairos-app.js';

/** `(construct path, rule id, reason)` of every acknowledgement in the app. */
function acknowledgements(kairos: KairosApp): { path: string; rule: string; reason: string }[] {
  return kairos.app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([rule, reason]) => ({
          path: construct.node.path,
          rule: rule.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  let kairos: KairosApp;
  beforeAll(() => {
    kairos = createKairosApp();
  });

  it('synthesizes the app with the checks registered (an unacknowledged error would fail synthesis)', () => {
    expect(() => kairos.app.synth()).not.toThrow();
  });

  it('reports no unacknowledged error or warning', () => {
    const report = new AwsSolutionsChecks().validateScope(kairos.app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('leaves no warning or error annotation on the stack (cdk-nag 3 reports through validation, CDK through these)', () => {
    const annotations = Annotations.fromStack(kairos.stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledges only these findings, each on its narrowest construct with a specific reason', () => {
    const acks = acknowledgements(kairos);
    for (const ack of acks) expect(ack.reason.length, `${ack.rule} at ${ack.path}`).toBeGreaterThan(40);
    expect(acks.map((a) => `${a.path} ${a.rule}`).sort()).toEqual(
      [
        'Kairos-dev/Api/CursorSecret AwsSolutions-SMG4',
        'Kairos-dev/Api/HandlerRole AwsSolutions-IAM5[Resource::*]',
        'Kairos-dev/Api/RestApi AwsSolutions-APIG3',
        'Kairos-dev/Api/RestApi AwsSolutions-COG4',
        'Kairos-dev/Api/RestApi/CloudWatchRole AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'Kairos-dev/Api/RestApi/Default/v1/health/GET AwsSolutions-APIG4',
        'Kairos-dev/Api/RestApi/Default/v1/health/GET AwsSolutions-COG4',
      ].sort(),
    );
  });

  it('is not vacuous: the same checks flag a non-compliant resource', () => {
    const probe = new Stack(new App(), 'NagProbe');
    new sns.Topic(probe, 'PlainTopic');
    const report = new AwsSolutionsChecks().validateScope(probe);
    expect(report.violations.map((v) => v.ruleName)).toContain('AwsSolutions-SNS3');
  });
});
