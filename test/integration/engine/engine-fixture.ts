import { createDynamoBackfillStore } from '../../../lambdas/adapters/aws/dynamo-backfill-store.js';
import { createDynamoConcurrencySlots } from '../../../lambdas/adapters/aws/dynamo-concurrency-slots.js';
import { createDynamoSlaStore } from '../../../lambdas/adapters/aws/dynamo-sla-store.js';
import type { JobRecord } from '../../../lambdas/core/job.js';
import type { JobDefinition } from '../../../lambdas/core/job-schema.js';
import type { DispatchMessage, Lane } from '../../../lambdas/core/messages.js';
import type { SlaMiss } from '../../../lambdas/core/sla.js';
import { ensureTables } from '../../../lambdas/local/embedded-dynamo.js';
import type { Artifacts, ExecutionOutcome, Executor, Executors } from '../../../lambdas/ports.js';
import type { EngineDeps } from '../../../lambdas/services/dispatch/deps.js';
import { createExecutionControl } from '../../../lambdas/services/execution-control.js';
import { startStoreStack } from '../store/fixtures.js';

export interface PlannedTimer {
  readonly when: Date;
  readonly message: DispatchMessage;
  readonly lane: Lane;
}

/**
 * The engine's services on dynalite stores, with a settable clock, timers that only record what was planned,
 * an in-memory artifacts store and a scripted executor: the dispatcher's decisions can be checked one by one.
 */
export async function startEngineFixture() {
  const stack = await startStoreStack();
  const tables = await ensureTables(stack.dynamo.client, 'kairos-test');
  let now = new Date('2030-01-01T00:00:00Z');
  const planned: PlannedTimer[] = [];
  const deadLetters: unknown[] = [];
  const alerts: SlaMiss[] = [];
  const metrics: string[] = [];
  const outcomes: ExecutionOutcome[] = [];
  const executions: { runId: string; attempt: number }[] = [];
  const stopped: string[] = [];
  const logs = new Map<string, string>();
  const executor: Executor = {
    async execute(_target, ctx) {
      executions.push({ runId: ctx.runId, attempt: ctx.attempt });
      return outcomes.shift() ?? { status: 'succeeded', log: 'ok' };
    },
    async stop(handle) {
      stopped.push(handle);
    },
  };
  const artifacts: Artifacts = {
    async putAttempt(ref, files) {
      const logKey = `runs/${ref.jobId}/${ref.runId}/${ref.attempt}/log.txt`;
      logs.set(logKey, files.log);
      return { logKey };
    },
    async getLog(ref) {
      return logs.get(`runs/${ref.jobId}/${ref.runId}/${ref.attempt}/log.txt`);
    },
    async putTaskFile(ref, file, body) {
      const key = `runs/${ref.runId}/${ref.attempt}/tasks/${ref.taskId}/${file}`;
      logs.set(key, body);
      return { uri: `memory:${key}`, key, bytes: body.length };
    },
    async getTaskLog(ref) {
      return logs.get(`runs/${ref.runId}/${ref.attempt}/tasks/${ref.taskId}/log.txt`);
    },
  };
  const deps: EngineDeps = {
    jobs: stack.jobs,
    runs: stack.runs,
    timers: {
      async fireAt(when, message, lane) {
        planned.push({ when, message, lane });
      },
      async fireAtMany(entries) {
        planned.push(...entries);
      },
    },
    slots: createDynamoConcurrencySlots({ client: stack.dynamo.client, tableName: tables.Jobs }),
    backfills: createDynamoBackfillStore({ client: stack.dynamo.client, tableName: tables.Jobs }),
    executors: { lambda: executor, stepfunctions: executor } as Executors,
    artifacts,
    deadLetters: { record: async (entry) => void deadLetters.push(entry) },
    control: createExecutionControl(),
    sla: createDynamoSlaStore({
      client: stack.dynamo.client,
      runsTable: tables.Runs,
      jobsTable: tables.Jobs,
    }),
    alerts: { slaMissed: async (miss) => void alerts.push(miss) },
    metrics: (line) => void metrics.push(line),
    clock: { now: () => now },
    random: () => 0.5,
    log: () => undefined,
  };

  let seq = 0;
  async function createJob(definition: Partial<JobDefinition> = {}, status: JobRecord['status'] = 'ACTIVE') {
    const job: JobRecord = {
      jobId: `job_engine${String(++seq).padStart(4, '0')}`,
      definition: {
        name: 'engine',
        schedule: { type: 'at', at: '2030-01-01T00:00:00Z' },
        target: { type: 'lambda', functionArn: 'fn' },
        retry: {
          maxAttempts: 3,
          initialDelaySeconds: 10,
          backoffRate: 2,
          maxDelaySeconds: 60,
          jitter: 'none',
        },
        ...definition,
      } as JobDefinition,
      status,
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await stack.jobs.create(job);
    return job;
  }

  return {
    deps,
    planned,
    deadLetters,
    alerts,
    metrics,
    outcomes,
    executions,
    stopped,
    createJob,
    setNow: (at: Date) => {
      now = at;
    },
    now: () => now,
    close: () => stack.dynamo.close(),
  };
}

export type EngineFixture = Awaited<ReturnType<typeof startEngineFixture>>;
