import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompileOptions, StateMachineDefinition } from '../../../../lambdas/core/dag/asl.js';
import { compileDag, definitionJson } from '../../../../lambdas/core/dag/compile.js';
import { buildDag } from '../../../../lambdas/core/dag/graph.js';
import { HISTORY_EVENT_QUOTA, historyEventBound } from '../../../../lambdas/core/dag/history-budget.js';
import { exactPlan } from '../../../../lambdas/core/dag/plan.js';
import { PayloadTooLargeError } from '../../../../lambdas/core/errors.js';
import {
  MAX_DEPENDENCIES,
  MAX_FAN_IN,
  MAX_FAN_OUT,
  MAX_TOTAL_ATTEMPTS,
  taskLimitProblems,
} from '../../../../lambdas/core/job/task-limits.js';
import {
  MAX_TASKS,
  type Task,
  TasksSchema,
  TRIGGER_RULES,
  type TriggerRule,
  taskGraphProblems,
} from '../../../../lambdas/core/job/tasks.js';
import { validateJobDefinition } from '../../../../lambdas/core/validate-job.js';
import { MAX_BODY_BYTES, readJsonBody } from '../../../../lambdas/handlers/http/request.js';
import type { ApiEvent } from '../../../../lambdas/handlers/http/types.js';

/*
 * The proof the issue asks for: every DAG the API accepts compiles to a definition under 1 MB and an execution
 * whose history stays under the 20,000-event budget of task-limits.ts (Step Functions' hard quota: 25,000).
 *
 * What bounds the definition is not the schema alone (one fargate task may carry 100 × 4 KiB of command and
 * 100 × 4 KiB of environment) but the API's request body limit, MAX_BODY_BYTES: every byte of user content
 * that reaches the ASL came through one request body. So the largest definitions are built as request bodies of
 * exactly MAX_BODY_BYTES, spent where a body byte buys the most ASL: 64-character task ids (each is repeated in
 * ~20 state names, transitions and payloads), all 500 dependencies (latch lists, gate conditions), fargate targets
 * (the operator's cluster, 16 subnets and 5 security groups are repeated per task) with 100 one-character
 * environment keys each (7 body bytes → 24 ASL bytes), then the rest as environment values (1:1).
 * The compile options are realistic but long: 140-character function and cluster ARNs, 16 subnets, 5 groups.
 *
 * Everything is measured on the compiled definition (definitionJson bytes, historyEventBound), so the numbers
 * follow the compiler as it changes.
 */

/** Test threshold for definitionJson bytes; Step Functions' hard quota is 1 MiB (MAX_DEFINITION_BYTES). */
const DEFINITION_LIMIT = 1_000_000;
/** task-limits.ts budgets 20,000 events and keeps the rest of the 25,000 quota in reserve. */
const HISTORY_BUDGET = 20_000;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const fmt = (n: number) => n.toLocaleString('en-US');

const ACCOUNT = '123456789012';
/** A Lambda function ARN of exactly `length` characters the schema accepts (name ≤ 64, qualifier ≤ 128). */
function lambdaArn(tag: string, length: number): string {
  const name = tag.padEnd(64, 'n').slice(0, 64);
  const head = (region: string) => `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}:`;
  const qualifier = 'v'.repeat(Math.min(128, length - head('ap-southeast-2').length));
  const region = 'ap-southeast-2'.padEnd(length - head('').length - qualifier.length, 'x');
  const arn = head(region) + qualifier;
  if (arn.length !== length) throw new Error(`lambdaArn: ${arn.length} ≠ ${length}`);
  return arn;
}
const stateMachineArn = (tag: string, length: number) =>
  `arn:aws:states:ap-southeast-2:${ACCOUNT}:stateMachine:${tag}`.padEnd(length, 's');
const taskDefinitionArn = (tag: string, length: number) =>
  `arn:aws:ecs:ap-southeast-2:${ACCOUNT}:task-definition/${tag}`.padEnd(length, 'd');

const OPTIONS: CompileOptions = {
  latchFunctionArn: lambdaArn('KairosStack-LatchFunction', 140),
  httpExecutorFunctionArn: lambdaArn('KairosStack-HttpExecutorFunction', 140),
  commandFunctionArn: lambdaArn('KairosStack-CommandFunction', 140),
  fargate: {
    clusterArn: `arn:aws:ecs:ap-southeast-2:${ACCOUNT}:cluster/KairosStack-Cluster`.padEnd(140, 'c'),
    // RunTask's awsvpcConfiguration takes at most 16 subnets and 5 security groups.
    subnets: range(16).map((i) => `subnet-${i.toString(16).padStart(17, '0')}`),
    securityGroups: range(5).map((i) => `sg-${i.toString(16).padStart(17, '0')}`),
    assignPublicIp: false,
  },
  runTimeoutSeconds: 7 * 86_400,
};

