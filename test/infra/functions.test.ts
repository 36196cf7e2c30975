import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKairosApp } from '../../lib/kairos-app.js';
import type { KairosStack } from '../../lib/kairos-stack.js';
import { type CfnResourceJson, resourcesOfType } from './support/template.js';

/**
 * Every AWS::Lambda::Function of the default stack is a KairosFunction: Node.js 24 on arm64, an ESM bundle that is
 * minified with a source map, X-Ray, its own log group with a retention, its own memory and timeout; a reserved
 * concurrency only where the stack asks for it.
 */

interface FunctionProps {
  readonly Runtime: string;
  readonly Architectures: string[];
  readonly Handler: string;
  readonly MemorySize?: number;
  readonly Timeout?: number;
  readonly TracingConfig?: { Mode: string };
  readonly LoggingConfig?: { LogGroup?: { Ref: string } };
  readonly Environment: { Variables: Record<string, unknown> };
  readonly Code: { S3Key: string };
  readonly Role: { 'Fn::GetAtt': [string, string] };
  readonly ReservedConcurrentExecutions?: number;
  readonly RecursiveLoop?: string;
  readonly DeadLetterConfig?: { TargetArn: unknown };
}

/** Memory (MB) and timeout (s) chosen per function, by the logical id prefix of its construct. */
const SIZES: Record<string, [number, number]> = {
  ApiHandler: [512, 29],
  DispatcherHandler: [1024, 900],
  WatcherHandler: [512, 60],
  CompletionHandler: [512, 60],
  DagFunctionsLatch: [256, 10],
  DagFunctionsHttpTask: [512, 900],
};

function functionsOf(template: Template): [string, FunctionProps][] {
  return Object.entries(resourcesOfType(template, 'AWS::Lambda::Function')).map(([id, fn]) => [
    id,
    fn.Properties as unknown as FunctionProps,
  ]);
}
const nameOf = (id: string) => Object.keys(SIZES).find((prefix) => id.startsWith(prefix));

