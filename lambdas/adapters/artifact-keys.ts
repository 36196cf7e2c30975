/** The keys of an attempt's artifacts, shared by the S3 and the on-disk stores. */
import type { AttemptRef, TaskArtifactRef, TaskFile } from '../ports.js';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,255}$/;

/** The keys of an attempt's log and output. */
export interface AttemptKeys {
  /** `runs/<jobId>/<runId>/<attempt>/log.txt` */
  readonly logKey: string;
  /** `runs/<jobId>/<runId>/<attempt>/output.json` */
  readonly outputKey: string;
}

/**
 * The keys of `ref`'s artifacts. Throws for ids that are not one safe path segment: they come from the run store,
 * so a `/` or `..` there is a bug, and on disk it would write outside the artifacts directory.
 */
export function attemptKeys(ref: AttemptRef): AttemptKeys {
  if (
    !SEGMENT.test(ref.jobId) ||
    !SEGMENT.test(ref.runId) ||
    !Number.isSafeInteger(ref.attempt) ||
    ref.attempt < 1
  ) {
    throw new Error(`Not a valid attempt reference: ${JSON.stringify(ref)}`, {
      cause: { package: 'kairos/artifacts' },
    });
  }
  const prefix = `runs/${ref.jobId}/${ref.runId}/${ref.attempt}`;
  return { logKey: `${prefix}/log.txt`, outputKey: `${prefix}/output.json` };
}

/**
 * The key of a DAG task's file, `runs/<runId>/<attempt>/tasks/<taskId>/<file>`: under `runs/` so the bucket's
 * retention rule expires it with the run, and run ids (`run_…`) never collide with the job ids (`job_…`) that
 * attempt keys start with. Throws for unsafe segments, like `attemptKeys`.
 */
export function taskFileKey(ref: TaskArtifactRef, file: TaskFile): string {
  if (
    !SEGMENT.test(ref.runId) ||
    !SEGMENT.test(ref.taskId) ||
    !Number.isSafeInteger(ref.attempt) ||
    ref.attempt < 1
  ) {
    throw new Error(`Not a valid task artifact reference: ${JSON.stringify(ref)}`, {
      cause: { package: 'kairos/artifacts' },
    });
  }
  return `runs/${ref.runId}/${ref.attempt}/tasks/${ref.taskId}/${file}`;
}
