import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasRole, ROLES, type Role } from '../../lambdas/core/roles.js';
import { arnMatches } from '../../lambdas/handlers/http/callers.js';
import { ROUTES } from '../../lambdas/handlers/routes.js';
import { createKairosApp, type KairosApp } from '../../lib/kairos-app.js';
import { type ApiMethod, apiMethods, type CfnResourceJson, resourcesOfType } from './support/template.js';

/** A CloudFormation value as one string: `Ref` → `${Id}`, `Fn::GetAtt` → `${Id.Attr}`, `Fn::Join` joined. */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if ('Ref' in node) return `\${${String(node.Ref)}}`;
  if (Array.isArray(node['Fn::GetAtt'])) return `\${${(node['Fn::GetAtt'] as string[]).join('.')}}`;
  if (Array.isArray(node['Fn::Join'])) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flat).join(delimiter);
  }
  if ('Fn::Sub' in node) return String(node['Fn::Sub']);
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

const TITLE: Record<Role, string> = { viewer: 'Viewer', operator: 'Operator', admin: 'Admin' };
const nonPublic = ROUTES.filter((route) => route.role !== 'public');
const isPublic = (m: ApiMethod) =>
  ROUTES.some((r) => r.role === 'public' && r.path === m.path && r.method === m.method);

interface Synth {
  readonly kairos: KairosApp;
  readonly template: Template;
  readonly resources: Record<string, CfnResourceJson>;
  readonly methods: ApiMethod[];
  readonly env: Record<string, unknown>;
}

function synth(context: Record<string, unknown>): Synth {
  const kairos = createKairosApp({ context: { 'kairos:stage': 'test', ...context } });
  // Dependency cycles are checked by the stack-wide tests; this file looks at the API only.
  const template = Template.fromStack(kairos.stack, { skipCyclicalDependenciesCheck: true });
  const resources = template.toJSON().Resources as Record<string, CfnResourceJson>;
  const fnId = kairos.stack.getLogicalId(kairos.stack.api.handler.node.defaultChild as never);
  const env = (resources[fnId].Properties as { Environment: { Variables: Record<string, unknown> } })
    .Environment.Variables;
  return { kairos, template, resources, methods: apiMethods(template), env };
}

