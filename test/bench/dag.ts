import { compileDag, compileLevelByLevel, definitionJson } from '../../lambdas/core/dag/compile.js';
import { criticalPath } from '../../lambdas/core/dag/graph.js';
import { startTimedRun } from '../support/dag-run.js';
import {
  randomDag,
  randomSeriesParallelDag,
  seededRandom,
  TEST_COMPILE_OPTIONS,
} from '../support/random-dag.js';
import { type BenchLine, percentile } from './types.js';

/**
 * DAG compilation. Makespan: random DAGs (half series-parallel, 5-50 tasks, task durations 20-300 ms) run on
 * aws-local-stepfunctions with in-process tasks and latch, exact and level-by-level one after the other;
 * the figure is makespan / critical path. `KAIROS_BENCH_DAG_RUNS` sets how many DAGs (200 by default, about
 * 15 minutes). Transitions are counted from the local run's StateEntered events (Parallel states included),
 * which is what Step Functions bills per state entered.
 */
export default async function benchDag(): Promise<BenchLine[]> {
  return [...compileFigures(), ...(await makespanFigures())];
}

function compileFigures(): BenchLine[] {
  const lines: BenchLine[] = [];
  for (const size of [10, 100, 1000]) {
    const tasks = randomDag(seededRandom(size), size);
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      bytes = Buffer.byteLength(definitionJson(compileDag(tasks, TEST_COMPILE_OPTIONS)));
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const ms = Math.round(percentile(times, 50) * 100) / 100;
    lines.push({ name: 'dag.compile.time', value: ms, unit: 'ms', tasks: size });
    lines.push({
      name: 'dag.compile.size',
      value: bytes,
      unit: 'bytes',
      tasks: size,
      underOneMiB: bytes < 1_048_576,
    });
  }
  return lines;
}

async function makespanFigures(): Promise<BenchLine[]> {
  const runs = Number(process.env.KAIROS_BENCH_DAG_RUNS ?? 200);
  const ratios = { exact: [] as number[], level: [] as number[] };
  const perTask = { exact: [] as number[], level: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const random = seededRandom(5000 + i);
    const size = 5 + Math.floor(random() * 46);
    const tasks = i % 2 === 0 ? randomDag(random, size) : randomSeriesParallelDag(random, size);
    const durations = Object.fromEntries(tasks.map((t) => [t.id, 20 + Math.floor(random() * 281)]));
    const cp = criticalPath(tasks, durations).length;
    const behaviour = (id: string) => ({ ms: durations[id] });
    for (const kind of ['exact', 'level'] as const) {
      const definition =
        kind === 'exact'
          ? compileDag(tasks, TEST_COMPILE_OPTIONS)
          : compileLevelByLevel(tasks, TEST_COMPILE_OPTIONS);
      const run = await startTimedRun(definition, behaviour, `${kind}-${i}`).result;
      if (run.outcome.status !== 'SUCCEEDED')
        throw new Error(`DAG ${i} (${kind}) ended ${run.outcome.status}`);
      ratios[kind].push(run.makespan / cp);
      perTask[kind].push(run.outcome.transitions / tasks.length);
    }
  }
  const lines: BenchLine[] = [];
  for (const kind of ['exact', 'level'] as const) {
    const r = [...ratios[kind]].sort((a, b) => a - b);
    const t = [...perTask[kind]].sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    const compilation = kind === 'exact' ? 'exact' : 'level-by-level';
    lines.push({
      name: 'dag.makespan.ratio.median',
      value: round(percentile(r, 50)),
      unit: 'x',
      compilation,
      runs,
    });
    lines.push({
      name: 'dag.makespan.ratio.max',
      value: round(r[r.length - 1]),
      unit: 'x',
      compilation,
      runs,
    });
    lines.push({
      name: 'dag.transitions.per_task.median',
      value: round(percentile(t, 50)),
      unit: 'transitions',
      compilation,
      source: 'local run StateEntered events',
      runs,
    });
  }
  return lines;
}
