import { z } from 'zod';

/** Lambda function ARN (optionally qualified) or, in the local runtime, a name mapped in functions.json. */
const functionRef = z
  .string()
  .min(1)
  .max(256)
  .regex(
    /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?|[A-Za-z0-9_-]{1,64})$/,
    'must be a Lambda function ARN or a function name',
  );

const arnOf = (service: string, resource: string) =>
  z
    .string()
    .max(2048)
    .regex(
      new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:${resource}.+$`),
      `must be an ARN of the form arn:aws:${service}:<region>:<account>:${resource}…`,
    );

const stringMap = (maxEntries: number) =>
  z
    .record(z.string().min(1).max(256), z.string().max(4096))
    .refine((m) => Object.keys(m).length <= maxEntries, `at most ${maxEntries} entries`);

export const LambdaTargetSchema = z.strictObject({
  type: z.literal('lambda'),
  functionArn: functionRef,
});

export const HttpTargetSchema = z.strictObject({
  type: z.literal('http'),
  url: z
    .string()
    .max(2048)
    .refine(
      (u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol),
      'must be an absolute http(s) URL',
    ),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  headers: stringMap(50).optional(),
  body: z
    .unknown()
    .optional()
    .meta({ description: 'Request body; a string is sent as is, anything else as JSON.' }),
});

export const FargateTargetSchema = z.strictObject({
  type: z.literal('fargate'),
  taskDefinitionArn: arnOf('ecs', 'task-definition/'),
  containerName: z.string().min(1).max(255).optional(),
  command: z.array(z.string().max(4096)).max(100).optional(),
  environment: stringMap(100).optional(),
});

export const StepFunctionsTargetSchema = z.strictObject({
  type: z.literal('stepfunctions'),
  stateMachineArn: arnOf('states', 'stateMachine:'),
});

/** Local runtime only: a child process. The deployed API rejects it (no shell on Lambda to run it in). */
export const CommandTargetSchema = z.strictObject({
  type: z.literal('command'),
  command: z.array(z.string().max(4096)).min(1).max(100),
  cwd: z.string().min(1).max(1024).optional(),
  env: stringMap(100).optional(),
});

export const TargetSchema = z
  .discriminatedUnion('type', [
    LambdaTargetSchema,
    HttpTargetSchema,
    FargateTargetSchema,
    StepFunctionsTargetSchema,
    CommandTargetSchema,
  ])
  .meta({ id: 'Target' });

export type Target = z.output<typeof TargetSchema>;