describe('API auth, IAM mode (default)', () => {
  let s: Synth;
  let apiId: string;
  beforeAll(() => {
    s = synth({
      'kairos:iamPrincipals': { operator: [`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:user/ci`] },
    });
    apiId = s.kairos.stack.getLogicalId(s.kairos.stack.api.restApi.node.defaultChild as never);
  });

  it('puts SigV4 (AWS_IAM) on every method but the public ones (health, the dashboard page), and no authorizer resource', () => {
    for (const m of s.methods) {
      const expected = isPublic(m) ? 'NONE' : 'AWS_IAM';
      expect(m.properties.AuthorizationType, `${m.method} ${m.path}`).toBe(expected);
    }
    expect(s.methods.filter((m) => m.properties.AuthorizationType === 'NONE')).toHaveLength(
      ROUTES.filter((r) => r.role === 'public').length,
    );
    s.template.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
  });

  const policyOf = (role: Role) => {
    const found = Object.entries(resourcesOfType(s.template, 'AWS::IAM::ManagedPolicy')).filter(([id]) =>
      id.startsWith(`ApiAccess${TITLE[role]}Policy`),
    );
    expect(found).toHaveLength(1);
    return found[0];
  };
  const statementsOf = (role: Role) =>
    (policyOf(role)[1].Properties!.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
  const resourcesOf = (role: Role) => [statementsOf(role)[0].Resource].flat().map(flat);

  it.each(ROLES)(
    'the %s policy allows only execute-api:Invoke, on exactly the methods of its routes',
    (role) => {
      const statements = statementsOf(role);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatchObject({ Effect: 'Allow', Action: 'execute-api:Invoke' });
      const prefix = `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${apiId}}/test/`;
      const expected = nonPublic
        .filter((route) => hasRole(role, route.role as Role))
        .map((route) => `${prefix}${route.method}${route.path.replace(/\{\w+\}/g, '*')}`);
      expect(resourcesOf(role).sort()).toEqual(expected.sort());
      expect(flat(policyOf(role)[1].Properties!.ManagedPolicyName)).toBe(
        `Kairos${TITLE[role]}-test-\${AWS::Region}`,
      );
    },
  );

  it('scopes each policy so that its patterns allow a concrete request iff the role may call the route', () => {
    // Ids of every shape a path parameter takes, plus ones that look like other routes' segments.
    const ids = ['job_01J8ZK', 'r-0123', 'pause', 'runs', 'a:b', '..'];
    const api = 'arn:aws:execute-api:eu-west-1:123456789012:abc123';
    const concrete = (path: string, id: string) => path.replace(/\{\w+\}/g, id);
    for (const role of ROLES) {
      const patterns = resourcesOf(role).map((r) =>
        r.replace(
          /^arn:\$\{AWS::Partition\}:execute-api:\$\{AWS::Region\}:\$\{AWS::AccountId\}:\$\{\w+\}/,
          api,
        ),
      );
      for (const route of ROUTES) {
        for (const id of ids) {
          const arn = `${api}/test/${route.method}${concrete(route.path, id)}`;
          const allowed = patterns.some((pattern) => arnMatches(pattern, arn));
          const expected = route.role !== 'public' && hasRole(role, route.role);
          expect(allowed, `${role}: ${route.method} ${route.path} with ${id}`).toBe(expected);
        }
        // Another stage of the same API is never covered.
        expect(
          patterns.some((p) => arnMatches(p, `${api}/prod/${route.method}${concrete(route.path, 'x')}`)),
        ).toBe(false);
      }
    }
    expect(resourcesOf('viewer').every((r) => r.includes('/test/GET/'))).toBe(true);
    expect(resourcesOf('operator').some((r) => /\/(PATCH|DELETE)\/|\/POST\/v1\/jobs(:batch)?$/.test(r))).toBe(
      false,
    );
  });

  it('gives each policy one role that principals of the account may assume, with nothing else attached', () => {
    const roles = resourcesOfType(s.template, 'AWS::IAM::Role');
    for (const role of ROLES) {
      const [policyId] = policyOf(role);
      const found = Object.entries(roles).filter(([id]) => id.startsWith(`ApiAccess${TITLE[role]}Role`));
      expect(found).toHaveLength(1);
      const props = found[0][1].Properties!;
      expect(props.ManagedPolicyArns).toEqual([{ Ref: policyId }]);
      expect(props.Policies).toBeUndefined();
      expect(props.AssumeRolePolicyDocument).toMatchObject({
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: {
              AWS: {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root'],
                ],
              },
            },
          },
        ],
      });
    }
  });

  it('outputs each policy ARN (exported) and each role ARN', () => {
    const outputs = s.template.toJSON().Outputs as Record<
      string,
      { Value: unknown; Export?: { Name: string } }
    >;
    for (const role of ROLES) {
      const title = TITLE[role];
      expect(outputs[`${title}PolicyArn`]).toEqual(
        expect.objectContaining({
          Value: { Ref: policyOf(role)[0] },
          Export: { Name: `Kairos-test-${title}PolicyArn` },
        }),
      );
      expect(flat(outputs[`${title}RoleArn`].Value)).toMatch(
        new RegExp(`^\\$\\{ApiAccess${title}Role\\w+\\.Arn\\}$`),
      );
    }
  });

  it("tells the handler it is behind IAM and which caller ARNs carry each role: the roles' sessions and the configured principals", () => {
    expect(s.env.KAIROS_API_AUTH).toBe('iam');
    expect(s.env.KAIROS_DASHBOARD_CLIENT_ID).toBeUndefined(); // the page explains `kairos dashboard` instead
    const callers = JSON.parse(flat(s.env.KAIROS_IAM_CALLERS)) as Record<Role, string[]>;
    const session = (role: Role) =>
      expect.stringMatching(
        new RegExp(
          `^arn:\\$\\{AWS::Partition\\}:sts::\\$\\{AWS::AccountId\\}:assumed-role/\\$\\{ApiAccess${TITLE[role]}Role\\w+\\}/\\*$`,
        ),
      );
    expect(callers).toEqual({
      viewer: [session('viewer')],
      // `${AWS::…}` placeholders of kairos:iamPrincipals go through Fn::Sub.
      operator: [session('operator'), `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:user/ci`],
      admin: [session('admin')],
    });
    expect(JSON.stringify(s.env.KAIROS_IAM_CALLERS)).toContain('Fn::Sub');
  });

  it('throttles the stage and POST /v1/jobs:batch, with no usage plan (IAM callers carry no API key)', () => {
    const [stage] = Object.values(resourcesOfType(s.template, 'AWS::ApiGateway::Stage'));
    expect(stage.Properties!.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ResourcePath: '/*',
          ThrottlingRateLimit: 1000,
          ThrottlingBurstLimit: 2000,
        }),
        expect.objectContaining({
          HttpMethod: 'POST',
          ResourcePath: '/~1v1~1jobs:batch',
          ThrottlingRateLimit: 10,
          ThrottlingBurstLimit: 20,
          MetricsEnabled: true,
          LoggingLevel: 'ERROR',
        }),
      ]),
    );
    s.template.resourceCountIs('AWS::ApiGateway::UsagePlan', 0);
    s.template.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    const format = JSON.parse((stage.Properties!.AccessLogSetting as { Format: string }).Format);
    expect(format).toMatchObject({
      caller: '$context.identity.caller',
      userArn: '$context.identity.userArn',
      cognitoSub: '$context.authorizer.claims.sub',
    });
  });

  it('answers its own refusals as problem+json, with 401 for missing, invalid or expired credentials', () => {
    const responses = Object.values(resourcesOfType(s.template, 'AWS::ApiGateway::GatewayResponse')).map(
      (r) => r.Properties as Record<string, unknown>,
    );
    const byType = Object.fromEntries(responses.map((r) => [r.ResponseType, r]));
    const expected: Record<string, string> = {
      MISSING_AUTHENTICATION_TOKEN: '401',
      UNAUTHORIZED: '401',
      INVALID_SIGNATURE: '401',
      EXPIRED_TOKEN: '401',
      ACCESS_DENIED: '403',
      BAD_REQUEST_BODY: '400',
      BAD_REQUEST_PARAMETERS: '400',
      REQUEST_TOO_LARGE: '413',
      THROTTLED: '429',
    };
    for (const [type, status] of Object.entries(expected)) {
      const response = byType[type] as Record<string, any>;
      expect(response, type).toMatchObject({
        StatusCode: status,
        ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
      });
      const template = response.ResponseTemplates['application/json'] as string;
      // The template is JSON once API Gateway substitutes its (quoted) message.
      const body = JSON.parse(template.replace('$context.error.messageString', '"message"'));
      expect(body).toMatchObject({
        type: expect.stringMatching(/^urn:kairos:problem:/),
        status: Number(status),
      });
    }
  });
});

