/**
 * The ports between services and the outside world. Services depend on these interfaces only; adapters in
 * `adapters/aws` and `adapters/local` implement them. Later issues add timers, executors, cron registry, etc.
 */

import type { AuditRecord } from './core/audit.js';
import type { BackfillRecord } from './core/backfill/record.js';
import type { LatchEnded } from './core/dag/latch-contract.js';
import type { TaskOutputRef } from './core/dag/task-output.js';
import type { FieldProblem } from './core/errors.js';
import type { Target } from './core/job/targets.js';
import type { JobRecord, JobStatus } from './core/job.js';
import type { DispatchMessage, Lane, OutboundMessage } from './core/messages.js';
import type { RunError, RunRecord, TaskState } from './core/run.js';
import type { RunStatus } from './core/run-states.js';
import type { SlaMiss } from './core/sla.js';

/** The only source of "now" outside tests; core never reads the clock itself. */
export interface Clock {
  now(): Date;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque, tamper-checked; absent on the last page. */
  readonly nextCursor?: string;
}

export interface JobListQuery {
  /** Statuses to include. */
  readonly statuses: readonly JobStatus[];
  /** Only jobs whose tag `key` equals `value`. */
  readonly tag?: { readonly key: string; readonly value: string };
  readonly limit: number;
  readonly cursor?: string;
}

export interface JobStore {
  /** Create-if-absent. Throws `AlreadyExistsError` when `jobId` exists. */
  create(job: JobRecord): Promise<void>;
  get(jobId: string): Promise<JobRecord | undefined>;
  /**
   * Replace the job if its stored version is `expectedVersion`; the stored version becomes
   * `expectedVersion + 1`. Throws `VersionConflictError` on mismatch, `NotFoundError` if absent.
   */
  update(job: JobRecord, expectedVersion: number): Promise<JobRecord>;
  /**
   * Change the status if the current one is in `from`, bumping the version. Throws `IllegalStateError`
   * (with the current status in the message) or `NotFoundError`.
   */
  setStatus(jobId: string, from: readonly JobStatus[], to: JobStatus, at: string): Promise<JobRecord>;
  /** Newest first. Throws `ValidationError` (path `query.cursor`) for a forged or foreign cursor. */
  list(query: JobListQuery): Promise<Page<JobRecord>>;
  /**
   * Records that the job's EventBridge schedule matches version `version`, if that is still the job's version
   * (no version bump). Returns false when the job changed meanwhile.
   */
  markScheduleSynced(jobId: string, version: number): Promise<boolean>;
}

export interface RunListQuery {
  readonly jobId: string;
  readonly statuses?: readonly RunStatus[];
  readonly limit: number;
  readonly cursor?: string;
}

export interface RunTransition {
  readonly runId: string;
  /** The change is applied only while the run is in one of these statuses. */
  readonly from: readonly RunStatus[];
  readonly to: RunStatus;
  /** When given, the change also requires this attempt number (guards against stale deliveries). */
  readonly expectedAttempt?: number;
  /** Other top-level attributes to set in the same write. */
  readonly set?: Partial<Omit<RunRecord, 'runId' | 'jobId' | 'status'>>;
}

export interface RunStore {
  /** Create-if-absent: the run id is derived from the slot, so a second create is `AlreadyExistsError`. */
  create(run: RunRecord): Promise<void>;
  get(runId: string): Promise<RunRecord | undefined>;
  /** One conditional write. Throws `IllegalStateError` when the status/attempt guard fails. */
  transition(change: RunTransition): Promise<RunRecord>;
  /** Newest `scheduledFor` first. */
  listByJob(query: RunListQuery): Promise<Page<RunRecord>>;
  latestForJob(jobId: string): Promise<RunRecord | undefined>;
  /**
   * The status of each run of `runIds` that exists (absent ids are missing from the map): batched reads of the
   * status only. `consistent` asks for strongly consistent reads (what a decision to write depends on).
   */
  statusesOf(runIds: readonly string[], options?: { consistent?: boolean }): Promise<Map<string, RunStatus>>;
  /**
   * Writes one task's state of a DAG run while attempt `attempt` is RUNNING or was CANCELLED (the run's `tasks`
   * map exists from the attempt's start): one conditional write per change, so tasks ending at once never
   * overwrite each other. False when the attempt is not the current one (timed out, taken over, retried).
   */
  setTaskState(runId: string, attempt: number, taskId: string, state: TaskState): Promise<boolean>;
}

