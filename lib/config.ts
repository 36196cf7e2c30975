import type { Node } from 'constructs';
import { z } from 'zod';
import {
  ALERT_EMAIL_SCHEMA,
  FARGATE_SCHEMA,
  HTTP_ALLOW_ENTRY,
  IAM_PRINCIPALS_SCHEMA,
  listOf,
  SWITCH_SCHEMA,
  TARGET_ARN,
} from './config-schemas.js';

/** The deployment settings of one Kairos stage, read from CDK context (`cdk.json` or `-c key=value`). */
export interface KairosConfig {
  /** Stage name: prefix of the stack id (`Kairos-<stage>`) and the API stage. @default 'dev' */
  readonly stage: string;
  /** Shards per Schedule time bucket (≥ 16 keeps one minute's timers under 1,000 WCU per partition). @default 16 */
  readonly scheduleShards: number;
  /** Days a finished run stays in the Runs table before DynamoDB TTL removes it. @default 30 */
  readonly runRetentionDays: number;
  /** What happens to stateful resources when the stack is deleted. @default 'retain' */
  readonly removalPolicy: 'retain' | 'destroy';
  /** Minimum level the Lambda functions log at. @default 'INFO' */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * ARN patterns (IAM `*` wildcards) of the Lambda functions, state machines and ECS task definitions (with a
   * revision or a trailing `*`) that jobs may target; the dispatcher's role allows exactly these. `${AWS::Partition}`,
   * `${AWS::Region}` and `${AWS::AccountId}` stand for the stack's own (CloudFormation `Fn::Sub`).
   * @default - same account and region, names starting with `kairos-` (see {@link DEFAULT_TARGET_ARNS})
   */
  readonly allowedTargetArns: readonly string[];
  /**
   * CIDRs, IP addresses, hostnames and `*.domain` suffixes that `http` targets may reach although they resolve to
   * private, loopback or link-local addresses (`KAIROS_HTTP_ALLOW`).
   * @default [] - nothing private is reachable
   */
  readonly httpAllowList: readonly string[];
  /** Where `fargate` targets run. @default - absent: no ECS permissions, `fargate` targets fail to start */
  readonly fargate: FargateConfig | undefined;
  /** E-mail address subscribed to the stage's alerts topic (SLA misses). @default - none: no subscription */
  readonly alertEmail: string | undefined;
  /**
   * Whether the API authenticates users of a Cognito user pool (groups viewer, operator, admin) instead of IAM
   * (SigV4) callers (ADR 0014).
   * @default false - IAM: the managed policies KairosViewer/Operator/Admin and a role for each
   */
  readonly cognito: boolean;
  /**
   * IAM callers that get a role without assuming one of the stack's roles: ARN patterns (`*` wildcards) of users
   * (`arn:aws:iam::<account>:user/<name>`) and role sessions (`arn:aws:sts::<account>:assumed-role/<role>/<session>`),
   * per role. They also need the matching managed policy attached (ADR 0014).
   * @default {} - only sessions of the stack's three roles have a role
   */
  readonly iamPrincipals: IamPrincipals;
}

/** IAM caller ARN patterns per role (context `kairos:iamPrincipals`). */
export type IamPrincipals = Readonly<Partial<Record<'viewer' | 'operator' | 'admin', readonly string[]>>>;

/** The ECS cluster and network of `fargate` targets (context `kairos:fargate`). */
export interface FargateConfig {
  /** Cluster name (in the stack's account and region) or ARN. */
  readonly cluster: string;
  /** Subnets of the tasks' network interfaces (at least one). */
  readonly subnets: readonly string[];
  /** Security groups of the tasks. @default [] - the VPC's default group */
  readonly securityGroups: readonly string[];
  /** Whether tasks get a public IP (public subnets without a NAT gateway need one). @default false */
  readonly assignPublicIp: boolean;
  /**
   * ARN patterns of the task and execution roles the task definitions use: the only roles the dispatcher may
   * pass, and only to `ecs-tasks.amazonaws.com`.
   * @default - same-account roles whose names start with `kairos-`
   */
  readonly taskRoleArns: readonly string[];
}

/** Same-account, same-region targets named `kairos-*` (case-sensitive: Kairos' own `Kairos-<stage>-…` never match). */
export const DEFAULT_TARGET_ARNS: readonly string[] = [
  `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:kairos-*`,
  `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:kairos-*`,
  `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:task-definition/kairos-*`,
];

/** `-c key=42` arrives as the string "42"; accept whole-number strings as numbers, reject anything else. */
const integer = (min: number, max?: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    max === undefined ? z.number().int().min(min) : z.number().int().min(min).max(max),
  );

interface Setting<T> {
  readonly schema: z.ZodType<T>;
  readonly fallback: T;
  /** Human-readable allowed values, quoted in the error message. */
  readonly allowed: string;
}