/** Task ids of the schema's maximum length (64). */
const taskId = (i: number) => `t${i}-`.padEnd(64, 'x');

/** 100 distinct environment keys as short as can be: 93 one-character ones (printable ASCII, no JSON escape). */
const TINY_KEYS = [
  ...range(0x7f - 0x20)
    .map((k) => String.fromCharCode(0x20 + k))
    .filter((c) => c !== '"' && c !== '\\'),
  ...range(7).map((k) => `z${k}`),
];

// ---------------------------------------------------------------------------------------------------------------
// Shapes: dependency lists by task index, all of MAX_TASKS tasks.

interface Shape {
  readonly name: string;
  readonly deps: readonly (readonly number[])[];
}

/** Task i depends on i - o for each offset o; then the last tasks get one more offset until `total` edges. */
function offsetShape(offsets: readonly number[], extra: number, total: number): number[][] {
  const deps = range(MAX_TASKS).map((i) => offsets.map((o) => i - o).filter((d) => d >= 0));
  let count = deps.flat().length;
  for (let i = MAX_TASKS - 1; i >= extra && count < total; i--, count++) deps[i].push(i - extra);
  return deps;
}

/** root → 32 → join → 32 → join → 32 → join: fan-out and fan-in 32 three times over (100 tasks). */
function diamonds(): number[][] {
  const deps: number[][] = [[]];
  let join = 0;
  while (deps.length < MAX_TASKS) {
    const mids = range(MAX_FAN_OUT).map((k) => join + 1 + k);
    for (const _ of mids) deps.push([join]);
    deps.push(mids);
    join = deps.length - 1;
  }
  return deps;
}