describe('API auth, Cognito mode (kairos:cognito=true)', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({ 'kairos:cognito': 'true' });
  });

  it('puts the one user pool authorizer on every method but the public ones', () => {
    const authorizers = Object.entries(resourcesOfType(s.template, 'AWS::ApiGateway::Authorizer'));
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0];
    expect(authorizer.Properties).toMatchObject({
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::GetAtt': [expect.stringMatching(/^ApiUsersUserPool/), 'Arn'] }],
    });
    for (const m of s.methods) {
      if (isPublic(m)) {
        expect(m.properties.AuthorizationType).toBe('NONE');
        continue;
      }
      expect(m.properties, `${m.method} ${m.path}`).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizerId: { Ref: authorizerId },
      });
    }
    expect(s.methods).toHaveLength(ROUTES.length);
  });

  it('has a user pool with admin-created users, TOTP MFA and a strong password policy, and the three groups', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: 'kairos-test',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
    const groups = Object.values(resourcesOfType(s.template, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties!.GroupName,
    );
    expect(groups.sort()).toEqual(['admin', 'operator', 'viewer']);
    const clients = Object.entries(resourcesOfType(s.template, 'AWS::Cognito::UserPoolClient'));
    const flows = Object.fromEntries(
      clients.map(([id, c]) => [id.replace(/[0-9A-F]{8}$/, ''), c.Properties?.ExplicitAuthFlows]),
    );
    // The CLI's client signs in with SRP; the dashboard's with a password over TLS (ADR 0016). Both: no secret.
    expect(flows).toEqual({
      ApiUsersUserPoolClient: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      ApiUsersUserPoolDashboardClient: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    for (const [, client] of clients) expect(client.Properties?.GenerateSecret).toBe(false);
  });

  it("gives the handler the dashboard client's id, so the page can sign users in", () => {
    const [dashboardClientId] = Object.keys(
      resourcesOfType(s.template, 'AWS::Cognito::UserPoolClient'),
    ).filter((id) => id.startsWith('ApiUsersUserPoolDashboardClient'));
    expect(s.env.KAIROS_DASHBOARD_CLIENT_ID).toEqual({ Ref: dashboardClientId });
  });

  it('tells the handler to read Cognito groups, and creates no IAM role policies', () => {
    expect(s.env.KAIROS_API_AUTH).toBe('cognito');
    expect(s.env.KAIROS_IAM_CALLERS).toBeUndefined();
    s.template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    const outputs = Object.keys(s.template.toJSON().Outputs);
    expect(outputs).toEqual(expect.arrayContaining(['UserPoolId', 'UserPoolClientId']));
    expect(outputs.filter((o) => /PolicyArn|^(Viewer|Operator|Admin)RoleArn/.test(o))).toEqual([]);
  });

  it('passes cdk-nag AwsSolutions with the pool acknowledged only for the Plus feature plan', () => {
    const report = new AwsSolutionsChecks().validateScope(s.kairos.app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    expect(
      s.kairos.stack.api.users?.userPool.node.metadata.flatMap((m) => Object.keys(m.data ?? {})),
    ).toEqual([expect.stringMatching(/AwsSolutions-COG8$/)]);
  });
});
