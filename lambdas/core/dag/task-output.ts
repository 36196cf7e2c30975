/**
 * Task outputs between DAG tasks. Every task's end is kept in the execution's state data and on the run item,
 * so an output travels inline only while it is small; a larger one is stored as an artifact and a pointer
 * travels instead. With MAX_TASKS = 100 and MAX_FAN_IN = 32 the inline limit bounds the state data at about
 * 100 × 1 KiB (Step Functions allows 256 KiB) and the run item at the same (DynamoDB allows 400 KB).
 * See docs/adr/0012-task-outputs.md.
 */

/** Largest output (bytes of its JSON) passed inline; above it, the output goes to S3 and a pointer is passed. */
export const INLINE_OUTPUT_BYTES = 1024;

/** Where an output too large to pass inline was stored. */
export interface TaskOutputRef {
  /** `s3://bucket/key` on AWS, `file:///…` in the local runtime. */
  readonly uri: string;
  /** The artifact key (`runs/<runId>/<attempt>/tasks/<taskId>/output.json`). */
  readonly key: string;
  /** Size of the stored JSON. */
  readonly bytes: number;
}

/** How a task's output travels: inline, or (never both) through a pointer. */
export interface TaskOutputPassing {
  readonly output: unknown;
  readonly outputRef: TaskOutputRef | null;
}

const encoder = new TextEncoder();

/** Bytes of `value` as JSON; `undefined` counts as `null` (what Step Functions passes for no output). */
export function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value ?? null)).length;
}

/** The JSON to store when `output` is too large to pass inline, or undefined when it travels inline. */
export function outputToStore(output: unknown): string | undefined {
  const json = JSON.stringify(output ?? null);
  return encoder.encode(json).length > INLINE_OUTPUT_BYTES ? json : undefined;
}
