import { Aws, CfnOutput, Fn, Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { hasRole, ROLES, type Role } from '../../lambdas/core/roles.js';
import type { RouteDefinition } from '../../lambdas/handlers/routes.js';
import type { IamPrincipals } from '../config.js';
import { nagResourceText } from './nag-wildcards.js';

/** Properties of {@link KairosApiAccess}. */
export interface KairosApiAccessProps {
  /** Stage name: part of every method ARN and of the policy names. */
  readonly stage: string;
  /** The REST API whose methods the policies allow. */
  readonly restApi: apigw.IRestApi;
  /** The routes, each with the least role allowed (`public` routes need no policy). */
  readonly routes: readonly RouteDefinition[];
}

/** `Viewer`, `Operator`, `Admin`: construct ids and policy name parts. */
const TITLE: Readonly<Record<Role, string>> = { viewer: 'Viewer', operator: 'Operator', admin: 'Admin' };

/** The execute-api resource path of a route: path parameters become `*` (`/v1/jobs/{jobId}` → `/v1/jobs/*`). */
export function executeApiPath(route: RouteDefinition): string {
  return route.path.replace(/\{\w+\}/g, '*');
}

/**
 * IAM access to the API (ADR 0014): one customer-managed policy per role (`KairosViewer-<stage>-<region>`, …) that
 * allows `execute-api:Invoke` on exactly the methods of the routes that role may call, and one role per policy that
 * principals of the account may assume. The API handler maps sessions of these roles to their Kairos role.
 */
export class KairosApiAccess extends Construct {
  /** The managed policy of each role. */
  public readonly policies: Readonly<Record<Role, iam.ManagedPolicy>>;
  /** The assumable role of each role, with its policy attached. */
  public readonly roles: Readonly<Record<Role, iam.Role>>;

  constructor(scope: Construct, id: string, props: KairosApiAccessProps) {
    super(scope, id);
    const policies = {} as Record<Role, iam.ManagedPolicy>;
    const roles = {} as Record<Role, iam.Role>;
    for (const role of ROLES) {
      const title = TITLE[role];
      const routes = props.routes.filter((route) => route.role !== 'public' && hasRole(role, route.role));
      const resources = routes.map((route) =>
        props.restApi.arnForExecuteApi(route.method, executeApiPath(route), props.stage),
      );
      const policy = new iam.ManagedPolicy(this, `${title}Policy`, {
        managedPolicyName: `Kairos${title}-${props.stage}-${Aws.REGION}`,
        description: `Kairos ${props.stage}: call the API methods of the ${role} role`,
        statements: [new iam.PolicyStatement({ actions: ['execute-api:Invoke'], resources })],
      });
      acknowledgePathParameters(policy, resources, role);
      policies[role] = policy;
      roles[role] = new iam.Role(this, `${title}Role`, {
        assumedBy: new iam.AccountRootPrincipal(),
        managedPolicies: [policy],
        description: `Kairos ${props.stage} ${role}: assume it to call the API as a ${role}`,
      });
      new CfnOutput(this, `${title}PolicyArn`, {
        value: policy.managedPolicyArn,
        description: `Managed policy allowing the Kairos API methods of the ${role} role`,
        exportName: `Kairos-${props.stage}-${title}PolicyArn`,
      }).overrideLogicalId(`${title}PolicyArn`);
      new CfnOutput(this, `${title}RoleArn`, {
        value: roles[role].roleArn,
        description: `Role to assume to call the Kairos API as a ${role}`,
      }).overrideLogicalId(`${title}RoleArn`);
    }
    this.policies = policies;
    this.roles = roles;
  }

  /** Lets `grantee` assume the role of `role`. */
  grantAssume(role: Role, grantee: iam.IPrincipal): iam.Grant {
    return this.roles[role].grantAssumeRole(grantee);
  }

  /**
   * Caller ARN patterns per role for the API handler (`KAIROS_IAM_CALLERS`): every session of each of the stack's
   * roles, plus the configured principals (with `${AWS::…}` placeholders substituted).
   */
  callerPatternsJson(extra: IamPrincipals): string {
    const patterns = Object.fromEntries(
      ROLES.map((role) => [
        role,
        [
          `arn:${Aws.PARTITION}:sts::${Aws.ACCOUNT_ID}:assumed-role/${this.roles[role].roleName}/*`,
          ...(extra[role] ?? []).map((pattern) => (pattern.includes('${') ? Fn.sub(pattern) : pattern)),
        ],
      ]),
    );
    return Stack.of(this).toJsonString(patterns);
  }
}

/** Acknowledges AwsSolutions-IAM5 on `policy` for each method ARN with a `*`: one per route with a path parameter. */
function acknowledgePathParameters(
  policy: iam.ManagedPolicy,
  resources: readonly string[],
  role: Role,
): void {
  const stack = Stack.of(policy);
  const ids = resources
    .map((resource) => nagResourceText(stack.resolve(resource)))
    .filter((text) => text.includes('*'))
    .map((text) => `AwsSolutions-IAM5[Resource::${text}]`);
  const reason =
    'A path parameter (job, run or backfill id) is a * in an execute-api ARN, the only way to name every id of ' +
    `one route; each pattern keeps its stage, method and fixed path segments (routes of the ${role} role).`;
  if (ids.length > 0) Validations.of(policy).acknowledge(...ids.map((id) => ({ id, reason })));
}
