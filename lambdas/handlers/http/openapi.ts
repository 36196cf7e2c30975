import { z } from 'zod';
import '../../core/job-schema.js'; // registers the schemas with their ids
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
    responses: {
      default: {
        description: 'Error',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
  };
}

/** Component schemas live inside the document, whose dialect (3.1 = JSON Schema 2020-12) already applies. */
function withoutDialect(schemas: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
}