const SHAPES: readonly Shape[] = [
  { name: 'chain of 100', deps: range(MAX_TASKS).map((i) => (i === 0 ? [] : [i - 1])) },
  { name: '100 independent tasks', deps: range(MAX_TASKS).map(() => []) },
  // One task cannot fan out to 99 (MAX_FAN_OUT): a tree of fan-outs of 32 is the widest reachable from one root.
  {
    name: 'fan-out tree (32, 32, 32, 3)',
    deps: range(MAX_TASKS).map((i) => (i === 0 ? [] : [(i - 1) >> 5])),
  },
  {
    name: 'fan-in tree (3 × 32 → 3 → 1)',
    deps: range(MAX_TASKS).map((i) =>
      i < 96 ? [] : i < 99 ? range(MAX_FAN_IN).map((k) => (i - 96) * MAX_FAN_IN + k) : [96, 97, 98],
    ),
  },
  { name: 'diamonds (fan-out 32, fan-in 32, ×3)', deps: diamonds() },
  // Both found by searching offset patterns (and hill-climbing from the best, which gained 6 bytes): the first
  // puts the most dependencies on the latch (406 of 500); the second makes 97 of 100 tasks wait on the latch, which
  // gives the most states, history events and definition bytes.
  { name: '500 dependencies, most on the latch', deps: offsetShape([6, 7, 8, 9, 10], 14, MAX_DEPENDENCIES) },
  {
    name: '500 dependencies, 97 tasks on the latch',
    deps: offsetShape([2, 3, 5, 7, 9], 13, MAX_DEPENDENCIES),
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Jobs: request bodies the API must accept.

type Body = { name: string; schedule: { type: 'immediate' }; tasks: Record<string, unknown>[] };

interface JobOptions {
  readonly rule: (i: number) => TriggerRule | undefined;
  readonly attempts: (i: number) => number | undefined;
  readonly target: (i: number) => Record<string, unknown>;
}

function jobBody(deps: readonly (readonly number[])[], options: JobOptions): Body {
  return {
    name: 'n',
    schedule: { type: 'immediate' },
    tasks: deps.map((d, i) => {
      const rule = options.rule(i);
      const attempts = options.attempts(i);
      return {
        id: taskId(i),
        target: options.target(i),
        ...(d.length > 0 ? { dependsOn: d.map(taskId) } : {}),
        ...(rule === undefined ? {} : { triggerRule: rule }),
        ...(attempts === undefined ? {} : { retry: { maxAttempts: attempts } }),
      };
    }),
  };
}

/** The tasks as the API stores them; fails unless the body fits the request limit and validates. */
function accept(body: Body): Task[] {
  const size = bytes(JSON.stringify(body));
  expect(size, 'request body bytes').toBeLessThanOrEqual(MAX_BODY_BYTES);
  const definition = validateJobDefinition(body, { runtime: 'aws', now: undefined });
  const tasks = definition.tasks ?? [];
  expect(taskLimitProblems(tasks)).toEqual([]);
  return tasks;
}

interface Measure {
  readonly definitionBytes: number;
  readonly events: number;
  readonly definition: StateMachineDefinition;
}

function measure(tasks: readonly Task[]): Measure {
  const definition = compileDag(tasks, OPTIONS);
  return {
    definition,
    definitionBytes: bytes(definitionJson(definition)),
    events: historyEventBound(definition).events,
  };
}

const cycleRules = (i: number): TriggerRule => TRIGGER_RULES[i % TRIGGER_RULES.length];
const RULE_VARIANTS: readonly { name: string; rule: (i: number) => TriggerRule | undefined }[] = [
  { name: 'every rule in turn', rule: cycleRules },
  ...TRIGGER_RULES.map((r) => ({ name: r, rule: () => r })),
];

/** MAX_TOTAL_ATTEMPTS spread evenly (10 each), or piled on a few tasks (9 × 100, the rest 1 or 2). */
const ATTEMPT_VARIANTS: readonly { name: string; attempts: (i: number) => number }[] = [
  { name: 'even', attempts: () => MAX_TOTAL_ATTEMPTS / MAX_TASKS },
  { name: 'skewed', attempts: (i) => (i % 11 === 0 && i < 99 ? 100 : i % 11 === 1 && i < 99 ? 2 : 1) },
];

/** Every Run state waits (`.sync`): 4 events per attempt, the most a target can cost. */
const syncTarget = (i: number) =>
  i % 2 === 0
    ? {
        type: 'fargate',
        taskDefinitionArn: taskDefinitionArn(`job-${i}`, 256),
        containerName: 'app',
        environment: { STAGE: 'production' },
      }
    : { type: 'stepfunctions', stateMachineArn: stateMachineArn(`job-${i}`, 256) };

/** The four deployable target kinds at the schema's longest ARNs and URL, with environment and headers. */
const mixedTarget = (i: number) => {
  switch (i % 4) {
    case 0:
      return { type: 'lambda', functionArn: lambdaArn(`fn-${i}`, 256) };
    case 1:
      return {
        type: 'http',
        url: `https://api.example.com/hooks/${i}?q=`.padEnd(2048, 'q'),
        headers: { authorization: 'Bearer '.padEnd(256, 't'), 'x-kairos': 'yes' },
        body: { job: i },
      };
    case 2:
      return {
        type: 'fargate',
        taskDefinitionArn: taskDefinitionArn(`job-${i}`, 2048),
        containerName: 'app'.padEnd(255, 'c'),
        command: ['node', 'dist/main.js', '--stage', 'production'],
        environment: Object.fromEntries(range(10).map((k) => [`VAR_${k}`, 'v'.repeat(64)])),
      };
    default:
      return { type: 'stepfunctions', stateMachineArn: stateMachineArn(`job-${i}`, 2048) };
  }
};

/**
 * The largest request body (exactly MAX_BODY_BYTES) for a shape, spent where a body byte buys the most ASL:
 * fargate targets with 100 one-character environment keys, then the bytes left as environment values.
 */
function filledBody(
  deps: readonly (readonly number[])[],
  rule: (i: number) => TriggerRule | undefined,
): Body {
  const body = jobBody(deps, {
    rule,
    attempts: () => undefined,
    target: (i) => ({
      type: 'fargate',
      taskDefinitionArn: `arn:aws:ecs:r:${ACCOUNT}:task-definition/${i}`,
      containerName: 'c',
      environment: Object.fromEntries(TINY_KEYS.map((k) => [k, ''])),
    }),
  });
  let left = MAX_BODY_BYTES - bytes(JSON.stringify(body));
  for (const task of body.tasks) {
    const env = (task.target as { environment: Record<string, string> }).environment;
    for (const key of TINY_KEYS) {
      if (left <= 0) break;
      const add = Math.min(4096, left);
      env[key] = 'v'.repeat(add);
      left -= add;
    }
  }
  expect(bytes(JSON.stringify(body))).toBe(MAX_BODY_BYTES);
  return body;
}

interface ShapeResult {
  readonly shape: Shape;
  readonly dependencies: number;
  readonly latchDependencies: number;
  readonly maxFanIn: number;
  readonly maxFanOut: number;
  readonly maxDefinitionBytes: number;
  readonly maxDefinitionVariant: string;
  readonly maxEvents: number;
  readonly maxEventsVariant: string;
}

function proveShape(shape: Shape): ShapeResult {
  let maxDefinitionBytes = 0;
  let maxDefinitionVariant = '';
  let maxEvents = 0;
  let maxEventsVariant = '';
  const record = (variant: string, m: Measure) => {
    if (m.definitionBytes > maxDefinitionBytes) {
      maxDefinitionBytes = m.definitionBytes;
      maxDefinitionVariant = variant;
    }
    if (m.events > maxEvents) {
      maxEvents = m.events;
      maxEventsVariant = variant;
    }
  };
  for (const r of RULE_VARIANTS)
    for (const a of ATTEMPT_VARIANTS) {
      const tasks = accept(jobBody(shape.deps, { rule: r.rule, attempts: a.attempts, target: syncTarget }));
      expect(tasks.reduce((sum, t) => sum + (t.retry?.maxAttempts ?? 0), 0)).toBe(MAX_TOTAL_ATTEMPTS);
      record(`.sync targets, ${a.name} attempts, ${r.name}`, measure(tasks));
    }
  record(
    'mixed targets, every rule',
    measure(
      accept(jobBody(shape.deps, { rule: cycleRules, attempts: () => undefined, target: mixedTarget })),
    ),
  );
  for (const r of [{ name: 'default rule', rule: () => undefined }, RULE_VARIANTS[0]])
    record(`256 KiB body, ${r.name}`, measure(accept(filledBody(shape.deps, r.rule))));

  const tasks = accept(
    jobBody(shape.deps, { rule: () => undefined, attempts: () => undefined, target: syncTarget }),
  );
  const plan = exactPlan(buildDag(tasks).preds);
  const fanOut = new Map<number, number>();
  for (const d of shape.deps.flat()) fanOut.set(d, (fanOut.get(d) ?? 0) + 1);
  return {
    shape,
    dependencies: shape.deps.flat().length,
    latchDependencies: plan.latchDeps.flat().length,
    maxFanIn: Math.max(...shape.deps.map((d) => d.length)),
    maxFanOut: Math.max(0, ...fanOut.values()),
    maxDefinitionBytes,
    maxDefinitionVariant,
    maxEvents,
    maxEventsVariant,
  };
}

// Measured while the tests are collected, so the numbers appear in the test names.
const RESULTS = SHAPES.map(proveShape);

describe('limits proof: the largest DAGs the API accepts stay within Step Functions quotas', () => {
  const summary = (r: ShapeResult) =>
    `${r.shape.name}, ${r.dependencies} dependencies (${r.latchDependencies} on the latch), fan-in ${r.maxFanIn}, ` +
    `fan-out ${r.maxFanOut}: definition ≤ ${fmt(r.maxDefinitionBytes)} bytes (${r.maxDefinitionVariant}), ` +
    `history ≤ ${fmt(r.maxEvents)} events (${r.maxEventsVariant})`;
  it.each(RESULTS.map((r) => [summary(r), r] as const))('%s', (name, r) => {
    expect(r.shape.deps).toHaveLength(MAX_TASKS);
    expect(r.maxFanIn).toBeLessThanOrEqual(MAX_FAN_IN);
    expect(r.maxFanOut).toBeLessThanOrEqual(MAX_FAN_OUT);
    expect(r.dependencies).toBeLessThanOrEqual(MAX_DEPENDENCIES);
    expect(r.maxDefinitionBytes, name).toBeLessThan(DEFINITION_LIMIT);
    expect(r.maxEvents, name).toBeLessThan(HISTORY_BUDGET);
  });

  const worstBytes = Math.max(...RESULTS.map((r) => r.maxDefinitionBytes));
  const worstEvents = Math.max(...RESULTS.map((r) => r.maxEvents));
  it(`over all shapes: definition ≤ ${fmt(worstBytes)} bytes (< ${fmt(DEFINITION_LIMIT)}), history ≤ ${fmt(worstEvents)} events (< ${fmt(HISTORY_BUDGET)} < ${fmt(HISTORY_EVENT_QUOTA)})`, () => {
    expect(worstBytes).toBeLessThan(DEFINITION_LIMIT);
    expect(worstEvents).toBeLessThan(HISTORY_BUDGET);
    expect(HISTORY_BUDGET).toBeLessThan(HISTORY_EVENT_QUOTA);
  });

  it('the shapes reach the limits: 500 dependencies, fan-in 32, fan-out 32, and mostly latch edges', () => {
    expect(Math.max(...RESULTS.map((r) => r.dependencies))).toBe(MAX_DEPENDENCIES);
    expect(Math.max(...RESULTS.map((r) => r.maxFanIn))).toBe(MAX_FAN_IN);
    expect(Math.max(...RESULTS.map((r) => r.maxFanOut))).toBe(MAX_FAN_OUT);
    const latchHeavy = RESULTS.find((r) => r.dependencies === MAX_DEPENDENCIES);
    expect(latchHeavy?.latchDependencies).toBeGreaterThanOrEqual(400);
  });

  it('relies on the request body limit: the schema alone allows two fargate tasks of over 1 MB of ASL', () => {
    const huge = {
      type: 'fargate',
      taskDefinitionArn: taskDefinitionArn('big', 2048),
      containerName: 'app',
      command: range(100).map(() => 'c'.repeat(4096)),
      environment: Object.fromEntries(range(100).map((k) => [`K${k}`.padEnd(256, 'k'), 'v'.repeat(4096)])),
    };
    const tasks = TasksSchema.parse([
      { id: 'a', target: huge },
      { id: 'b', target: huge, dependsOn: ['a'] },
    ]);
    expect(taskGraphProblems(tasks)).toEqual([]);
    const size = bytes(definitionJson(compileDag(tasks, OPTIONS)));
    expect(size).toBeGreaterThan(DEFINITION_LIMIT);
    const body = JSON.stringify({ name: 'n', schedule: { type: 'immediate' }, tasks });
    const event = { body, isBase64Encoded: false, headers: {} } as unknown as ApiEvent;
    expect(() => readJsonBody(event)).toThrow(PayloadTooLargeError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Random DAGs within the limits.

interface RandomJob {
  readonly deps: number[][];
  readonly rules: (TriggerRule | undefined)[];
  readonly attempts: (number | undefined)[];
  readonly kinds: number[];
}

/** Acyclic by construction (task i depends on earlier tasks only), trimmed to the fan-out and total limits. */
const randomJobArb: fc.Arbitrary<RandomJob> = fc.integer({ min: 1, max: MAX_TASKS }).chain((n) =>
  fc
    .record({
      picks: fc.array(fc.array(fc.nat({ max: 40 }), { maxLength: 8 }), { minLength: n, maxLength: n }),
      rules: fc.array(fc.option(fc.constantFrom(...TRIGGER_RULES), { nil: undefined }), {
        minLength: n,
        maxLength: n,
      }),
      attempts: fc.array(fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }), {
        minLength: n,
        maxLength: n,
      }),
      kinds: fc.array(fc.nat({ max: 3 }), { minLength: n, maxLength: n }),
    })
    .map(({ picks, rules, attempts, kinds }) => {
      const fanOut = new Array<number>(n).fill(0);
      let total = 0;
      const deps = picks.map((p, i) => {
        const chosen = new Set<number>();
        for (const back of p) {
          const d = i - 1 - back;
          if (d < 0 || chosen.has(d) || fanOut[d] >= MAX_FAN_OUT || total >= MAX_DEPENDENCIES) continue;
          chosen.add(d);
          fanOut[d]++;
          total++;
        }
        return [...chosen];
      });
      // Within MAX_TOTAL_ATTEMPTS: attempts beyond it fall back to one each (3 is the default when not given).
      let budget = MAX_TOTAL_ATTEMPTS;
      const fitted = attempts.map((a, i) => {
        const rest = n - 1 - i;
        const want = a ?? 3;
        const take = Math.min(want, budget - rest);
        budget -= take;
        return take === want ? a : take;
      });
      return { deps, rules, attempts: fitted, kinds };
    }),
);

describe('limits proof: random DAGs within the limits', () => {
  it('compile under 1,000,000 bytes with a history bound under 20,000 events', () => {
    let maxBytes = 0;
    let maxEvents = 0;
    fc.assert(
      fc.property(randomJobArb, (job) => {
        const body = jobBody(job.deps, {
          rule: (i) => job.rules[i],
          attempts: (i) => job.attempts[i],
          target: (i) => (job.kinds[i] === 3 ? syncTarget(i) : mixedTarget(job.kinds[i])),
        });
        const tasks = accept(body);
        const m = measure(tasks);
        maxBytes = Math.max(maxBytes, m.definitionBytes);
        maxEvents = Math.max(maxEvents, m.events);
        expect(m.definitionBytes).toBeLessThan(DEFINITION_LIMIT);
        expect(m.events).toBeLessThan(HISTORY_BUDGET);
      }),
      { numRuns: 60 },
    );
    expect(maxBytes, `largest random definition ${fmt(maxBytes)} bytes`).toBeLessThan(DEFINITION_LIMIT);
    expect(maxEvents, `largest random history bound ${fmt(maxEvents)} events`).toBeLessThan(HISTORY_BUDGET);
  });
});
