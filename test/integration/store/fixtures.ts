/** Shared setup of the store integration tests: one in-memory embedded DynamoDB per test file. */

import { createDynamoJobStore } from '../../../lambdas/adapters/aws/dynamo-job-store.js';
import { createDynamoRunStore } from '../../../lambdas/adapters/aws/dynamo-run-store.js';
import type { JobRecord, JobStatus } from '../../../lambdas/core/job.js';
import type { JobDefinition } from '../../../lambdas/core/job-schema.js';
import type { RunRecord } from '../../../lambdas/core/run.js';
import {
  type EmbeddedDynamo,
  ensureTables,
  startEmbeddedDynamo,
} from '../../../lambdas/local/embedded-dynamo.js';
import type { JobStore, RunStore } from '../../../lambdas/ports.js';

export const CURSOR_SECRET = 'integration-test-secret';

export interface StoreStack {
  readonly dynamo: EmbeddedDynamo;
  readonly jobs: JobStore;
  readonly runs: RunStore;
}

/** Starts dynalite in memory on a random port, creates the tables and builds both stores. */
export async function startStoreStack(): Promise<StoreStack> {
  const dynamo = await startEmbeddedDynamo({ port: 0 });
  const tables = await ensureTables(dynamo.client, 'kairos-test');
  return {
    dynamo,
    jobs: createDynamoJobStore({
      client: dynamo.client,
      tableName: tables.Jobs,
      cursorSecret: CURSOR_SECRET,
    }),
    runs: createDynamoRunStore({
      client: dynamo.client,
      tableName: tables.Runs,
      cursorSecret: CURSOR_SECRET,
    }),
  };
}

export function definition(tags: Record<string, string> = { team: 'data' }): JobDefinition {
  return {
    name: 'n',
    schedule: { type: 'immediate' },
    target: { type: 'http', url: 'https://example.com/x', method: 'POST' },
    tags,
  } as unknown as JobDefinition;
}

/** A job created `index` seconds after 2030-01-01, so creation order is index order. */
export function job(jobId: string, overrides: Partial<JobRecord> = {}, index = 0): JobRecord {
  const createdAt = new Date(Date.UTC(2030, 0, 1) + index * 1000).toISOString();
  return {
    jobId,
    definition: definition(),
    status: 'ACTIVE' as JobStatus,
    version: 1,
    createdAt,
    updatedAt: createdAt,
    owner: 'arn:aws:iam::123456789012:user/alice',
    ...overrides,
  };
}

/** A run of `jobId` scheduled `index` minutes after 2030-01-01. */
export function run(runId: string, jobId: string, overrides: Partial<RunRecord> = {}, index = 0): RunRecord {
  return {
    runId,
    jobId,
    scheduledFor: new Date(Date.UTC(2030, 0, 1) + index * 60_000).toISOString(),
    trigger: 'schedule',
    status: 'QUEUED',
    attempt: 1,
    maxAttempts: 3,
    attempts: [],
    slaMissed: false,
    expiresAt: 1_900_000_000,
    ...overrides,
  };
}
