import { type FieldProblem, ValidationError } from '../../core/errors.js';
import type { JobStatus } from '../../core/job.js';

export type QueryParams = Readonly<Record<string, string | undefined>>;

/** Rejects query parameters the route does not know, so a typo is a 400 instead of a silent no-op. */
export function assertKnownParams(query: QueryParams, known: readonly string[]): void {
  const unknown = Object.keys(query).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ValidationError(
      unknown.map((k) => ({
        path: `query.${k}`,
        message: `unknown parameter; allowed: ${known.join(', ') || 'none'}`,
      })),
    );
  }
}

export function intParam(
  query: QueryParams,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const raw = query[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw ValidationError.at(`query.${name}`, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function instantParam(query: QueryParams, name: string): Date | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)
    ? Date.parse(raw)
    : Number.NaN;
  if (Number.isNaN(ms))
    throw ValidationError.at(`query.${name}`, 'must be an ISO-8601 instant such as 2026-01-31T09:00:00Z');
  return new Date(ms);
}

export function booleanParam(query: QueryParams, name: string): boolean {
  const raw = query[name];
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw ValidationError.at(`query.${name}`, "must be 'true' or 'false'");
}

const JOB_STATUSES: readonly JobStatus[] = ['ACTIVE', 'PAUSED', 'DELETED'];

/** `status=ACTIVE,PAUSED`; deleted jobs are listed only when asked for. */
export function jobStatusesParam(query: QueryParams): JobStatus[] {
  const raw = query.status;
  if (raw === undefined) return ['ACTIVE', 'PAUSED'];
  const values = raw.split(',').map((s) => s.trim().toUpperCase());
  const bad = values.filter((v) => !(JOB_STATUSES as string[]).includes(v));
  if (bad.length > 0 || values.length === 0) {
    throw ValidationError.at(
      'query.status',
      `must be one or more of ${JOB_STATUSES.join(', ')}, comma-separated`,
    );
  }
  return [...new Set(values)] as JobStatus[];
}

/** `tag=key:value`, split on the first ':' (tag keys cannot contain one). */
export function tagParam(query: QueryParams): { key: string; value: string } | undefined {
  const raw = query.tag;
  if (raw === undefined) return undefined;
  const at = raw.indexOf(':');
  if (at <= 0) throw ValidationError.at('query.tag', 'must be key:value, e.g. team:data');
  return { key: raw.slice(0, at), value: raw.slice(at + 1) };
}

/** Parses an `If-Match` header (`3`, `"3"` or `W/"3"`) into a version. */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  if (!match) throw ValidationError.at('header.if-match', 'must be the job version from its ETag, e.g. "3"');
  return Number(match[1]);
}

export function idempotencyKeyHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(header)) {
    const problem: FieldProblem = {
      path: 'header.idempotency-key',
      message: 'must be 1-255 visible ASCII characters',
    };
    throw new ValidationError([problem]);
  }
  return header;
}
