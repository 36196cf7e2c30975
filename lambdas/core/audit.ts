/**
 * Audit records: one per mutating API call (and one per job a batch call creates), written once and never
 * changed. Pure: time, ids and the retention are arguments.
 */
import type { Role } from './roles.js';

/** Days a record is kept before DynamoDB TTL removes it; a fixed default, not a setting (ADR 0013). */
export const AUDIT_RETENTION_DAYS = 365;

/** What was changed by a call: the resources it touched and, where it changed a job, the job's versions. */
export interface AuditSubject {
  readonly jobId?: string;
  readonly runId?: string;
  readonly backfillId?: string;
  /** The job's version before the call; absent for a create (the job did not exist). */
  readonly beforeVersion?: number;
  /** The job's version after the call; equal to `beforeVersion` when the call changed nothing (a no-op). */
  readonly afterVersion?: number;
}

/** One audit record (`GET /v1/audit` returns these). */
export interface AuditRecord extends AuditSubject {
  readonly auditId: string;
  /** ISO instant the call ended. */
  readonly at: string;
  /** Who called: the IAM caller's ARN, or the local runtime's token id (never the token). */
  readonly principal: string;
  readonly role: Role;
  /** The route's operation id, e.g. `pauseJob`. */
  readonly action: string;
  readonly method: string;
  /** The request path, ids included. */
  readonly path: string;
  /** API Gateway's request id (also in the access log and the problem document of an error). */
  readonly requestId: string;
  /** HTTP status of the answer: 2xx applied, 4xx refused, 5xx failed (possibly after a partial change). */
  readonly status: number;
  /** Epoch seconds after which DynamoDB TTL may delete the record. */
  readonly expiresAt: number;
}

/** One mutating call as the HTTP layer saw it. */
export interface AuditedCall {
  readonly principal: { readonly id: string; readonly role: Role };
  readonly action: string;
  readonly method: string;
  readonly path: string;
  readonly requestId: string;
  readonly status: number;
  /** Ids from the path (`jobId`, `runId`, `backfillId`): what a refused call was aimed at. */
  readonly target: AuditSubject;
}

/**
 * The records of one call: one per subject the route reported (a batch create reports each job it created),
 * or one naming the path's ids when it reported none (a refused call). Subjects add to the path's ids.
 */
export function auditRecordsOf(
  call: AuditedCall,
  subjects: readonly AuditSubject[],
  at: Date,
  newId: () => string,
  retentionDays: number = AUDIT_RETENTION_DAYS,
): AuditRecord[] {
  const expiresAt = Math.floor(at.getTime() / 1000) + retentionDays * 86_400;
  const common = {
    at: at.toISOString(),
    principal: call.principal.id,
    role: call.principal.role,
    action: call.action,
    method: call.method,
    path: call.path,
    requestId: call.requestId,
    status: call.status,
    expiresAt,
  };
  const each = subjects.length > 0 ? subjects : [{}];
  return each.map((subject) => ({
    auditId: newId(),
    ...common,
    ...definedOnly(call.target),
    ...definedOnly(subject),
  }));
}

function definedOnly(subject: AuditSubject): AuditSubject {
  return Object.fromEntries(Object.entries(subject).filter(([, value]) => value !== undefined));
}
