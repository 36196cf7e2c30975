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

  it('describes the job definition from the validating schema', () => {
    const def = doc.components.schemas.JobDefinition;
    expect(def.required).toEqual(['name', 'schedule']);
    expect(def.additionalProperties).toBe(false);
    const scheduleTypes = doc.components.schemas.Schedule.oneOf.map((s: any) => s.properties.type.const);
    expect(scheduleTypes).toEqual(['immediate', 'at', 'cron', 'rate']);
  });
});
