import type { CompileOptions } from '../../core/dag/asl.js';
import type { JobRecord } from '../../core/job.js';
import type { RandomSource } from '../../core/retry.js';
import type {
  Alerts,
  Artifacts,
  BackfillStore,
  Clock,
  ConcurrencySlots,
  CronRegistry,
  DagExecutor,
  DeadLetters,
  ExecutionControl,
  Executors,
  JobStore,
  RunStore,
  SlaStore,
  Timers,
  WorkflowRegistry,
} from '../../ports.js';

/** Everything the execution engine's services need, passed in by the handler or the local runtime. */
export interface EngineDeps {
  readonly jobs: JobStore;
  readonly runs: RunStore;
  readonly backfills: BackfillStore;
  readonly timers: Timers;
  readonly slots: ConcurrencySlots;
  readonly executors: Executors;
  readonly artifacts: Artifacts;
  readonly deadLetters: DeadLetters;
  readonly control: ExecutionControl;
  readonly clock: Clock;
  readonly sla: SlaStore;
  /** The per-job EventBridge schedules; absent where there are none (e.g. a stack from before them). */
  readonly cron?: CronRegistry;
  readonly alerts: Alerts;
  /** DAG jobs: where their state machines are published, how they are compiled and run. Absent: DAG jobs fail. */
  readonly workflows?: WorkflowRegistry;
  readonly dags?: DagExecutor;
  readonly compileOptions?: CompileOptions;
  /** Stage name, the dimension of the metrics. @default 'local' */
  readonly stage?: string;
  /** Sink of EMF metric lines. @default console.log (CloudWatch Logs turns them into metrics) */
  readonly metrics?: (line: string) => void;
  /** Jitter source for retry delays. */
  readonly random: RandomSource;
  /** Days a run is kept before DynamoDB TTL removes it. @default 30 */
  readonly runRetentionDays?: number;
  /** Structured log line sink. @default console.log of JSON */
  readonly log?: (entry: Record<string, unknown>) => void;
}

export const DEFAULT_TIMEOUT_SECONDS = 3600;

/** The time budget of one attempt of the job. */
export function attemptTimeoutMs(job: JobRecord): number {
  return (job.definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
}

export function logOf(deps: EngineDeps): (entry: Record<string, unknown>) => void {
  return deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
}
