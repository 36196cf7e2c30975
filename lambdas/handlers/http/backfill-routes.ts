import type { BackfillService } from '../../services/backfill/backfill-service.js';
import { assertKnownParams } from '../../services/jobs/params.js';
import type { RouteHandler } from './job-routes.js';
import { pathParam, queryOf, readJsonBody } from './request.js';
import { json } from './response.js';

/** Handlers of the backfill routes, keyed by operation id. */
export function backfillRoutes(backfills: BackfillService): Record<string, RouteHandler> {
  return {
    backfillJob: async (event, principal, audit) => {
      assertKnownParams(queryOf(event), []);
      const jobId = pathParam(event, 'jobId');
      const created = await backfills.create(jobId, readJsonBody(event), principal!.id);
      audit({ jobId, backfillId: created.backfillId ?? undefined });
      return json(
        202,
        created,
        created.backfillId === null ? {} : { location: `/v1/backfills/${created.backfillId}` },
      );
    },
    getBackfill: async (event) => {
      assertKnownParams(queryOf(event), []);
      return json(200, await backfills.get(pathParam(event, 'backfillId')));
    },
    cancelBackfill: async (event, principal, audit) => {
      assertKnownParams(queryOf(event), []);
      const cancelled = await backfills.cancel(pathParam(event, 'backfillId'), principal!.id);
      audit({ jobId: cancelled.jobId, backfillId: cancelled.backfillId });
      return json(200, cancelled);
    },
  };
}
