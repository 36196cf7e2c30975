import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createDocumentClient } from '../adapters/aws/dynamo-client.js';
import { createDynamoDagLatchStore } from '../adapters/aws/dynamo-dag-latch-store.js';
import { createS3Artifacts } from '../adapters/aws/s3-artifacts.js';
import { createSfnTaskTokens } from '../adapters/aws/sfn-task-tokens.js';
import { requireEnv } from '../config.js';
import type { LatchRequest } from '../core/dag/latch-contract.js';
import { createLatchService, type LatchResponse } from '../services/dag/latch.js';

/**
 * Kairos's latch function, invoked by the compiled DAG state machines (`lambda:invoke`, and
 * `lambda:invoke.waitForTaskToken` for `wait`). Its response is the Payload the definition reads.
 */
const latch = createLatchService({
  store: createDynamoDagLatchStore({
    client: createDocumentClient(),
    tableName: requireEnv(process.env, 'KAIROS_RUNS_TABLE'),
  }),
  tokens: createSfnTaskTokens(new SFNClient({})),
  clock: { now: () => new Date() },
  // Outputs above the inline limit go to the artifacts bucket (docs/adr/0012-task-outputs.md).
  artifacts: createS3Artifacts({
    client: new S3Client({}),
    bucket: requireEnv(process.env, 'KAIROS_ARTIFACTS_BUCKET'),
  }),
});

export const handler = (request: LatchRequest): Promise<LatchResponse> => latch.handle(request);
