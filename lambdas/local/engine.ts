import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoBackfillStore } from '../adapters/aws/dynamo-backfill-store.js';
import { createDynamoConcurrencySlots } from '../adapters/aws/dynamo-concurrency-slots.js';
import { createDynamoSlaStore } from '../adapters/aws/dynamo-sla-store.js';
import { createDynamoTimerStore } from '../adapters/aws/dynamo-timer-store.js';
import { createLocalExecutors } from '../adapters/executors/local-executors.js';
import { createDiskArtifacts } from '../adapters/local/disk-artifacts.js';
import { createLocalAlerts } from '../adapters/local/local-alerts.js';
import { createLocalCronRegistry } from '../adapters/local/local-cron-registry.js';
import { createLocalWorkflowRegistry } from '../adapters/local/local-workflow-registry.js';
import { LANES, parseDispatchMessage } from '../core/messages.js';
import type { AllowList } from '../core/ssrf.js';
import type { Clock, JobStore, RunStore } from '../ports.js';
import type { EngineDeps } from '../services/dispatch/deps.js';
import { createDispatcher } from '../services/dispatch/dispatcher.js';
import { createExecutionControl } from '../services/execution-control.js';
import { createTimers } from '../services/timers.js';
import { createWatcher } from '../services/watcher.js';
import type { TableNames } from './embedded-dynamo.js';
import {
  createLocalDeadLetters,
  createLocalDispatchQueue,
  createLocalQueue,
  ensureLocalQueueTable,
  type LocalQueue,
  laneQueue,
} from './local-queue.js';
import { reindexMessages } from './local-queue-table.js';
import { createLocalScheduler, type LocalScheduler } from './local-scheduler.js';
import { ensureLocalSchedulesTable } from './local-schedules-table.js';
import { type Stoppable, startQueueWorker, startWatcherLoop } from './queue-worker.js';
import { createLocalDagExecutor, LOCAL_COMPILE_OPTIONS } from './sfn/dag-executor.js';

export interface LocalEngineOptions {
  readonly home: string;
  readonly jobs: JobStore;
  readonly runs: RunStore;
  readonly client: DynamoDBDocumentClient;
  readonly tables: TableNames;
  readonly tablePrefix: string;
  readonly clock: Clock;
  readonly allowList: AllowList;
  /** Shards per timer bucket; one is plenty for one machine and keeps the 1 s watcher tick cheap. @default 1 */
  readonly shards?: number;
  /** Dispatch handlers running at once (each holds its slot while its target runs). @default 64 */
  readonly concurrency?: number;
  readonly log?: (entry: Record<string, unknown>) => void;
  /** URL each alert is POSTed to (`KAIROS_ALERT_WEBHOOK`). @default - alerts are only logged */
  readonly alertWebhook?: string;
  /** Most seconds the EventBridge Scheduler stand-in fires after a schedule's time (0-59). @default 50 */
  readonly schedulerMaxLateSeconds?: number;
}

export interface LocalEngine {
  readonly deps: EngineDeps;
  readonly queue: LocalQueue;
  /** The EventBridge Scheduler stand-in that fires `deps.cron`'s schedules into the lane queues. */
  readonly scheduler: LocalScheduler;
  /** Starts the queue worker, the watcher loop and the scheduler. */
  start(): void;
  /** Stops consuming, aborts attempts still running here (their runs are retried after restart), waits. */
  stop(): Promise<void>;
}

/** The execution engine of the local runtime: the production services on the local stand-ins. */
export async function createLocalEngine(options: LocalEngineOptions): Promise<LocalEngine> {
  const { client, clock } = options;
  const shards = options.shards ?? 1;
  const queueTable = await ensureLocalQueueTable(client, options.tablePrefix);
  // Repairs index entries a kill -9 may have cut (see reindexMessages) before any consumer starts.
  await reindexMessages(client, queueTable, LANES.map(laneQueue));
  const queue = createLocalQueue({ client, tableName: queueTable, clock });
  const dispatchQueue = createLocalDispatchQueue(queue);
  const store = createDynamoTimerStore({ client, tableName: options.tables.Schedule });
  const control = createExecutionControl();
  const log = options.log ?? ((entry: Record<string, unknown>) => console.log(JSON.stringify(entry)));
  const schedulesTable = await ensureLocalSchedulesTable(client, options.tablePrefix);
  const cron = createLocalCronRegistry({ client, tableName: schedulesTable, clock });
  const scheduler = createLocalScheduler({
    registry: cron,
    queue,
    clock,
    maxLateSeconds: options.schedulerMaxLateSeconds,
    log,
  });
  const executors = createLocalExecutors({ home: options.home, allowList: options.allowList });
  const workflows = createLocalWorkflowRegistry({ home: options.home });
  const artifacts = createDiskArtifacts({ root: join(options.home, 'artifacts') });
  const deps: EngineDeps = {
    jobs: options.jobs,
    runs: options.runs,
    timers: createTimers({ queue: dispatchQueue, store, clock, shards }),
    slots: createDynamoConcurrencySlots({ client, tableName: options.tables.Jobs }),
    backfills: createDynamoBackfillStore({ client, tableName: options.tables.Jobs }),
    executors,
    workflows,
    dags: createLocalDagExecutor({
      registry: workflows,
      executors,
      compileOptions: LOCAL_COMPILE_OPTIONS,
      clock,
      artifacts,
    }),
    compileOptions: LOCAL_COMPILE_OPTIONS,
    artifacts,
    deadLetters: createLocalDeadLetters(queue, clock),
    control,
    cron,
    sla: createDynamoSlaStore({ client, runsTable: options.tables.Runs, jobsTable: options.tables.Jobs }),
    alerts: createLocalAlerts({ webhook: options.alertWebhook, log: log }),
    clock,
    random: Math.random,
    log: options.log,
  };
  const watcher = createWatcher({ queue: dispatchQueue, store, clock, shards });
  let running: Stoppable[] = [];
  return {
    deps,
    queue,
    scheduler,
    start() {
      const dispatcher = createDispatcher(deps);
      running = [
        startQueueWorker({
          queue,
          concurrency: options.concurrency ?? 64,
          handle: (message) => dispatcher.handle(parseDispatchMessage(message.body)),
        }),
        startWatcherLoop({ watcher, intervalMs: 1000 }),
        scheduler.start({ intervalMs: 250 }),
      ];
    },
    async stop() {
      const stopping = running.map((r) => r.stop());
      running = [];
      // In-flight handlers wait for their targets: interrupt them so shutdown is prompt; each such attempt is
      // recorded as interrupted and retried per policy.
      control.abortAll(new Error('the local runtime is shutting down'));
      await Promise.all(stopping);
    },
  };
}
