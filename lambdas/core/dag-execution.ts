/**
 * Names of a DAG run's Step Functions executions. The compiled definition reads the run id from
 * `$$.Execution.Name`, so the name must carry the run id and the attempt and nothing else: the run id alone for
 * attempt 1 (the name ARCHITECTURE.md promises) and `<runId>-a<attempt>` for retries, since an execution name
 * can never be reused within a state machine's 90-day history.
 */

const RETRY_NAME = /^(.+)-a([1-9]\d*)$/;

export function dagExecutionName(runId: string, attempt: number): string {
  return attempt <= 1 ? runId : `${runId}-a${attempt}`;
}

/** The run id and attempt an execution name stands for. */
export function parseDagExecutionName(name: string): { runId: string; attempt: number } {
  const retry = RETRY_NAME.exec(name);
  return retry === null ? { runId: name, attempt: 1 } : { runId: retry[1]!, attempt: Number(retry[2]) };
}
