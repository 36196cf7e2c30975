/** State names of one task's states; task ids have no spaces, so the prefixes keep names unique. */
export function taskStateNames(id: string) {
  return {
    await: `Await ${id}`,
    gate: `Gate ${id}`,
    start: `Start ${id}`,
    run: `Run ${id}`,
    end: `End ${id}`,
    upstreamFailed: `Upstream failed ${id}`,
    skipped: `Skipped ${id}`,
  } as const;
}

/**
 * Key of a task's status in the state data. Task ids may contain '-', which JSONPath dot notation does not
 * accept, so the key is the task's position in the job's task list.
 */
export const statusKey = (node: number): string => `t${node}`;

export const INIT_STATE = 'Init';
export const OUTCOME_STATE = 'Outcome';
export const RUN_FAILED_STATE = 'DAG failed';
export const RUN_SUCCEEDED_STATE = 'DAG succeeded';
/** Error of a run whose tasks did not all end ok; the engine reads per-task statuses from the run record. */
export const DAG_FAILED_ERROR = 'Kairos.DagFailed';