/**
 * Backfill records. Every change is one conditional write, so pumps delivered twice or racing each other, and a
 * cancel racing a pump, cannot both win.
 */
export interface BackfillStore {
  /** Create-if-absent; `AlreadyExistsError` when the id exists. */
  create(record: BackfillRecord): Promise<void>;
  get(backfillId: string): Promise<BackfillRecord | undefined>;
  /**
   * Moves the cursor forward to `slot` (ISO) while the backfill is RUNNING and its cursor is before `slot`,
   * counting a launch when `launched`. False when it is cancelled or another pump has got there first.
   */
  advance(backfillId: string, slot: string, launched: boolean): Promise<boolean>;
  /** Records the run waiting for a free concurrency slot, while RUNNING; false once cancelled. */
  park(backfillId: string, runId: string): Promise<boolean>;
  /** RUNNING → CANCELLED. Returns the record as it is afterwards (also when already cancelled); undefined if unknown. */
  cancel(backfillId: string): Promise<BackfillRecord | undefined>;
  /**
   * Takes the right to plan the capacity recheck at `at` unless one is planned after `now`, so pumps waiting
   * together plan one recheck, not one each. True when the caller should plan it.
   */
  claimRecheck(backfillId: string, at: string, now: string): Promise<boolean>;
}

// ---- Execution engine ----------------------------------------------------------------------------------

/** Sends dispatch messages to the lane queues (SQS on AWS, the durable local queue locally). */
export interface DispatchQueue {
  /** Chunks as the backend requires (10 per SQS batch); every entry is sent or the call throws. */
  sendBatch(entries: readonly OutboundMessage[]): Promise<void>;
}

/** A timer waiting in a Schedule-table time bucket until the watcher moves it to a queue. */
export interface TimerItem {
  /** `<minute>#<shard>` partition key. */
  readonly bucket: string;
  /** `<dueAtMs padded>#<timerId>` sort key. */
  readonly due: string;
  readonly dueAtMs: number;
  readonly lane: Lane;
  readonly message: DispatchMessage;
  /** Epoch seconds after which DynamoDB TTL may delete a spent bucket item. */
  readonly expiresAt: number;
}

export interface TimerStore {
  /** BatchWriteItem in chunks of 25, retrying unprocessed items. */
  put(items: readonly TimerItem[]): Promise<void>;
  /** Items of one bucket due at or before `untilMs`, in due order. */
  listDue(bucket: string, untilMs: number): Promise<TimerItem[]>;
  remove(items: readonly Pick<TimerItem, 'bucket' | 'due'>[]): Promise<void>;
}

/** `timers.fireAt(when, message)`: the one mechanism for everything that must happen later. */
export interface Timers {
  fireAt(when: Date, message: DispatchMessage, lane: Lane): Promise<void>;
  /** Many timers at once (backfills, bursts): batched sends and writes. */
  fireAtMany(entries: readonly { when: Date; message: DispatchMessage; lane: Lane }[]): Promise<void>;
}

/** Where the records of runs that failed for good, and of poison messages, are kept for inspection/redrive. */
export interface DeadLetters {
  record(entry: { reason: string; body: unknown; runId?: string; jobId?: string }): Promise<void>;
}

