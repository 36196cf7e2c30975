import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../../lambdas/core/audit.js';
import { auditRecordsOf } from '../../../lambdas/core/audit.js';
import { ConflictError, ForbiddenError } from '../../../lambdas/core/errors.js';
import { AuditNotWrittenError, auditedRoute } from '../../../lambdas/handlers/http/audit.js';
import { toProblem } from '../../../lambdas/handlers/http/problem.js';
import type { ApiEvent, Principal } from '../../../lambdas/handlers/http/types.js';
import type { RouteDefinition } from '../../../lambdas/handlers/routes.js';
import type { AuditLog } from '../../../lambdas/ports.js';
import { createAuditTrail } from '../../../lambdas/services/audit/audit-trail.js';

const NOW = new Date('2030-01-01T00:00:00.000Z');
const PAUSE: RouteDefinition = {
  method: 'POST',
  path: '/v1/jobs/{jobId}/pause',
  role: 'operator',
  operationId: 'pauseJob',
  summary: 'Pause a job',
};
const OPERATOR: Principal = { id: 'local:operator:abc', role: 'operator' };

function event(): ApiEvent {
  return {
    httpMethod: 'POST',
    path: '/v1/jobs/job-a/pause',
    pathParameters: { jobId: 'job-a' },
    requestContext: { requestId: 'req-1' },
  } as unknown as ApiEvent;
}

/** An audit trail on an in-memory log; `failing` makes every append fail. */
function harness(options: { failing?: boolean } = {}) {
  const stored: AuditRecord[] = [];
  const errors: string[] = [];
  const metrics: string[] = [];
  let next = 0;
  const log: AuditLog = {
    async append(record) {
      if (options.failing) throw new Error('ProvisionedThroughputExceededException');
      stored.push(record);
    },
    list: async () => ({ items: [] }),
  };
  const trail = createAuditTrail({
    log,
    clock: { now: () => NOW },
    newId: () => `aud_${next++}`,
    logError: (line) => errors.push(line),
    metrics: (line) => metrics.push(line),
    stage: 'test',
  });
  return { trail, stored, errors, metrics };
}

const ok = { statusCode: 200, headers: {}, body: '{}' };

describe('auditedRoute', () => {
  it('records a successful call with what the route noted, after it answered', async () => {
    const { trail, stored } = harness();
    const handler = auditedRoute(
      PAUSE,
      trail,
      () => OPERATOR,
      async (_event, audit) => {
        audit({ jobId: 'job-a', beforeVersion: 1, afterVersion: 2 });
        return ok;
      },
    );

    expect(await handler(event())).toBe(ok);

    expect(stored).toEqual([
      {
        auditId: 'aud_0',
        at: NOW.toISOString(),
        principal: OPERATOR.id,
        role: 'operator',
        action: 'pauseJob',
        method: 'POST',
        path: '/v1/jobs/job-a/pause',
        requestId: 'req-1',
        jobId: 'job-a',
        beforeVersion: 1,
        afterVersion: 2,
        status: 200,
        expiresAt: NOW.getTime() / 1000 + 365 * 86_400,
      },
    ]);
  });

  it('records a refused call with its status and the ids of its path, and keeps its answer', async () => {
    const { trail, stored } = harness();
    const refused = new ForbiddenError('needs operator');
    const handler = auditedRoute(
      PAUSE,
      trail,
      () => ({ id: 'viewer-1', role: 'viewer' }),
      async () => {
        throw refused;
      },
    );

    await expect(handler(event())).rejects.toBe(refused);

    expect(stored).toMatchObject([{ principal: 'viewer-1', role: 'viewer', status: 403, jobId: 'job-a' }]);
    expect(stored[0]).not.toHaveProperty('afterVersion');
  });

  it('records nothing for a caller it cannot identify', async () => {
    const { trail, stored } = harness();
    const handler = auditedRoute(
      PAUSE,
      trail,
      () => undefined,
      async () => ok,
    );

    await handler(event());

    expect(stored).toEqual([]);
  });

  it('answers 500 when the record of an applied change cannot be written, and logs the record in full', async () => {
    const { trail, errors, metrics } = harness({ failing: true });
    const handler = auditedRoute(
      PAUSE,
      trail,
      () => OPERATOR,
      async (_event, audit) => {
        audit({ jobId: 'job-a', beforeVersion: 1, afterVersion: 2 });
        return ok;
      },
    );

    const failure = await handler(event()).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AuditNotWrittenError);
    expect(toProblem(failure, 'req-1')).toMatchObject({
      status: 500,
      type: 'urn:kairos:problem:audit-not-written',
      detail: expect.stringContaining('was carried out'),
    });
    expect(JSON.parse(errors[0]!)).toMatchObject({
      level: 'ERROR',
      message: 'audit record not written',
      requestId: 'req-1',
      record: { auditId: 'aud_0', action: 'pauseJob', jobId: 'job-a', beforeVersion: 1, afterVersion: 2 },
      error: expect.stringContaining('ProvisionedThroughputExceededException'),
    });
    expect(JSON.parse(metrics[0]!)).toMatchObject({ AuditWriteFailures: 1, Stage: 'test' });
  });

  it('keeps the answer of a refused call when its record cannot be written (nothing changed)', async () => {
    const { trail, errors } = harness({ failing: true });
    const conflict = new ConflictError('stale');
    const handler = auditedRoute(
      PAUSE,
      trail,
      () => OPERATOR,
      async () => {
        throw conflict;
      },
    );

    await expect(handler(event())).rejects.toBe(conflict);
    expect(errors).toHaveLength(1);
  });
});

describe('auditRecordsOf', () => {
  const call = {
    principal: OPERATOR,
    action: 'createJobsBatch',
    method: 'POST',
    path: '/v1/jobs:batch',
    requestId: 'req-2',
    status: 207,
    target: { jobId: undefined },
  };

  it('writes one record per subject, each with its own id', () => {
    let n = 0;
    const records = auditRecordsOf(
      call,
      [
        { jobId: 'a', afterVersion: 1 },
        { jobId: 'b', afterVersion: 1 },
      ],
      NOW,
      () => `id${n++}`,
      30,
    );

    expect(records.map((r) => [r.auditId, r.jobId, r.afterVersion])).toEqual([
      ['id0', 'a', 1],
      ['id1', 'b', 1],
    ]);
    expect(records[0]!.expiresAt).toBe(NOW.getTime() / 1000 + 30 * 86_400);
  });

  it('writes one record without subjects, naming only the ids it has', () => {
    const [only, ...rest] = auditRecordsOf(call, [], NOW, () => 'id');

    expect(rest).toEqual([]);
    expect(Object.keys(only!)).not.toContain('jobId');
  });
});
