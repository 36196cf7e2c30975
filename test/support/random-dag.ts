import type { CompileOptions } from '../../lambdas/core/dag/asl.js';
import type { Task } from '../../lambdas/core/job/tasks.js';

/** Deterministic PRNG (mulberry32) so a failing DAG can be regenerated from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (random: () => number, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

const lambdaTask = (id: string, dependsOn: string[]): Task => ({
  id,
  target: { type: 'lambda', functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${id}` },
  ...(dependsOn.length > 0 ? { dependsOn } : {}),
});

/** A general DAG: each task depends on up to `maxDeps` earlier tasks, so "N" shapes are common. */
export function randomDag(random: () => number, size: number, maxDeps = 3): Task[] {
  const tasks: Task[] = [];
  for (let i = 0; i < size; i++) {
    const deps = new Set<string>();
    const count = i === 0 ? 0 : int(random, 0, Math.min(maxDeps, i));
    for (let k = 0; k < count; k++) deps.add(`t-${int(random, Math.max(0, i - 12), i - 1)}`);
    tasks.push(lambdaTask(`t-${i}`, [...deps].sort()));
  }
  return tasks;
}

/** A series-parallel DAG: series composition joins every sink on the left to every source on the right. */
export function randomSeriesParallelDag(random: () => number, size: number): Task[] {
  let next = 0;
  const deps = new Map<string, Set<string>>();
  const build = (n: number): { sources: string[]; sinks: string[] } => {
    if (n === 1) {
      const id = `s-${next++}`;
      deps.set(id, new Set());
      return { sources: [id], sinks: [id] };
    }
    const left = int(random, 1, n - 1);
    const a = build(left);
    const b = build(n - left);
    if (random() < 0.5) return { sources: [...a.sources, ...b.sources], sinks: [...a.sinks, ...b.sinks] };
    for (const source of b.sources) for (const sink of a.sinks) deps.get(source)?.add(sink);
    return { sources: a.sources, sinks: b.sinks };
  };
  build(size);
  return [...deps].map(([id, ds]) => lambdaTask(id, [...ds].sort()));
}

export const TEST_COMPILE_OPTIONS: CompileOptions = {
  latchFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:kairos-latch',
  httpExecutorFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:kairos-http-executor',
  commandFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:kairos-local-command',
  fargate: {
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/kairos',
    subnets: ['subnet-1'],
    securityGroups: ['sg-1'],
  },
};
