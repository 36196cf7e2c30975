import { createDynamoAuditLog } from '../adapters/aws/dynamo-audit-log.js';
import { sharedDocumentClient } from '../adapters/aws/dynamo-client.js';
import { requireEnv } from '../config.js';
import type { Clock } from '../ports.js';
import { type AuditTrail, createAuditTrail } from '../services/audit/audit-trail.js';

/**
 * The API's audit trail on the Audit table named by `KAIROS_AUDIT_TABLE` (required: the API must not run
 * without recording its mutating calls), built once per cold start.
 */
export function auditTrailFromEnv(
  env: NodeJS.ProcessEnv,
  deps: { readonly clock: Clock; readonly stage?: string; readonly cursorSecret: string },
): AuditTrail {
  const log = createDynamoAuditLog({
    client: sharedDocumentClient(),
    tableName: requireEnv(env, 'KAIROS_AUDIT_TABLE'),
    cursorSecret: deps.cursorSecret,
  });
  return createAuditTrail({ log, clock: deps.clock, stage: deps.stage });
}
