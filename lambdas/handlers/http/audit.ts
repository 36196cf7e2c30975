import type { AuditSubject } from '../../core/audit.js';
import { KairosError, ValidationError } from '../../core/errors.js';
import type { AuditTrail } from '../../services/audit/audit-trail.js';
import { assertKnownParams, instantParam, intParam } from '../../services/jobs/params.js';
import type { RouteDefinition } from '../routes.js';
import type { RouteHandler } from './job-routes.js';
import { toProblem } from './problem.js';
import { queryOf } from './request.js';
import { json } from './response.js';
import type { ApiEvent, ApiResult, AuditNote, Principal } from './types.js';

/** Whether a route changes anything: every method but GET. Each such call leaves an audit record. */
export function isMutatingRoute(route: Pick<RouteDefinition, 'method'>): boolean {
  return route.method !== 'GET';
}

/** A change was applied but its audit record could not be written (ADR 0013): the caller must not assume either way. */
export class AuditNotWrittenError extends KairosError {
  override readonly slug = 'audit-not-written';
  constructor(requestId: string, options?: ErrorOptions) {
    super(
      `The request was carried out, but its audit record could not be written (request ${requestId}); ` +
        'the record is kept in the API log. Read the resource before retrying.',
      options,
    );
  }
}

const PATH_IDS = ['jobId', 'runId', 'backfillId'] as const;

/**
 * Wraps the handler of a mutating route: after it answers (or fails), the call is recorded with what the route
 * noted it changed. A call without an identified caller is not recorded (API Gateway, or the local server,
 * refuses it before any handler runs). When the record of a call that succeeded cannot be written, the answer
 * is a 500 problem instead (the record is logged in full); a refused or failed call keeps its own answer.
 */
export function auditedRoute(
  route: RouteDefinition,
  trail: AuditTrail,
  whoIs: (event: ApiEvent) => Principal | undefined,
  handle: (event: ApiEvent, audit: AuditNote) => Promise<ApiResult>,
): (event: ApiEvent) => Promise<ApiResult> {
  return async (event) => {
    const subjects: AuditSubject[] = [];
    let result: ApiResult | undefined;
    let failure: unknown;
    try {
      result = await handle(event, (subject) => {
        subjects.push(subject);
      });
    } catch (error) {
      failure = error;
    }
    const principal = whoIs(event);
    if (principal !== undefined) {
      const requestId = event.requestContext?.requestId ?? 'unknown';
      const status = result?.statusCode ?? toProblem(failure).status;
      const params = event.pathParameters ?? {};
      const target = Object.fromEntries(PATH_IDS.map((name) => [name, params[name] ?? undefined]));
      const unwritten = await trail.record(
        {
          principal,
          action: route.operationId,
          method: route.method,
          path: event.path ?? route.path,
          requestId,
          status,
          target,
        },
        subjects,
      );
      if (unwritten.length > 0 && failure === undefined && status < 400) {
        throw new AuditNotWrittenError(requestId);
      }
    }
    if (failure !== undefined) throw failure;
    return result!;
  };
}

/** `GET /v1/audit?jobId=&since=&limit=&cursor=` (admin): audit records, newest first. */
export function auditRoutes(trail: AuditTrail): Record<string, RouteHandler> {
  return {
    listAudit: async (event) => {
      const query = queryOf(event);
      assertKnownParams(query, ['jobId', 'since', 'limit', 'cursor']);
      if (query.jobId === '') throw ValidationError.at('query.jobId', 'must be a job id');
      const page = await trail.list({
        jobId: query.jobId,
        since: instantParam(query, 'since'),
        limit: intParam(query, 'limit', 1, 100, 20),
        cursor: query.cursor,
      });
      return json(200, { items: page.items, nextCursor: page.nextCursor ?? null });
    },
  };
}
