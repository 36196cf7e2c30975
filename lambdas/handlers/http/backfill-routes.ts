import type { BackfillService } from '../../services/backfill/backfill-service.js';
import { assertKnownParams } from '../../services/jobs/params.js';
import type { RouteHandler } from './job-routes.js';
import { pathParam, queryOf, readJsonBody } from './request.js';
import { json } from './response.js';

/** Handlers of the backfill routes, keyed by operation id. */
export function backfillRoutes(backfills: BackfillService): Record<string, RouteHandler> {
  return {
    backfillJob: async (event, principal) => {
      assertKnownParams(queryOf(event), []);
      const created = await backfills.create(pathParam(event, 'jobId'), readJsonBody(event), principal!.id);
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
    cancelBackfill: async (event, principal) => {
      assertKnownParams(queryOf(event), []);
      return json(200, await backfills.cancel(pathParam(event, 'backfillId'), principal!.id));
    },
  };
}