const SETTINGS: { readonly [K in keyof KairosConfig]: Setting<KairosConfig[K]> } = {
  stage: {
    schema: z.string().regex(/^[a-z][a-z0-9-]{0,15}$/),
    fallback: 'dev',
    allowed:
      'a lower-case name matching /^[a-z][a-z0-9-]{0,15}$/ (1-16 chars: a-z, 0-9, "-", starting with a letter)',
  },
  scheduleShards: { schema: integer(16), fallback: 16, allowed: 'an integer ≥ 16' },
  runRetentionDays: { schema: integer(1, 3650), fallback: 30, allowed: 'an integer from 1 to 3650' },
  removalPolicy: {
    schema: z.enum(['retain', 'destroy']),
    fallback: 'retain',
    allowed: '"retain" or "destroy"',
  },
  logLevel: {
    schema: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    fallback: 'INFO',
    allowed: '"DEBUG", "INFO", "WARN" or "ERROR"',
  },
  allowedTargetArns: {
    schema: listOf(
      z.string().max(2048).regex(TARGET_ARN, 'not a function, state machine or task definition pattern'),
    ),
    fallback: DEFAULT_TARGET_ARNS,
    allowed:
      'a list of ARN patterns (`*` wildcards; AWS::Partition, AWS::Region and AWS::AccountId placeholders as in ' +
      'Fn::Sub) of Lambda functions (arn:aws:lambda:<region>:<account>:function:<name>), state machines ' +
      '(…:states:…:stateMachine:<name>) or ECS task definitions with a revision or a trailing * ' +
      '(…:ecs:…:task-definition/<family>:<revision>)',
  },
  httpAllowList: {
    schema: listOf(
      z.string().max(255).regex(HTTP_ALLOW_ENTRY, 'not a CIDR, IP address, hostname or *.domain'),
    ),
    fallback: [],
    allowed: 'a list of CIDRs (10.0.0.0/8), IP addresses, hostnames or *.domain suffixes',
  },
  fargate: {
    schema: FARGATE_SCHEMA,
    fallback: undefined,
    allowed:
      '{ "cluster": <name or ARN>, "subnets": ["subnet-…", …], "securityGroups"?: ["sg-…"], ' +
      '"assignPublicIp"?: boolean, "taskRoleArns"?: [<IAM role ARN patterns>] }',
  },
  alertEmail: {
    schema: ALERT_EMAIL_SCHEMA,
    fallback: undefined,
    allowed: 'an e-mail address (name@example.com, at most 254 characters)',
  },
  cognito: {
    schema: SWITCH_SCHEMA,
    fallback: false,
    allowed: 'true (Cognito user pool authorizer) or false (IAM SigV4)',
  },
  iamPrincipals: {
    schema: IAM_PRINCIPALS_SCHEMA,
    fallback: {},
    allowed:
      '{ "viewer"?: [...], "operator"?: [...], "admin"?: [...] } of ARN patterns (`*` wildcards; AWS::Partition and ' +
      'AWS::AccountId placeholders as in Fn::Sub) of IAM users (arn:aws:iam::<account>:user/<name>), role sessions ' +
      '(arn:aws:sts::<account>:assumed-role/<role>/<session>) or federated users (…:federated-user/<name>)',
  },
};

/** The CDK context key of a setting, e.g. `kairos:scheduleShards`. */
export function contextKey(name: keyof KairosConfig): string {
  return `kairos:${name}`;
}

function problems(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.join('.') || '(value)'}: ${issue.message}`).join('; ');
}

function readSetting<K extends keyof KairosConfig>(node: Node, name: K): KairosConfig[K] {
  const key = contextKey(name);
  const setting = SETTINGS[name];
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return setting.fallback;
  const parsed = setting.schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid CDK context value for '${key}': got ${JSON.stringify(raw)}; allowed: ${setting.allowed} ` +
        `(default ${setting.fallback === undefined ? 'none' : JSON.stringify(setting.fallback)}); problems: ${problems(parsed.error.issues)}`,
      { cause: { key, issues: parsed.error.issues } },
    );
  }
  return parsed.data;
}

/**
 * Reads and validates every `kairos:*` context value once, at synth time.
 * @throws Error naming the context key and its allowed values when a value is invalid.
 */
export function readConfig(node: Node): KairosConfig {
  return {
    stage: readSetting(node, 'stage'),
    scheduleShards: readSetting(node, 'scheduleShards'),
    runRetentionDays: readSetting(node, 'runRetentionDays'),
    removalPolicy: readSetting(node, 'removalPolicy'),
    logLevel: readSetting(node, 'logLevel'),
    allowedTargetArns: readSetting(node, 'allowedTargetArns'),
    httpAllowList: readSetting(node, 'httpAllowList'),
    fargate: readSetting(node, 'fargate'),
    alertEmail: readSetting(node, 'alertEmail'),
    cognito: readSetting(node, 'cognito'),
    iamPrincipals: readSetting(node, 'iamPrincipals'),
  };
}