export interface ExecutionContext {
  readonly jobId: string;
  readonly runId: string;
  readonly attempt: number;
  readonly payload: unknown;
  /** A DAG task's direct dependencies' ends by task id (`{ status, ok, output, outputRef }`); absent otherwise. */
  readonly upstream?: unknown;
  /** The attempt's time budget; executors also stop when `signal` aborts (timeout or cancel). */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

export type ExecutionOutcome =
  | { readonly status: 'succeeded'; readonly output?: unknown; readonly log: string }
  | { readonly status: 'failed'; readonly error: RunError; readonly output?: unknown; readonly log: string }
  /** Asynchronous targets (Fargate, Step Functions): completion arrives later as an event. */
  | { readonly status: 'started'; readonly handle: string; readonly log: string };

/** One adapter per target type. */
export interface Executor<T extends Target = Target> {
  execute(target: T, context: ExecutionContext): Promise<ExecutionOutcome>;
  /** Stops an asynchronous execution by its handle (StopTask / StopExecution). */
  stop?(handle: string, reason: string): Promise<void>;
}

export type Executors = Partial<{ [K in Target['type']]: Executor<Extract<Target, { type: K }>> }>;

export interface AttemptRef {
  readonly jobId: string;
  readonly runId: string;
  readonly attempt: number;
}

/** Logs and outputs of attempts: S3 on AWS, files under `$KAIROS_HOME/artifacts` locally. */
export interface Artifacts {
  /** Writes `runs/<jobId>/<runId>/<attempt>/log.txt` (and `output.json` when given); returns the keys. */
  putAttempt(
    ref: AttemptRef,
    files: { log: string; output?: unknown },
  ): Promise<{ logKey: string; outputKey?: string }>;
  /** The log text, or undefined when the attempt left none. */
  getLog(ref: AttemptRef): Promise<string | undefined>;
  /** Writes a DAG task's file under `runs/<runId>/<attempt>/tasks/<taskId>/`; returns where it is. */
  putTaskFile(ref: TaskArtifactRef, file: TaskFile, body: string): Promise<TaskOutputRef>;
  /** A DAG task's log (all its attempts), or undefined when it left none. */
  getTaskLog(ref: TaskArtifactRef): Promise<string | undefined>;
}

/** One task of one attempt of a DAG run. */
export interface TaskArtifactRef {
  readonly runId: string;
  readonly attempt: number;
  readonly taskId: string;
}

export type TaskFile = 'output.json' | 'log.txt';

/** Checks a target before a job is saved (e.g. the SSRF guard resolving an http target's host). */
export interface TargetGuard {
  /** Problems with the target; `path` is its JSON path (`$.target`, `$.tasks[2].target`). */
  check(target: Target, path: string): Promise<FieldProblem[]>;
}

/**
 * Concurrency slots of a job: a run holds one from its start until it is terminal. Claiming is one conditional
 * write (so two dispatchers cannot both take the last slot); a run that already holds a slot re-claims it.
 */
export interface ConcurrencySlots {
  /** Takes a slot for `runId` if fewer than `max` are held (or `runId` holds one already). */
  claim(jobId: string, runId: string, max: number): Promise<boolean>;
  release(jobId: string, runId: string): Promise<void>;
  holders(jobId: string): Promise<string[]>;
}

/** In-process handles of attempts running here, so a timeout or cancel can abort them. */
export interface ExecutionControl {
  register(runId: string, controller: AbortController): void;
  unregister(runId: string, controller: AbortController): void;
  /** Aborts the attempt of `runId` running in this process, if any; returns whether one was found. */
  abort(runId: string, reason: Error): boolean;
}

/**
 * The state machines of DAG jobs: one per job, and one immutable published version per job version, so a run
 * started before an update finishes on the version it started with (its run records the version's ARN).
 */
export interface WorkflowRegistry {
  /** Creates or updates the job's state machine to `definition` and publishes it; returns the version's ARN. */
  publish(jobId: string, jobVersion: number, definition: string): Promise<string>;
  /** Deletes the job's state machine and its versions; executions already running finish. */
  remove(jobId: string): Promise<void>;
}

/** One attempt of a DAG run, handed to the workflow engine. */
export interface DagAttempt {
  readonly jobId: string;
  readonly runId: string;
  readonly attempt: number;
  /** The published state machine version the run executes (see {@link WorkflowRegistry}). */
  readonly versionArn: string;
  /** The run's payload, the execution input every task can read. */
  readonly payload: unknown;
  /** Aborts on cancel and on the run's timeout. */
  readonly signal: AbortSignal;
  /** Records a task's state change on the run (live task state). */
  readonly onTask: (taskId: string, state: TaskState) => Promise<void>;
}

/** Runs DAG attempts: Step Functions on AWS, the generated ASL on aws-local-stepfunctions locally. */
export interface DagExecutor {
  execute(attempt: DagAttempt): Promise<ExecutionOutcome>;
  /** Stops an attempt that answered `started` (StopExecution), on cancel and timeout. */
  stop?(handle: string, reason: string): Promise<void>;
}

/** A waiter registered with the latch: its task token and the tasks it waits for. */
export interface LatchWaiter {
  readonly token: string;
  readonly deps: readonly string[];
}

/** The latch state of one attempt of a DAG run, as the write that returned it left it. */
export interface DagLatchState {
  readonly ended: Readonly<Record<string, LatchEnded>>;
  readonly waiters: Readonly<Record<string, LatchWaiter>>;
}

/** One attempt of a DAG run, as the latch sees it (read back from the execution name). */
export interface LatchAttempt {
  readonly runId: string;
  readonly attempt: number;
}

/**
 * The deployed latch's state, kept on the run (DynamoDB Runs table). Each write is one atomic update that
 * returns the attempt's whole latch state, so whichever of "dep ended" and "waiter registered" is written last
 * sees the other. Writes for an attempt that is no longer the run's current one change nothing and return
 * undefined.
 */
export interface DagLatchStore {
  /** The task's live state when it is about to call its target. */
  recordStart(ref: LatchAttempt, taskId: string, state: TaskState): Promise<void>;
  /** The task's end (latch entry and live state, output or its pointer included, in the same write). */
  recordEnd(
    ref: LatchAttempt,
    taskId: string,
    ended: LatchEnded,
    end: Pick<TaskState, 'endedAt' | 'error'>,
  ): Promise<DagLatchState | undefined>;
  registerWaiter(ref: LatchAttempt, taskId: string, waiter: LatchWaiter): Promise<DagLatchState | undefined>;
  /** Forgets a released waiter (only if it still holds `token`). */
  removeWaiter(ref: LatchAttempt, taskId: string, token: string): Promise<void>;
}

/** Resumes a `.waitForTaskToken` state (SendTaskSuccess). */
export interface TaskTokens {
  /** False when the token is spent or expired (a duplicate release), which callers ignore. */
  succeed(token: string, output: unknown): Promise<boolean>;
}

/** Where SLA misses go: SNS on AWS; the log and `KAIROS_ALERT_WEBHOOK` locally. */
export interface Alerts {
  slaMissed(miss: SlaMiss): Promise<void>;
}

/** SLA misses: one conditional write per run and kind makes "at most one alert" hold under duplicates. */
export interface SlaStore {
  /** Records the miss on the run unless that kind is recorded already; true when this call recorded it. */
  markMiss(miss: SlaMiss): Promise<boolean>;
  /** Misses detected in [since, until), oldest first. */
  missesBetween(since: Date, until: Date): Promise<SlaMiss[]>;
}

/** One EventBridge Scheduler schedule per recurring job (a local stand-in in the local runtime). */
export interface CronRegistry {
  /** Creates or replaces the job's schedule so it matches the job (expression, timezone, start/end, state). Idempotent. */
  put(job: JobRecord): Promise<void>;
  /** Deletes the job's schedule; absent is fine. */
  remove(jobId: string): Promise<void>;
}

export interface AuditQuery {
  /** Only the records of this job. @default - every record */
  readonly jobId?: string;
  /** Only records at or after this instant. @default - every record still retained */
  readonly since?: Date;
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * The append-only audit log (DynamoDB Audit table): records are only ever added, never updated or deleted
 * (DynamoDB TTL removes them after the retention).
 */
export interface AuditLog {
  /** Adds one record; `AlreadyExistsError` when its id exists (a record is never overwritten). */
  append(record: AuditRecord): Promise<void>;
  /** Newest first. Throws `ValidationError` (path `query.cursor`) for a forged cursor or one of another query. */
  list(query: AuditQuery): Promise<Page<AuditRecord>>;
}
