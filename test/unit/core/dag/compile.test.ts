import validator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import type { AslState, StateMachineDefinition } from '../../../../lambdas/core/dag/asl.js';
import {
  compileDag,
  compileLevelByLevel,
  definitionJson,
  MAX_BRANCHES,
} from '../../../../lambdas/core/dag/compile.js';
import { buildDag } from '../../../../lambdas/core/dag/graph.js';
import { exactPlan, isExact } from '../../../../lambdas/core/dag/plan.js';
import type { Task } from '../../../../lambdas/core/job/tasks.js';
import {
  TEST_COMPILE_OPTIONS as OPTIONS,
  randomDag,
  randomSeriesParallelDag,
  seededRandom,
} from '../../../support/random-dag.js';

/** Every state of a definition, Parallel branches included. */
function allStates(states: Record<string, AslState>, into: [string, AslState][] = []): [string, AslState][] {
  for (const [name, state] of Object.entries(states)) {
    into.push([name, state]);
    if (state.Type === 'Parallel')
      for (const b of state.Branches as unknown as { States: Record<string, AslState> }[])
        allStates(b.States, into);
  }
  return into;
}

function expectValid(definition: StateMachineDefinition): void {
  // The validator writes defaults into what it checks, so it gets its own copy.
  const result = validator(JSON.parse(definitionJson(definition)));
  expect(result.isValid, result.errorsText()).toBe(true);
}

const dags: { name: string; tasks: Task[] }[] = [];
for (let seed = 1; seed <= 200; seed++) {
  const random = seededRandom(seed);
  const size = 1 + Math.floor(random() * 100);
  dags.push(
    seed % 2 === 0
      ? { name: `sp-${seed} (${size} tasks)`, tasks: randomSeriesParallelDag(random, size) }
      : { name: `general-${seed} (${size} tasks)`, tasks: randomDag(random, size) },
  );
}

