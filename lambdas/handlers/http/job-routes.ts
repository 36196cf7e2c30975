import { ValidationError } from '../../core/errors.js';
import type { JobService } from '../../services/jobs/job-service.js';
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
import type { ApiEvent, ApiResult, Principal } from './types.js';

export type RouteHandler = (event: ApiEvent, principal: Principal | undefined) => Promise<ApiResult>;

/** Handlers of the `/v1/jobs*` routes, keyed by the operation id in `routes.ts`. Each: parse → service → map. */
export function jobRoutes(jobs: JobService): Record<string, RouteHandler> {
  const jobResponse = (status: number, job: { version: number }, extra: Record<string, string> = {}) =>
    json(status, job, { ...etag(job.version), ...extra });

  return {
    createJob: async (event, principal) => {
      assertKnownParams(queryOf(event), []);
      const idempotencyKey = idempotencyKeyHeader(header(event, 'idempotency-key'));
      const { job, replayed } = await jobs.create(readJsonBody(event), {
        principal: principal!.id,
        idempotencyKey,
      });
      return jobResponse(201, job, {
        location: `/v1/jobs/${job.jobId}`,
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
    },
    createJobsBatch: async (event, principal) => {
      assertKnownParams(queryOf(event), []);
      const body = readJsonBody(event) as { jobs?: unknown } | null;
      const extra = body && typeof body === 'object' ? Object.keys(body).filter((k) => k !== 'jobs') : [];
      if (extra.length > 0)
        throw new ValidationError(extra.map((k) => ({ path: `$.${k}`, message: 'unknown field' })));
      const idempotencyKey = idempotencyKeyHeader(header(event, 'idempotency-key'));
      return json(207, await jobs.batchCreate(body?.jobs, { principal: principal!.id, idempotencyKey }));
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
    updateJob: async (event) => {
      assertKnownParams(queryOf(event), []);
      const ifMatch = ifMatchVersion(header(event, 'if-match'));
      return jobResponse(200, await jobs.update(pathParam(event, 'jobId'), readJsonBody(event), ifMatch));
    },
    deleteJob: async (event, principal) => {
      const query = queryOf(event);
      assertKnownParams(query, ['cancelRunning']);
      const cancelRunning = booleanParam(query, 'cancelRunning');
      return jobResponse(
        200,
        await jobs.remove(pathParam(event, 'jobId'), { cancelRunning, principal: principal!.id }),
      );
    },
    pauseJob: async (event) => {
      assertKnownParams(queryOf(event), []);
      return jobResponse(200, await jobs.pause(pathParam(event, 'jobId')));
    },
    resumeJob: async (event) => {
      assertKnownParams(queryOf(event), []);
      return jobResponse(200, await jobs.resume(pathParam(event, 'jobId')));
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
