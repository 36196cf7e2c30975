import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpRouterHandler from '@middy/http-router';
import type { Context } from 'aws-lambda';
import { MethodNotAllowedError, NotFoundError } from '../../core/errors.js';
import type { AuditTrail } from '../../services/audit/audit-trail.js';
import type { BackfillService } from '../../services/backfill/backfill-service.js';
import type { JobService } from '../../services/jobs/job-service.js';
import { assertKnownParams, instantParam } from '../../services/jobs/params.js';
import type { OverviewService } from '../../services/overview/overview-service.js';
import type { RunService } from '../../services/runs/run-service.js';
import type { SlaService } from '../../services/sla/sla-service.js';
import { ROUTES } from '../routes.js';
import { auditedRoute, auditRoutes, isMutatingRoute } from './audit.js';
import { authorize, principalOf } from './auth.js';
import { backfillRoutes } from './backfill-routes.js';
import type { ApiAuthConfig } from './callers.js';
import { type DashboardSource, dashboardRoute } from './dashboard-route.js';
import { jobRoutes, type RouteHandler } from './job-routes.js';
import { buildOpenApiDocument } from './openapi.js';
import { problemJson } from './problem.js';
import { queryOf } from './request.js';
import { json } from './response.js';
import { runRoutes } from './run-routes.js';
import type { ApiEvent, ApiResult, AuditNote } from './types.js';

export interface ApiDependencies {
  readonly jobs: JobService;
  readonly runs: RunService;
  readonly sla: SlaService;
  readonly overview: OverviewService;
  readonly backfills: BackfillService;
  /** Where every mutating call is recorded (ADR 0013). */
  readonly audit: AuditTrail;
  readonly version: string;
  /** How callers are identified (ADR 0014). @default LOCAL_AUTH - the local runtime's token check */
  readonly auth?: ApiAuthConfig;
  /** The dashboard page served at `/`. @default - none: `GET /` answers 404 */
  readonly dashboard?: DashboardSource;
}

/**
 * The one API handler, shared by the Lambda behind API Gateway and the local runtime's HTTP server.
 * Routes come from `ROUTES`; each is wrapped with the role check before its handler runs, and every mutating
 * one with the audit record after it.
 */
export function createApiHandler(deps: ApiDependencies) {
  let openApi: Record<string, unknown> | undefined;
  const handlers: Record<string, RouteHandler> = {
    ...jobRoutes(deps.jobs),
    ...runRoutes(deps.runs),
    ...backfillRoutes(deps.backfills),
    ...auditRoutes(deps.audit),
    getSla: async (event) => {
      const query = queryOf(event);
      assertKnownParams(query, ['since']);
      return json(200, await deps.sla.report(instantParam(query, 'since')));
    },
    getOverview: async (event) => {
      const query = queryOf(event);
      assertKnownParams(query, ['since']);
      return json(200, await deps.overview.overview(instantParam(query, 'since')));
    },
    // Authorization already ran: a caller without a role got 401/403 before this.
    getMe: async (_event, principal) => json(200, { principal: principal?.id, role: principal?.role }),
    getDashboard: dashboardRoute(deps.dashboard),
    getHealth: async () => json(200, { status: 'ok', version: deps.version }),
    getOpenApi: async () => {
      openApi ??= buildOpenApiDocument(deps.version);
      return json(200, openApi);
    },
  };

  const routes = ROUTES.map((route) => {
    const handle = handlers[route.operationId];
    if (!handle)
      throw new Error(`No handler for route ${route.operationId}`, { cause: { package: 'kairos/api' } });
    const run = (event: ApiEvent, audit: AuditNote) =>
      handle(event, authorize(event, route.role, deps.auth), audit);
    return {
      method: route.method,
      path: route.path,
      handler: isMutatingRoute(route)
        ? auditedRoute(route, deps.audit, (event) => principalOf(event, deps.auth), run)
        : (event: ApiEvent) => run(event, () => undefined),
    };
  });

  const router = httpRouterHandler({
    routes,
    notFoundResponse: ({ method, path }: { method: string; path: string }) => {
      const allowed = ROUTES.filter((r) => routePattern(r.path).test(path)).map((r) => r.method);
      if (allowed.length > 0)
        throw new MethodNotAllowedError(`${method} is not allowed here; use ${allowed.join(', ')}.`);
      throw new NotFoundError(`No route for ${method} ${path}.`);
    },
  });

  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(httpHeaderNormalizer())
    .use(problemJson())
    .handler(router as unknown as (event: ApiEvent, context: Context) => Promise<ApiResult>);
}

function routePattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+');
  return new RegExp(`^${escaped}/?$`);
}
