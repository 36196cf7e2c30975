import { emfLine } from '../../adapters/metrics/emf.js';
import { METRICS } from '../../adapters/metrics/metric-names.js';
import {
  AUDIT_RETENTION_DAYS,
  type AuditedCall,
  type AuditRecord,
  type AuditSubject,
  auditRecordsOf,
} from '../../core/audit.js';
import { newAuditId } from '../../core/ids.js';
import type { AuditLog, Clock, Page } from '../../ports.js';

export interface AuditTrailDeps {
  readonly log: AuditLog;
  readonly clock: Clock;
  /** Days before TTL removes a record. @default AUDIT_RETENTION_DAYS (365) */
  readonly retentionDays?: number;
  /** Where a record that could not be written is logged in full. @default console.error */
  readonly logError?: (line: string) => void;
  /** Where the EMF metric line goes. @default console.log */
  readonly metrics?: (line: string) => void;
  /** Dimension of the metric. @default 'local' */
  readonly stage?: string;
  /** @default newAuditId */
  readonly newId?: () => string;
}

export interface AuditListOptions {
  readonly jobId?: string;
  readonly since?: Date;
  readonly limit: number;
  readonly cursor?: string;
}

/** Metric (CloudWatch EMF) counting audit records that could not be written. */
export const AUDIT_WRITE_FAILURES_METRIC = METRICS.auditWriteFailures;

/** Records mutating calls in the audit log and reads it back (`GET /v1/audit`). */
export function createAuditTrail(deps: AuditTrailDeps) {
  const logError = deps.logError ?? ((line: string) => console.error(line));
  return {
    /**
     * Appends the records of one call (one per subject). Resolves to the records that could not be written,
     * each logged first as a complete ERROR line (it can be appended again from there: the put is idempotent
     * on its id) and counted in the `AuditWriteFailures` metric. Never throws.
     */
    async record(call: AuditedCall, subjects: readonly AuditSubject[]): Promise<AuditRecord[]> {
      const at = deps.clock.now();
      const records = auditRecordsOf(
        call,
        subjects,
        at,
        deps.newId ?? newAuditId,
        deps.retentionDays ?? AUDIT_RETENTION_DAYS,
      );
      const results = await Promise.allSettled(records.map((record) => deps.log.append(record)));
      const unwritten = records.filter((_, i) => results[i]?.status === 'rejected');
      for (const [i, record] of records.entries()) {
        const result = results[i];
        if (result?.status !== 'rejected') continue;
        logError(
          JSON.stringify({
            level: 'ERROR',
            message: 'audit record not written',
            requestId: record.requestId,
            record,
            error: String((result.reason as Error)?.stack ?? result.reason),
          }),
        );
      }
      if (unwritten.length > 0) {
        const line = emfLine(
          AUDIT_WRITE_FAILURES_METRIC,
          unwritten.length,
          { Stage: deps.stage ?? 'local' },
          at,
        );
        (deps.metrics ?? console.log)(line);
      }
      return unwritten;
    },

    list(options: AuditListOptions): Promise<Page<AuditRecord>> {
      return deps.log.list(options);
    },
  };
}

export type AuditTrail = ReturnType<typeof createAuditTrail>;
