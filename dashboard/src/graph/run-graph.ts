/**
 * Which graph to draw for a run. The run's own `graph` (the edges of the job version it executes) is right by
 * definition; a run recorded before that field existed falls back to the job's current definition, which may
 * have changed since, and says so.
 */
import type { Job, Run } from '../api-types.js';
import type { DagTask } from './layout.js';

export interface RunGraph {
  readonly tasks: readonly DagTask[];
  /** Why the edges may not be the ones the run ran with; undefined when they are. */
  readonly note?: string;
}

export function runGraph(run: Run, job: Job | undefined): RunGraph | undefined {
  const stateIds = Object.keys(run.tasks ?? {});
  if (run.graph) {
    const graph = run.graph;
    // Definition order where known, so the graph reads like the job; then any task only the states name.
    const ids = unique([...Object.keys(graph), ...stateIds]);
    return { tasks: ids.map((id) => ({ id, dependsOn: graph[id] ?? [] })) };
  }
  const defined = job?.tasks;
  if (!defined && stateIds.length === 0) return undefined;
  if (!defined) {
    return {
      tasks: stateIds.map((id) => ({ id })),
      note: 'The job definition is not available, so the tasks are shown without their dependencies.',
    };
  }
  const byId = new Map(defined.map((t) => [t.id, t]));
  const ids =
    stateIds.length > 0
      ? unique([...defined.map((t) => t.id).filter((id) => stateIds.includes(id)), ...stateIds])
      : defined.map((t) => t.id);
  const changed = run.jobVersion !== undefined && job !== undefined && run.jobVersion !== job.version;
  return {
    tasks: ids.map((id) => ({ id, dependsOn: byId.get(id)?.dependsOn ?? [] })),
    note: changed
      ? `This run was created from job version ${run.jobVersion}; its dependencies are drawn from the current version ${job.version} and may differ.`
      : undefined,
  };
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
