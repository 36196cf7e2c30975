import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TARGET_ARNS, readConfig } from '../../lib/config.js';
import { createKairosApp } from '../../lib/kairos-app.js';

const TARGETS = [
  'arn:aws:lambda:eu-west-1:123456789012:function:reports-*',
  'arn:aws:lambda:eu-west-1:123456789012:function:billing:live',
  `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:etl-*`,
  'arn:aws:ecs:*:123456789012:task-definition/batch-*',
  'arn:aws:ecs:eu-west-1:123456789012:task-definition/app:7',
];

/** IAM callers of every accepted form: a user (with a path), a role session pattern, a federated user. */
const CALLERS = {
  viewer: ['arn:aws:iam::123456789012:user/auditors/*', 'arn:aws:sts::123456789012:federated-user/dashboard'],
  operator: [`arn:\${AWS::Partition}:sts::\${AWS::AccountId}:assumed-role/ci-deployer/*`],
  admin: ['arn:aws:iam::123456789012:user/alice'],
};

const configFrom = (context: Record<string, unknown>) => readConfig(new App({ context }).node);

describe('readConfig', () => {
  it('falls back to the defaults when no context is set', () => {
    expect(configFrom({})).toEqual({
      stage: 'dev',
      scheduleShards: 16,
      runRetentionDays: 30,
      removalPolicy: 'retain',
      logLevel: 'INFO',
      allowedTargetArns: DEFAULT_TARGET_ARNS,
      httpAllowList: [],
      fargate: undefined,
      alertEmail: undefined,
      cognito: false,
      iamPrincipals: {},
    });
  });

  it('allows by default only same-account, same-region targets named kairos-*, as Fn::Sub patterns', () => {
    expect(DEFAULT_TARGET_ARNS).toEqual([
      `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:kairos-*`,
      `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:kairos-*`,
      `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task-definition/kairos-*`,
    ]);
  });

  it('reads every kairos:* context value', () => {
    const config = configFrom({
      'kairos:stage': 'prod-eu1',
      'kairos:scheduleShards': 64,
      'kairos:runRetentionDays': 3650,
      'kairos:removalPolicy': 'destroy',
      'kairos:logLevel': 'DEBUG',
      'kairos:allowedTargetArns': TARGETS,
      'kairos:httpAllowList': ['10.0.0.0/8', 'fd00::/8', '192.168.1.20', 'hooks.internal', '*.corp.example'],
      'kairos:fargate': { cluster: 'jobs', subnets: ['subnet-0123456789abcdef0'] },
      'kairos:alertEmail': 'oncall@example.com',
      'kairos:cognito': true,
      'kairos:iamPrincipals': CALLERS,
    });
    expect(config).toEqual({
      stage: 'prod-eu1',
      scheduleShards: 64,
      runRetentionDays: 3650,
      removalPolicy: 'destroy',
      logLevel: 'DEBUG',
      allowedTargetArns: TARGETS,
      httpAllowList: ['10.0.0.0/8', 'fd00::/8', '192.168.1.20', 'hooks.internal', '*.corp.example'],
      fargate: {
        cluster: 'jobs',
        subnets: ['subnet-0123456789abcdef0'],
        securityGroups: [],
        assignPublicIp: false,
        taskRoleArns: [`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/kairos-*`],
      },
      alertEmail: 'oncall@example.com',
      cognito: true,
      iamPrincipals: CALLERS,
    });
  });

  it('reads the Cognito switch and the IAM principals as `-c key=value` strings', () => {
    expect(configFrom({ 'kairos:cognito': 'true' }).cognito).toBe(true);
    expect(configFrom({ 'kairos:cognito': 'false' }).cognito).toBe(false);
    expect(configFrom({ 'kairos:iamPrincipals': JSON.stringify(CALLERS) }).iamPrincipals).toEqual(CALLERS);
  });

  it('reads the alerts e-mail address trimmed, as `-c kairos:alertEmail=…` passes it', () => {
    expect(configFrom({ 'kairos:alertEmail': ' ops+kairos@corp.example.com ' }).alertEmail).toBe(
      'ops+kairos@corp.example.com',
    );
  });

  it('reads lists and the Fargate object given as `-c key=value` strings (JSON or comma-separated)', () => {
    const fargate = {
      cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/jobs',
      subnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      securityGroups: ['sg-0123456789abcdef0'],
      assignPublicIp: true,
      taskRoleArns: ['arn:aws:iam::123456789012:role/jobs/*'],
    };
    const config = configFrom({
      'kairos:allowedTargetArns': JSON.stringify(TARGETS),
      'kairos:httpAllowList': ' 10.1.0.0/16, api.internal ',
      'kairos:fargate': JSON.stringify(fargate),
    });
    expect(config.allowedTargetArns).toEqual(TARGETS);
    expect(config.httpAllowList).toEqual(['10.1.0.0/16', 'api.internal']);
    expect(config.fargate).toEqual(fargate);
    expect(configFrom({ 'kairos:httpAllowList': '' }).httpAllowList).toEqual([]);
  });

  it('accepts whole numbers given as strings, as `cdk -c key=value` passes them', () => {
    const config = configFrom({ 'kairos:scheduleShards': '32', 'kairos:runRetentionDays': '1' });
    expect(config.scheduleShards).toBe(32);
    expect(config.runRetentionDays).toBe(1);
  });

  it.each([
    ['kairos:stage', 'Prod', /a-z0-9-/],
    ['kairos:stage', '1dev', /starting with a letter/],
    ['kairos:stage', 'a-stage-name-longer-than-16', /1-16 chars/],
    ['kairos:stage', 42, /lower-case name/],
    ['kairos:scheduleShards', 8, /integer ≥ 16/],
    ['kairos:scheduleShards', '8', /integer ≥ 16/],
    ['kairos:scheduleShards', 16.5, /integer ≥ 16/],
    ['kairos:scheduleShards', 'many', /integer ≥ 16/],
    ['kairos:runRetentionDays', 0, /integer from 1 to 3650/],
    ['kairos:runRetentionDays', 3651, /integer from 1 to 3650/],
    ['kairos:removalPolicy', 'delete', /"retain" or "destroy"/],
    ['kairos:logLevel', 'verbose', /"DEBUG", "INFO", "WARN" or "ERROR"/],
    ['kairos:allowedTargetArns', '*', /ARN patterns/],
    [
      'kairos:allowedTargetArns',
      ['arn:aws:s3:::bucket/*'],
      /0: not a function, state machine or task definition pattern/,
    ],
    ['kairos:allowedTargetArns', ['arn:aws:lambda:eu-west-1:123456789012:layer:x'], /ARN patterns/],
    ['kairos:allowedTargetArns', ['arn:aws:ecs:eu-west-1:123456789012:task-definition/app'], /revision/],
    ['kairos:allowedTargetArns', '["arn:aws:lambda:', /not valid JSON/],
    ['kairos:httpAllowList', ['10.0.0.0/8', 'http://x'], /1: not a CIDR, IP address, hostname or \*\.domain/],
    ['kairos:httpAllowList', 'a b', /CIDRs/],
    ['kairos:fargate', { cluster: 'jobs', subnets: [] }, /subnets: Too small/],
    ['kairos:fargate', { cluster: 'jobs', subnets: ['subnet-1'] }, /subnets.0: not a subnet id/],
    ['kairos:fargate', { cluster: 'jobs', subnets: ['subnet-0123456789abcdef0'], vpc: 'x' }, /vpc/],
    ['kairos:fargate', { subnets: ['subnet-0123456789abcdef0'] }, /cluster/],
    ['kairos:fargate', 'jobs', /"cluster": <name or ARN>/],
    ['kairos:alertEmail', 'oncall', /an e-mail address/],
    ['kairos:alertEmail', 'oncall@', /an e-mail address/],
    ['kairos:alertEmail', 'a b@example.com', /an e-mail address/],
    ['kairos:alertEmail', ['oncall@example.com'], /an e-mail address/],
    ['kairos:alertEmail', `${'x'.repeat(250)}@example.com`, /at most 254 characters/],
    ['kairos:cognito', 'yes', /true \(Cognito user pool authorizer\) or false/],
    ['kairos:cognito', 1, /true \(Cognito user pool authorizer\) or false/],
    ['kairos:iamPrincipals', { owner: ['arn:aws:iam::123456789012:user/a'] }, /owner/],
    ['kairos:iamPrincipals', { admin: 'arn:aws:iam::123456789012:user/a' }, /admin: Invalid input/],
    [
      'kairos:iamPrincipals',
      { admin: ['arn:aws:iam::123456789012:role/admins'] },
      /admin.0: not an IAM user, role session or federated user ARN/,
    ],
    ['kairos:iamPrincipals', { admin: ['arn:aws:iam::*:user/alice'] }, /role session/],
    ['kairos:iamPrincipals', { viewer: ['*'] }, /role session/],
    ['kairos:iamPrincipals', '["x"]', /"viewer"\?: \[\.\.\.\]/],
  ])('rejects %s = %j, naming the key and the allowed values', (key, value, allowed) => {
    const read = () => configFrom({ [key]: value });
    expect(read).toThrow(`Invalid CDK context value for '${key}': got ${JSON.stringify(value)}`);
    expect(read).toThrow(allowed);
  });

  it('makes the app fail before building anything when a value is bad', () => {
    expect(() => createKairosApp({ context: { 'kairos:scheduleShards': 4 } })).toThrow(
      /kairos:scheduleShards/,
    );
  });
});
