import { ValidationError } from '../../core/errors.js';
import { isRunStatus, type RunStatus } from '../../core/run-states.js';
import { assertKnownParams, intParam, type QueryParams } from '../../services/jobs/params.js';
import type { RunService } from '../../services/runs/run-service.js';
import type { RouteHandler } from './job-routes.js';
import { pathParam, queryOf, readOptionalJsonBody } from './request.js';
import { json } from './response.js';

/** Handlers of the run routes, keyed by operation id. */
export function runRoutes(runs: RunService): Record<string, RouteHandler> {
  return {
    triggerRun: async (event, _principal, audit) => {
      assertKnownParams(queryOf(event), []);
      const run = await runs.trigger(pathParam(event, 'jobId'), readOptionalJsonBody(event));
      audit({ jobId: run.jobId, runId: run.runId });
      return json(202, run);
    },
    listRuns: async (event) => {
      const query = queryOf(event);
      assertKnownParams(query, ['status', 'limit', 'cursor']);
      const page = await runs.listByJob(pathParam(event, 'jobId'), {
        statuses: runStatusesParam(query),
        limit: intParam(query, 'limit', 1, 100, 20),
        cursor: query.cursor,
      });
      return json(200, { items: page.items, nextCursor: page.nextCursor ?? null });
    },
    getRun: async (event) => {
      assertKnownParams(queryOf(event), []);
      return json(200, await runs.get(pathParam(event, 'runId')));
    },
    getRunLogs: async (event) => {
      const query = queryOf(event);
      assertKnownParams(query, ['attempt', 'task']);
      const attempt = query.attempt === undefined ? undefined : intParam(query, 'attempt', 1, 1000, 1);
      const runId = pathParam(event, 'runId');
      // `task` (an addition to API.md): one DAG task's log instead of the run's.
      const text =
        query.task === undefined
          ? await runs.logs(runId, attempt)
          : await runs.taskLogs(runId, query.task, attempt);
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        body: text,
      };
    },
    cancelRun: async (event, principal, audit) => {
      assertKnownParams(queryOf(event), []);
      const run = await runs.cancel(pathParam(event, 'runId'), principal!.id);
      audit({ jobId: run.jobId, runId: run.runId });
      return json(200, run);
    },
    retryRun: async (event, _principal, audit) => {
      assertKnownParams(queryOf(event), []);
      const run = await runs.retry(pathParam(event, 'runId'));
      audit({ jobId: run.jobId, runId: run.runId });
      return json(202, run);
    },
  };
}

function runStatusesParam(query: QueryParams): RunStatus[] | undefined {
  if (query.status === undefined) return undefined;
  const values = query.status.split(',').map((s) => s.trim().toUpperCase());
  if (values.length === 0 || !values.every(isRunStatus)) {
    throw ValidationError.at(
      'query.status',
      'must be one or more run statuses, comma-separated (e.g. FAILED,TIMED_OUT)',
    );
  }
  return values as RunStatus[];
}
