/** Zod schemas of the structured `kairos:*` context values (lists, ARN patterns, the Fargate object). */
import { z } from 'zod';

/** Task and execution roles the dispatcher may pass by default: same-account roles named `kairos-*`. */
export const DEFAULT_TASK_ROLE_ARNS: readonly string[] = [
  `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/kairos-*`,
];

/** `-c key=value` passes a string: accept JSON (`["a","b"]`, `{…}`) and, for lists, comma-separated values too. */
function fromCliString(value: unknown, ctx: z.core.$RefinementCtx, list: boolean): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (/^[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not valid JSON (${(error as Error).message})` });
      return z.NEVER;
    }
  }
  if (!list) return value;
  return text === '' ? [] : text.split(',').map((entry) => entry.trim());
}

export const listOf = (item: z.ZodType<string>) =>
  z.preprocess((value, ctx) => fromCliString(value, ctx, true), z.array(item).readonly());

// IAM ARN patterns: `*` wildcards, and the stack's own partition/region/account as `Fn::Sub` placeholders.
const PARTITION = String.raw`(aws[a-z-]*|\$\{AWS::Partition\})`;
const REGION = String.raw`([a-z0-9-]+|\*|\$\{AWS::Region\})`;
const ACCOUNT = String.raw`(\d{12}|\*|\$\{AWS::AccountId\})`;
const NAME = '[A-Za-z0-9_*-]+';
export const TARGET_ARN = new RegExp(
  `^arn:${PARTITION}:(lambda:${REGION}:${ACCOUNT}:function:${NAME}(:[A-Za-z0-9_$*-]+)?` +
    `|states:${REGION}:${ACCOUNT}:stateMachine:${NAME}` +
    `|ecs:${REGION}:${ACCOUNT}:task-definition/(${NAME}:(\\d+|\\*)|[A-Za-z0-9_*-]*\\*))$`,
);
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:role/[A-Za-z0-9_+=,.@/*-]+$`);
// What the SSRF guard accepts: an IPv4/IPv6 address or CIDR, a hostname, or `*.domain`.
export const HTTP_ALLOW_ENTRY =
  /^([0-9.]+(\/\d{1,2})?|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(\/\d{1,3})?|(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*)$/;

export const FARGATE_SCHEMA = z.preprocess(
  (value, ctx) => fromCliString(value, ctx, false),
  z.strictObject({
    cluster: z
      .string()
      .regex(
        /^([A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255})$/,
        'not a cluster name or ARN',
      ),
    subnets: z
      .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, 'not a subnet id'))
      .min(1)
      .readonly(),
    securityGroups: z
      .array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, 'not a security group id'))
      .readonly()
      .default([]),
    assignPublicIp: z.boolean().default(false),
    taskRoleArns: z
      .array(z.string().regex(ROLE_ARN, 'not an IAM role ARN pattern'))
      .min(1)
      .readonly()
      .default(DEFAULT_TASK_ROLE_ARNS),
  }),
);

/** The alerts e-mail address (`kairos:alertEmail`), surrounding spaces trimmed. */
export const ALERT_EMAIL_SCHEMA = z.string().trim().max(254).pipe(z.email());

/** A switch (`kairos:cognito`): JSON `true`/`false`, or the strings `-c key=true` passes. */
export const SWITCH_SCHEMA = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean(),
);

// What `requestContext.identity.userArn` can be for a caller Kairos gives a role: an IAM user, a role session or a
// federated user of one account (12 digits or the stack's own; `*`/`?` only in names and session names).
const CALLER_ACCOUNT = String.raw`(\d{12}|\$\{AWS::AccountId\})`;
const CALLER_NAME = '[A-Za-z0-9_+=,.@*?-]+';
export const IAM_CALLER_ARN = new RegExp(
  `^arn:${PARTITION}:(iam::${CALLER_ACCOUNT}:user/([A-Za-z0-9_+=,.@*?-]+/)*${CALLER_NAME}` +
    `|sts::${CALLER_ACCOUNT}:(assumed-role/${CALLER_NAME}/${CALLER_NAME}|federated-user/${CALLER_NAME}))$`,
);

const callerList = z
  .array(z.string().max(2048).regex(IAM_CALLER_ARN, 'not an IAM user, role session or federated user ARN'))
  .readonly()
  .optional();

/** `kairos:iamPrincipals`: IAM caller ARN patterns per role, for principals that do not assume a Kairos role. */
export const IAM_PRINCIPALS_SCHEMA = z.preprocess(
  (value, ctx) => fromCliString(value, ctx, false),
  z.strictObject({ viewer: callerList, operator: callerList, admin: callerList }),
);
