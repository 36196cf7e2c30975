/**
 * The default Kairos stack, synthesized in-process with bundling skipped (as the infra tests do), and what the
 * Lambda benches need from it: every Kairos function with its entry file and its deployed environment, each
 * CloudFormation value replaced by a plausible fake (a queue URL for a queue's `Ref`, an ARN for `Fn::GetAtt Arn`,
 * …), so a bundle can be imported with the environment it gets on AWS without an AWS account.
 */
import { relative } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { KairosFunction, REPO_ROOT } from '../../../lib/constructs/kairos-function.js';
import { createKairosApp, type KairosApp } from '../../../lib/kairos-app.js';

/** A resource of a synthesized template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

/** What a Kairos function is, as deployed. */
export interface DeployedFunction {
  /** Construct path below the stack, e.g. `Dispatcher/Handler`. */
  readonly path: string;
  /** Short name for reports: the path without a trailing `/Handler` (`Dispatcher`, `DagFunctions/Latch`). */
  readonly name: string;
  readonly logicalId: string;
  /** Entry file relative to the repository root, e.g. `lambdas/handlers/dispatch.ts`. */
  readonly entry: string;
  /** Absolute path of the entry file. */
  readonly entryPath: string;
  /** The function's environment with every CloudFormation value replaced by a fake of the right shape. */
  readonly environment: Readonly<Record<string, string>>;
  readonly memorySize: number;
}

export interface SynthesizedKairos {
  readonly kairos: KairosApp;
  readonly resources: Readonly<Record<string, TemplateResource>>;
  readonly functions: readonly DeployedFunction[];
}

/** The fake account and region every resolved value uses. */
export const FAKE_ACCOUNT = '123456789012';
export const FAKE_REGION = 'us-east-1';

let cached: SynthesizedKairos | undefined;

/** The default stack (`cdk.json`-free defaults, stage `dev`), synthesized once per process. */
export function synthDefaultKairos(): SynthesizedKairos {
  if (cached) return cached;
  const kairos = createKairosApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  const template = kairos.app.synth().getStackByName(kairos.stack.stackName).template as {
    Resources: Record<string, TemplateResource>;
  };
  const resources = template.Resources;
  const functions = kairos.stack.node
    .findAll()
    .filter((c): c is KairosFunction => c instanceof KairosFunction)
    .map((fn) => {
      const logicalId = Stack.of(fn).getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
      const props = resources[logicalId]?.Properties ?? {};
      const variables = (props.Environment?.Variables ?? {}) as Record<string, unknown>;
      const path = fn.node.path.split('/').slice(1).join('/');
      return {
        path,
        name: path.replace(/\/Handler$/, ''),
        logicalId,
        entry: relative(REPO_ROOT, fn.entry),
        entryPath: fn.entry,
        environment: Object.fromEntries(
          Object.entries(variables).map(([key, value]) => [key, resolveFake(value, resources)]),
        ),
        memorySize: Number(props.MemorySize ?? 128),
      };
    });
  cached = { kairos, resources, functions };
  return cached;
}

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': FAKE_ACCOUNT,
  'AWS::Region': FAKE_REGION,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Kairos-dev',
  'AWS::StackId': `arn:aws:cloudformation:${FAKE_REGION}:${FAKE_ACCOUNT}:stack/Kairos-dev/0f1e2d3c-0000-4000-8000-000000000000`,
  'AWS::NoValue': '',
};

/** What `Ref` returns for a resource type (CloudFormation's documented return values), with a fake name. */
function refOf(logicalId: string, type: string): string {
  const name = `kairos-${logicalId.toLowerCase()}`;
  switch (type) {
    case 'AWS::SQS::Queue':
      return `https://sqs.${FAKE_REGION}.amazonaws.com/${FAKE_ACCOUNT}/${name}`;
    case 'AWS::SNS::Topic':
    case 'AWS::SecretsManager::Secret':
    case 'AWS::ECS::TaskDefinition':
      return arnOf(logicalId, type);
    default:
      return name;
  }
}

/** What `Fn::GetAtt <id>.Arn` returns for a resource type, with a fake name. */
function arnOf(logicalId: string, type: string): string {
  const name = `kairos-${logicalId.toLowerCase()}`;
  const [, service = 'unknown', kind = 'resource'] = type.split('::');
  const svc = service.toLowerCase();
  const base = `arn:aws:${svc}:${FAKE_REGION}:${FAKE_ACCOUNT}`;
  switch (type) {
    case 'AWS::SQS::Queue':
    case 'AWS::SNS::Topic':
      return `${base}:${name}`;
    case 'AWS::Lambda::Function':
      return `${base}:function:${name}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${FAKE_ACCOUNT}:role/${name}`;
    case 'AWS::Logs::LogGroup':
      return `${base}:log-group:${name}:*`;
    case 'AWS::S3::Bucket':
      return `arn:aws:s3:::${name}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${FAKE_REGION}:${FAKE_ACCOUNT}:stateMachine:${name}`;
    case 'AWS::SecretsManager::Secret':
      return `${base}:secret:${name}-AbCdEf`;
    case 'AWS::Scheduler::ScheduleGroup':
      return `${base}:schedule-group/${name}`;
    default:
      return `${base}:${kind.toLowerCase()}/${name}`;
  }
}

/**
 * A CloudFormation value with every intrinsic replaced by a fake of the shape it resolves to on AWS. Unknown
 * intrinsics become `fake-<name>`: enough for configuration that is only passed on, never parsed at import.
 */
export function resolveFake(value: unknown, resources: Readonly<Record<string, TemplateResource>>): string {
  const walk = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) return v.map(walk).join(',');
    if (!v || typeof v !== 'object') return '';
    const [[fn, arg]] = Object.entries(v as Record<string, unknown>);
    if (fn === 'Ref') {
      const id = String(arg);
      if (id in PSEUDO) return PSEUDO[id];
      return refOf(id, resources[id]?.Type ?? 'Unknown::Unknown::Unknown');
    }
    if (fn === 'Fn::GetAtt') {
      const [id, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
      const type = resources[id]?.Type ?? 'Unknown::Unknown::Unknown';
      if (attribute === 'Arn') return arnOf(id, type);
      if (attribute === 'QueueUrl') return refOf(id, type);
      if (attribute === 'QueueName' || attribute === 'TopicName') return `kairos-${id.toLowerCase()}`;
      return `fake-${id}-${attribute}`;
    }
    if (fn === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map(walk).join(separator);
    }
    if (fn === 'Fn::Select') {
      const [index, list] = arg as [number, unknown];
      const items = Array.isArray(list) ? list.map(walk) : walk(list).split(',');
      return items[Number(index)] ?? '';
    }
    if (fn === 'Fn::Split') {
      const [separator, source] = arg as [string, unknown];
      return walk(source).split(separator).join(',');
    }
    if (fn === 'Fn::Sub') {
      const [text, vars = {}] = (Array.isArray(arg) ? arg : [arg]) as [string, Record<string, unknown>?];
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name in vars) return walk(vars[name]);
        const [id, attribute] = name.split('.');
        return walk(attribute ? { 'Fn::GetAtt': [id, attribute] } : { Ref: id });
      });
    }
    return `fake-${fn}`;
  };
  return walk(value);
}
