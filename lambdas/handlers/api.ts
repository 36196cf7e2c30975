import { createDocumentClient } from '../adapters/aws/dynamo-client.js';
import { createDynamoJobStore } from '../adapters/aws/dynamo-job-store.js';
import { createDynamoRunStore } from '../adapters/aws/dynamo-run-store.js';
import { readAwsConfig } from '../config.js';
import { createJobService } from '../services/jobs/job-service.js';
import { createApiHandler } from './http/app.js';

/** Lambda entry point behind API Gateway: wiring only, done once per cold start. */
const config = readAwsConfig();
const client = createDocumentClient();
const clock = { now: () => new Date() };
const cursorSecret = config.cursorSecret;

export const handler = createApiHandler({
  version: config.version,
  jobs: createJobService({
    jobs: createDynamoJobStore({ client, tableName: config.jobsTable, cursorSecret }),
    runs: createDynamoRunStore({ client, tableName: config.runsTable, cursorSecret }),
    clock,
    runtime: config.runtime,
  }),
});
