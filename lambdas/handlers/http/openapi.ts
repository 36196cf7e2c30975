import { z } from 'zod';
import '../../core/backfill/request.js'; // registers the schemas with their ids
import '../../core/job-schema.js';
import { ROUTES, type RouteDefinition } from '../routes.js';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests (3.1 uses JSON Schema
 * 2020-12, which is what zod emits), and from the route table the router and API Gateway are built from.
 */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  // Every schema registered with a `meta({ id })` becomes a component, referenced by `#/components/schemas/<id>`.
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kairos API',
      version,
      description: 'Serverless job scheduler. See API.md for the contract.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS SigV4 (deployed stack)',
        },
        bearer: { type: 'http', scheme: 'bearer', description: 'Local runtime token' },
      },
      schemas: {
        ...withoutDialect(schemas),
        Job: {
          allOf: [
            { $ref: '#/components/schemas/JobDefinition' },
            {
              type: 'object',
              required: ['jobId', 'status', 'version', 'createdAt', 'updatedAt', 'nextRunAt'],
              properties: {
                jobId: { type: 'string' },
                status: { enum: ['ACTIVE', 'PAUSED', 'DELETED'] },
                version: { type: 'integer', minimum: 1 },
                createdAt: { type: 'string', format: 'date-time' },
                updatedAt: { type: 'string', format: 'date-time' },
                nextRunAt: { type: ['string', 'null'], format: 'date-time' },
              },
            },
          ],
        },
        ...BACKFILL_SCHEMAS,
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'message'],
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    paths: buildPaths(),
  };
}

function buildPaths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = operation(route);
  }
  return paths;
}

function operation(route: RouteDefinition): Record<string, unknown> {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const hasJobBody = route.operationId === 'createJob' || route.operationId === 'updateJob';
  const described = DESCRIBED[route.operationId];
  return {
    operationId: route.operationId,
    summary: route.summary,
    'x-kairos-role': route.role,
    security: route.role === 'public' ? [] : [{ sigv4: [] }, { bearer: [] }],
    parameters: params,
    ...(hasJobBody
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/JobDefinition' } } },
          },
        }
      : {}),
    ...(described?.body ? { requestBody: jsonContent(described.body, true) } : {}),
    responses: {
      ...(described
        ? { [described.status]: { description: 'Success', ...jsonContent(described.response) } }
        : {}),
      ...(route.operationId === 'getDashboard'
        ? {
            200: {
              description: 'The dashboard page',
              content: { 'text/html': { schema: { type: 'string' } } },
            },
          }
        : {}),
      default: {
        description: 'Error',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
  };
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

function jsonContent(id: string, required?: boolean): Record<string, unknown> {
  return { ...(required ? { required } : {}), content: { 'application/json': { schema: ref(id) } } };
}

/** Request and success response of the operations described in full. */
const DESCRIBED: Record<string, { body?: string; status: string; response: string }> = {
  backfillJob: { body: 'BackfillRequest', status: '202', response: 'BackfillCreated' },
  getBackfill: { status: '200', response: 'Backfill' },
  cancelBackfill: { status: '200', response: 'Backfill' },
};

const count = { type: 'integer', minimum: 0 };
const instant = { type: 'string', format: 'date-time' };

/** Responses of the backfill routes (see `core/backfill/record.ts` and `services/backfill/backfill-service.ts`). */
const BACKFILL_SCHEMAS = {
  BackfillCreated: {
    type: 'object',
    required: ['backfillId', 'runs', 'slots', 'skipped'],
    properties: {
      backfillId: { type: ['string', 'null'], description: 'Null for a dry run, which creates nothing' },
      runs: { ...count, description: 'Slots that get a run now' },
      slots: { ...count, description: 'Slots in the window' },
      skipped: { ...count, description: 'Slots left as they are because they already have a run' },
      times: { type: 'array', items: instant, description: 'Dry run only: the slots that would run' },
    },
  },
  Backfill: {
    type: 'object',
    required: [
      'backfillId',
      'jobId',
      'from',
      'to',
      'maxConcurrency',
      'reprocess',
      'status',
      'runs',
      'launched',
      'active',
      'createdAt',
    ],
    properties: {
      backfillId: { type: 'string' },
      jobId: { type: 'string' },
      from: instant,
      to: instant,
      maxConcurrency: { type: 'integer', minimum: 1 },
      reprocess: { enum: ['none', 'failed', 'all'] },
      status: { enum: ['RUNNING', 'COMPLETED', 'CANCELLED'] },
      runs: { ...count, description: 'Slots that were to get a run when it was requested' },
      launched: { ...count, description: 'Slots launched so far' },
      active: { ...count, description: 'Runs of the backfill queued, running or retrying now' },
      createdAt: instant,
    },
  },
};

/** Component schemas live inside the document, whose dialect (3.1 = JSON Schema 2020-12) already applies. */
function withoutDialect(schemas: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
}