describe('every Lambda function of the stack (bundled)', () => {
  let stack: KairosStack;
  let template: Template;
  let resources: Record<string, CfnResourceJson>;
  let assemblyDir: string;
  beforeAll(() => {
    const kairos = createKairosApp();
    stack = kairos.stack;
    assemblyDir = kairos.app.synth().directory;
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Record<string, CfnResourceJson>;
  });

  it('is one of the six Kairos functions', () => {
    expect(
      functionsOf(template)
        .map(([id]) => nameOf(id))
        .sort(),
    ).toEqual(Object.keys(SIZES).sort());
  });

  it('runs Node.js 24 on arm64 with active X-Ray tracing and source maps enabled', () => {
    for (const [id, fn] of functionsOf(template)) {
      expect(fn, id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      expect(fn.Environment.Variables.NODE_OPTIONS, id).toBe('--enable-source-maps');
    }
  });

  it('has the memory and timeout chosen for it', () => {
    for (const [id, fn] of functionsOf(template)) {
      expect([fn.MemorySize, fn.Timeout], id).toEqual(SIZES[nameOf(id) ?? '']);
    }
  });

  it('logs to a log group of its own, with a retention, kept when the stack goes', () => {
    const groups = functionsOf(template).map(([id, fn]) => {
      const groupId = fn.LoggingConfig?.LogGroup?.Ref;
      expect(groupId, id).toBeDefined();
      const group = resources[groupId ?? ''];
      expect(group?.Type, id).toBe('AWS::Logs::LogGroup');
      expect(group?.Properties?.RetentionInDays, id).toBe(30);
      expect(group?.DeletionPolicy, id).toBe('Retain');
      return groupId;
    });
    expect(new Set(groups).size).toBe(groups.length);
  });

  it('runs with a role of its own, not the account-wide basic execution policy', () => {
    const roles = functionsOf(template).map(([, fn]) => fn.Role['Fn::GetAtt'][0]);
    expect(new Set(roles).size).toBe(roles.length);
    for (const role of roles) expect(resources[role]?.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  it('is an ESM bundle, minified, with its source map (no sources inlined)', () => {
    for (const [id, fn] of functionsOf(template)) {
      const assetDir = join(assemblyDir, `asset.${fn.Code.S3Key.replace(/\.zip$/, '')}`);
      expect(existsSync(assetDir), id).toBe(true);
      // The API function also carries the dashboard page it serves at `GET /` (ADR 0016).
      const extra = nameOf(id) === 'ApiHandler' ? ['dashboard.json'] : [];
      expect(readdirSync(assetDir).sort(), id).toEqual([...extra, 'index.mjs', 'index.mjs.map']);
      const bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
      // Minified: very long lines (only template literals keep their newlines), not one statement a line (~40 B).
      expect(bundle.length / bundle.split('\n').length, id).toBeGreaterThan(1000);
      expect(bundle, id).toMatch(/export\s*\{[^}]*\bas handler\b/);
      expect(bundle.trimEnd(), id).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map$/);
      const map = JSON.parse(readFileSync(join(assetDir, 'index.mjs.map'), 'utf8')) as {
        sourcesContent?: unknown;
      };
      expect(map.sourcesContent, id).toBeUndefined();
    }
  });

  it('reserves no concurrency by default (an account at a low limit could not deploy)', () => {
    for (const [id, fn] of functionsOf(template)) expect(fn.ReservedConcurrentExecutions, id).toBeUndefined();
  });

  it('lets only the dispatcher run in the loops the engine makes on purpose (timer chains through the lanes)', () => {
    const allowed = functionsOf(template)
      .filter(([, fn]) => fn.RecursiveLoop === 'Allow')
      .map(([id]) => nameOf(id));
    expect(allowed).toEqual(['DispatcherHandler']);
  });

  it('gives only the completion function, the one invoked asynchronously, a dead-letter queue: EventDeadLetters', () => {
    const withDlq = functionsOf(template).filter(([, fn]) => fn.DeadLetterConfig !== undefined);
    expect(withDlq.map(([id]) => nameOf(id))).toEqual(['CompletionHandler']);
    const queueId = stack.getLogicalId(stack.queues.eventDeadLetters.node.defaultChild as never);
    expect(withDlq[0]?.[1].DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    // Events EventBridge cannot deliver to it (after its own retries) land there too.
    const rules = Object.values(resourcesOfType(template, 'AWS::Events::Rule'));
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      expect(rule.Properties?.Targets).toEqual([
        expect.objectContaining({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } } }),
      ]);
    }
  });
});

describe('kairos:reserveConcurrency', () => {
  const build = (value: unknown) =>
    createKairosApp({ context: { 'aws:cdk:bundling-stacks': [], 'kairos:reserveConcurrency': value } });

  it.each([true, 'true'])(
    'reserves the lanes’ maximum for the dispatcher, one tick, 10 completions (%s)',
    (value) => {
      const reserved = Object.fromEntries(
        functionsOf(Template.fromStack(build(value).stack)).map(([id, fn]) => [
          nameOf(id),
          fn.ReservedConcurrentExecutions,
        ]),
      );
      expect(reserved).toEqual({
        ApiHandler: undefined,
        DispatcherHandler: 75,
        WatcherHandler: 1,
        CompletionHandler: 10,
        DagFunctionsLatch: undefined,
        DagFunctionsHttpTask: undefined,
      });
    },
  );

  it('reserves nothing when false', () => {
    for (const [id, fn] of functionsOf(Template.fromStack(build('false').stack)))
      expect(fn.ReservedConcurrentExecutions, id).toBeUndefined();
  });

  it('fails synthesis with the key and the allowed values for anything else', () => {
    expect(() => build('yes')).toThrow(
      `Invalid CDK context value for 'kairos:reserveConcurrency': got "yes"; allowed: true or false (default false)`,
    );
  });
});