const lambdaTask = (id: string, dependsOn: string[] = [], extra: Partial<Task> = {}): Task => ({
  id,
  target: { type: 'lambda', functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${id}` },
  dependsOn,
  ...extra,
});

describe('compileDag on 200 random DAGs', () => {
  // asl-validator takes ~0.1-0.2 s per definition, so this one test gets a minute.
  it('passes asl-validator, is deterministic and exact, and stays small', { timeout: 60_000 }, async ({
    annotate,
  }) => {
    const sizes: number[] = [];
    for (const { name, tasks } of dags) {
      const definition = compileDag(tasks, OPTIONS);
      expectValid(definition);
      const json = definitionJson(definition);
      expect(definitionJson(compileDag(structuredClone(tasks), OPTIONS)), name).toBe(json);
      const preds = buildDag(tasks).preds;
      expect(isExact(exactPlan(preds), preds), name).toBe(true);
      sizes.push(Buffer.byteLength(json));
    }
    sizes.sort((a, b) => a - b);
    const median = sizes[Math.floor(sizes.length / 2)];
    const max = sizes[sizes.length - 1];
    await annotate(`ASL size over 200 DAGs: median ${median} B, max ${max} B`);
    expect(max).toBeLessThan(1_048_576);
  });

  it('compiles series-parallel DAGs without a single latch wait', () => {
    for (const { name, tasks } of dags.filter((d) => d.name.startsWith('sp-'))) {
      const states = allStates(compileDag(tasks, OPTIONS).States);
      expect(
        states.filter(([n]) => n.startsWith('Await ')),
        name,
      ).toEqual([]);
    }
  });

  it('gives every task one Run state and keeps Parallel fan-out within the merge limit', () => {
    for (const { name, tasks } of dags) {
      const states = allStates(compileDag(tasks, OPTIONS).States);
      const runs = states.filter(([n]) => n.startsWith('Run ')).map(([n]) => n.slice(4));
      expect(runs.sort(), name).toEqual(tasks.map((t) => t.id).sort());
      for (const [, s] of states.filter(([, s]) => s.Type === 'Parallel'))
        expect((s.Branches as unknown[]).length).toBeLessThanOrEqual(MAX_BRANCHES);
    }
  });

  it('level-by-level baseline is valid too', () => {
    for (const { tasks } of dags.slice(0, 15)) expectValid(compileLevelByLevel(tasks, OPTIONS));
  });
});

describe('the N DAG (a→c, a→d, b→d)', () => {
  const tasks = [lambdaTask('a'), lambdaTask('b'), lambdaTask('c', ['a']), lambdaTask('d', ['a', 'b'])];

  it('orders c after a only, and makes d wait on the latch for b', () => {
    const dag = buildDag(tasks);
    const plan = exactPlan(dag.preds);
    expect([...plan.before[2]].map((v) => dag.ids[v])).toEqual(['a']);
    expect(plan.latchDeps[2]).toEqual([]);
    // d keeps one of its edges as structure and waits on the latch for the other.
    expect(plan.latchDeps[3]).toHaveLength(1);
    const latched = dag.ids[plan.latchDeps[3][0]];
    expect([...plan.before[3]].map((v) => dag.ids[v])).toEqual([latched === 'a' ? 'b' : 'a']);
    const states = Object.fromEntries(allStates(compileDag(tasks, OPTIONS).States));
    expect(states['Await c']).toBeUndefined();
    expect(states['Await d']).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { Payload: { op: 'wait', taskId: 'd', deps: [latched], 'token.$': '$$.Task.Token' } },
    });
  });

  it('level-by-level puts c behind b', () => {
    const states = allStates(compileLevelByLevel(tasks, OPTIONS).States);
    const parallels = states.filter(([, s]) => s.Type === 'Parallel').map(([n]) => n);
    expect(parallels).toHaveLength(2);
  });
});

describe('task states', () => {
  const states = (tasks: Task[]) => Object.fromEntries(allStates(compileDag(tasks, OPTIONS).States));

  it('maps the retry policy with defaults, timeouts and a catch-all', () => {
    const s = states([
      lambdaTask('a', [], {
        retry: { maxAttempts: 4, initialDelaySeconds: 2, backoffRate: 3, nonRetryableErrors: ['Fatal'] },
        timeoutSeconds: 90,
      }),
    ]);
    expect(s['Run a']).toMatchObject({
      TimeoutSeconds: 90,
      Retry: [
        { ErrorEquals: ['Fatal'], MaxAttempts: 0 },
        {
          ErrorEquals: ['States.ALL'],
          IntervalSeconds: 2,
          BackoffRate: 3,
          MaxAttempts: 3,
          MaxDelaySeconds: 300,
          JitterStrategy: 'FULL',
        },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.t0', Next: 'End a' }],
      Next: 'End a',
    });
    expect(s['Run a']).not.toHaveProperty('HeartbeatSeconds');
  });

  it('maps each target kind to its integration', () => {
    const s = states([
      lambdaTask('l'),
      { id: 'h', target: { type: 'http', url: 'https://example.com/x', method: 'POST' } },
      {
        id: 'f',
        target: {
          type: 'fargate',
          taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/job:3',
          containerName: 'main',
          command: ['run'],
        },
      },
      {
        id: 's',
        target: {
          type: 'stepfunctions',
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x',
        },
      },
      { id: 'c', target: { type: 'command', command: ['echo', 'hi'] } },
    ]);
    expect(s['Run l'].Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(s['Run h']).toMatchObject({ Parameters: { FunctionName: OPTIONS.httpExecutorFunctionArn } });
    expect(s['Run f']).toMatchObject({
      Resource: 'arn:aws:states:::ecs:runTask.sync',
      Parameters: {
        LaunchType: 'FARGATE',
        Overrides: { ContainerOverrides: [{ Name: 'main', Command: ['run'] }] },
      },
    });
    expect(s['Run s'].Resource).toBe('arn:aws:states:::states:startExecution.sync:2');
    expect(s['Run c']).toMatchObject({ Parameters: { FunctionName: OPTIONS.commandFunctionArn } });
    // Where each kind's output is in its result; Fargate returns none.
    const outputOf = (name: string) => (s[name].ResultSelector as Record<string, unknown>)['output.$'];
    expect(['Run l', 'Run h', 'Run s', 'Run c', 'Run f'].map(outputOf)).toEqual([
      '$.Payload',
      '$.Payload.output',
      '$.Output',
      '$.Payload.output',
      undefined,
    ]);
  });

  it("hands each task its dependencies' ends, from the state data or the latch release", () => {
    // The N DAG: c's dependency a is structural; one of d's two comes through the latch.
    const tasks = [lambdaTask('a'), lambdaTask('b'), lambdaTask('c', ['a']), lambdaTask('d', ['a', 'b'])];
    const s = states(tasks);
    const upstream = (id: string) =>
      (s[`Run ${id}`].Parameters as { Payload: { upstream: Record<string, string> } }).Payload.upstream;
    expect(upstream('a')).toEqual({});
    expect(upstream('c')).toEqual({ 'a.$': '$.t0' });
    const latched = (s['Await d'].Parameters as { Payload: { deps: string[] } }).Payload.deps[0];
    expect(upstream('d')).toEqual(
      latched === 'b'
        ? { 'a.$': '$.t0', 'b.$': '$.latch.tasks[0]' }
        : { 'a.$': '$.latch.tasks[0]', 'b.$': '$.t1' },
    );
    // The End report replaces the raw result at the task's key with the recorded end (small, or a pointer).
    expect(s['Run c']).toMatchObject({ ResultPath: '$.t2' });
    expect(s['End c']).toMatchObject({
      Parameters: { Payload: { op: 'ended', 'end.$': '$.t2' } },
      ResultSelector: { 'output.$': '$.Payload.output', 'outputRef.$': '$.Payload.outputRef' },
      ResultPath: '$.t2',
    });
  });

  it('routes a failed dependency by trigger rule', () => {
    const s = states([
      lambdaTask('a'),
      lambdaTask('b', ['a']),
      lambdaTask('c', ['a'], { triggerRule: 'all_done' }),
    ]);
    expect(s['Gate b']).toMatchObject({
      Type: 'Choice',
      Choices: [
        { Variable: '$.t0.status', StringEquals: 'SUCCEEDED', Next: 'Start b' },
        { Variable: '$.t0.ok', BooleanEquals: false, Next: 'Upstream failed b' },
      ],
      Default: 'Skipped b',
    });
    expect(s['Gate c']).toBeUndefined();
  });

  it('passes http and command targets as JSON text, so a user key ending in .$ is never evaluated', () => {
    const definition = compileDag(
      [
        {
          id: 'h',
          target: {
            type: 'http',
            url: 'https://example.com/x',
            method: 'POST',
            headers: { 'x.$': '$$.Execution.Name' },
            body: { 'y.$': '$.t0' },
          },
        },
        { id: 'c', target: { type: 'command', command: ['true'], env: { 'z.$': '$' } } },
      ],
      OPTIONS,
    );
    const keys: string[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value !== null && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) {
          keys.push(k);
          walk(v);
        }
    };
    walk(definition);
    expect(keys.filter((k) => ['x.$', 'y.$', 'z.$'].includes(k))).toEqual([]);
    const states = Object.fromEntries(allStates(definition.States));
    const payload = (states['Run h'].Parameters as { Payload: { target: string } }).Payload;
    expect(JSON.parse(payload.target)).toMatchObject({ headers: { 'x.$': '$$.Execution.Name' } });
  });

  it('rejects an invalid DAG', () => {
    expect(() => compileDag([lambdaTask('a', ['b']), lambdaTask('b', ['a'])], OPTIONS)).toThrow(/cycle/);
  });
});
