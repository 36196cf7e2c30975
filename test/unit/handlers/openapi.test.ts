import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../lambdas/handlers/http/openapi.js';
import { ROUTES } from '../../../lambdas/handlers/routes.js';

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refsIn(item, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else refsIn(value, out);
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument('1.2.3') as any;

  it('is OpenAPI 3.1 with one operation per route and its role', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      const op = doc.paths[route.path][route.method.toLowerCase()];
      expect(op.operationId).toBe(route.operationId);
      expect(op['x-kairos-role']).toBe(route.role);
    }
  });

  it('resolves every $ref to a component', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      const id = /^#\/components\/schemas\/(\w+)$/.exec(ref)?.[1];
      expect(id, ref).toBeDefined();
      expect(doc.components.schemas[id!], ref).toBeDefined();
    }
  });

  it('describes the backfill routes: roles, request body and success responses', () => {
    const create = doc.paths['/v1/jobs/{jobId}/backfill'].post;
    expect(create['x-kairos-role']).toBe('operator');
    expect(create.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/BackfillRequest',
    });
    expect(create.responses['202'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/BackfillCreated',
    );
    const request = doc.components.schemas.BackfillRequest;
    expect(request.required).toEqual(['from', 'to']);
    expect(request.additionalProperties).toBe(false);
    expect(request.properties.reprocess.enum).toEqual(['none', 'failed', 'all']);
    expect(request.properties.maxConcurrency).toMatchObject({ minimum: 1, maximum: 100, default: 1 });
    const get = doc.paths['/v1/backfills/{backfillId}'].get;
    const cancel = doc.paths['/v1/backfills/{backfillId}/cancel'].post;
    expect([get['x-kairos-role'], cancel['x-kairos-role']]).toEqual(['viewer', 'operator']);
    for (const op of [get, cancel]) {
      expect(op.responses['200'].content['application/json'].schema.$ref).toBe(
        '#/components/schemas/Backfill',
      );
    }
    expect(doc.components.schemas.Backfill.properties.status.enum).toEqual([
      'RUNNING',
      'COMPLETED',
      'CANCELLED',
    ]);
  });

  it('describes the job definition from the validating schema', () => {
    const def = doc.components.schemas.JobDefinition;
    expect(def.required).toEqual(['name', 'schedule']);
    expect(def.additionalProperties).toBe(false);
    const scheduleTypes = doc.components.schemas.Schedule.oneOf.map((s: any) => s.properties.type.const);
    expect(scheduleTypes).toEqual(['immediate', 'at', 'cron', 'rate']);
  });
});
