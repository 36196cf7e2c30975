import { ValidationError } from '../../core/errors.js';
import type { CreateResult, JobChange, JobService } from '../../services/jobs/job-service.js';
import {
  assertKnownParams,
  booleanParam,
  idempotencyKeyHeader,
  ifMatchVersion,
  instantParam,
  intParam,
  jobStatusesParam,
  tagParam,
} from '../../services/jobs/params.js';
import { header, pathParam, queryOf, readJsonBody } from './request.js';
import { etag, json } from './response.js';
import type { ApiEvent, ApiResult, AuditNote, Principal } from './types.js';

/** A route's handler; a mutating route tells `audit` what it changed (see `audit.ts`). */
export type RouteHandler = (
  event: ApiEvent,
  principal: Principal | undefined,
  audit: AuditNote,
) => Promise<ApiResult>;

/** The audit subject of a create: a new job (no version before), or a replayed one (unchanged). */
const created = ({ job, replayed }: CreateResult) => ({
  jobId: job.jobId,
  beforeVersion: replayed ? job.version : undefined,
  afterVersion: job.version,
});

const changed = ({ job, previousVersion }: JobChange) => ({
  jobId: job.jobId,
  beforeVersion: previousVersion,
  afterVersion: job.version,
});

/** Handlers of the `/v1/jobs*` routes, keyed by the operation id in `routes.ts`. Each: parse → service → map. */
export function jobRoutes(jobs: JobService): Record<string, RouteHandler> {
  const jobResponse = (status: number, job: { version: number }, extra: Record<string, string> = {}) =>
    json(status, job, { ...etag(job.version), ...extra });
  const changeResponse = (change: JobChange, audit: AuditNote) => {
    audit(changed(change));
    return jobResponse(200, change.job);
  };

  return {
    createJob: async (event, principal, audit) => {
      assertKnownParams(queryOf(event), []);
      const idempotencyKey = idempotencyKeyHeader(header(event, 'idempotency-key'));
      const result = await jobs.create(readJsonBody(event), { principal: principal!.id, idempotencyKey });
      audit(created(result));
      const { job, replayed } = result;
      return jobResponse(201, job, {
        location: `/v1/jobs/${job.jobId}`,
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
    },
    createJobsBatch: async (event, principal, audit) => {
      assertKnownParams(queryOf(event), []);
      const body = readJsonBody(event) as { jobs?: unknown } | null;
      const extra = body && typeof body === 'object' ? Object.keys(body).filter((k) => k !== 'jobs') : [];
      if (extra.length > 0)
        throw new ValidationError(extra.map((k) => ({ path: `$.${k}`, message: 'unknown field' })));
      const idempotencyKey = idempotencyKeyHeader(header(event, 'idempotency-key'));
      const batch = await jobs.batchCreate(body?.jobs, { principal: principal!.id, idempotencyKey });
      for (const result of batch.created) audit(created(result));
      return json(207, { items: batch.items });
    },
    listJobs: async (event) => {
      const query = queryOf(event);
      assertKnownParams(query, ['status', 'tag', 'limit', 'cursor']);
      const page = await jobs.list({
        statuses: jobStatusesParam(query),
        tag: tagParam(query),
        limit: intParam(query, 'limit', 1, 100, 20),
        cursor: query.cursor,
      });
      return json(200, { items: page.items, nextCursor: page.nextCursor ?? null });
    },
    getJob: async (event) => {
      assertKnownParams(queryOf(event), []);
      return jobResponse(200, await jobs.get(pathParam(event, 'jobId')));
    },
    updateJob: async (event, _principal, audit) => {
      assertKnownParams(queryOf(event), []);
      const ifMatch = ifMatchVersion(header(event, 'if-match'));
      return changeResponse(
        await jobs.update(pathParam(event, 'jobId'), readJsonBody(event), ifMatch),
        audit,
      );
    },
    deleteJob: async (event, principal, audit) => {
      const query = queryOf(event);
      assertKnownParams(query, ['cancelRunning']);
      const cancelRunning = booleanParam(query, 'cancelRunning');
      const options = { cancelRunning, principal: principal!.id };
      return changeResponse(await jobs.remove(pathParam(event, 'jobId'), options), audit);
    },
    pauseJob: async (event, _principal, audit) => {
      assertKnownParams(queryOf(event), []);
      return changeResponse(await jobs.pause(pathParam(event, 'jobId')), audit);
    },
    resumeJob: async (event, _principal, audit) => {
      assertKnownParams(queryOf(event), []);
      return changeResponse(await jobs.resume(pathParam(event, 'jobId')), audit);
    },
    getJobStatus: async (event) => {
      assertKnownParams(queryOf(event), []);
      return json(200, await jobs.status(pathParam(event, 'jobId')));
    },
    previewJob: async (event) => {
      const query = queryOf(event);
      assertKnownParams(query, ['count', 'from']);
      const count = intParam(query, 'count', 1, 1000, 10);
      return json(200, await jobs.preview(pathParam(event, 'jobId'), count, instantParam(query, 'from')));
    },
  };
}
