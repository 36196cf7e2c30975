import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod';
import { BackfillRequestSchema } from '../../lambdas/core/backfill/request.js';
import { JobDefinitionSchema } from '../../lambdas/core/job-schema.js';

/** A JSON Schema (draft 4) object as API Gateway models take it. */
export type EdgeSchema = Record<string, unknown>;

type Json = Record<string, unknown>;

/**
 * The JSON types a zod-generated property schema admits (`integer` widened to `number`, so the edge never refuses
 * `3.0`), or `undefined` when it admits any (e.g. `payload`) or its type cannot be read from the schema.
 */
function jsonTypes(schema: Json, definitions: Record<string, Json>): string[] | undefined {
  if (typeof schema.$ref === 'string') {
    const target = definitions[schema.$ref.split('/').pop() ?? ''];
    return target ? jsonTypes(target, definitions) : undefined;
  }
  if (typeof schema.type === 'string' || Array.isArray(schema.type)) {
    return [...new Set([schema.type].flat().map((t) => (t === 'integer' ? 'number' : String(t))))];
  }
  const branches = (schema.allOf ?? schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (!branches || branches.length === 0) return undefined;
  if (schema.allOf && branches.length === 1) return jsonTypes(branches[0], definitions);
  if (schema.allOf) return undefined;
  const all = branches.map((branch) => jsonTypes(branch, definitions));
  return all.every((types) => types !== undefined) ? [...new Set(all.flat() as string[])] : undefined;
}

/**
 * The top-level shape of a strict zod object schema as a draft-4 model: an object with exactly its fields (no
 * others: a client can never smuggle `status`, `version` or `owner` past the edge), its required fields, and each
 * field's JSON type. Deeper rules stay with the handler, whose zod validation names every bad field by its JSON
 * path; the model only refuses what that validation refuses too, so the two can never disagree on a valid body.
 * With `patch`, every field is optional and may be `null` (a PATCH removes a field with `null`).
 */
export function edgeShape(schema: z.ZodType, options: { patch?: boolean } = {}): EdgeSchema {
  const generated = z.toJSONSchema(schema, {
    target: 'draft-04',
    io: 'input',
    unrepresentable: 'any',
  }) as Json;
  const definitions = (generated.definitions ?? {}) as Record<string, Json>;
  const ref = typeof generated.$ref === 'string' ? generated.$ref.split('/').pop() : undefined;
  const top = ref ? definitions[ref] : generated;
  if (top?.type !== 'object' || top.additionalProperties !== false) {
    throw new Error('edgeShape takes a strict object schema', { cause: { package: 'kairos/api-models' } });
  }
  const properties = Object.fromEntries(
    Object.entries(top.properties as Record<string, Json>).map(([name, property]) => {
      const types = jsonTypes(property, definitions);
      if (!types) return [name, {}];
      const allowed = options.patch ? [...types, 'null'] : types;
      return [name, { type: allowed.length === 1 ? allowed[0] : allowed }];
    }),
  );
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'object',
    properties,
    ...(options.patch || !Array.isArray(top.required) ? {} : { required: top.required }),
    additionalProperties: false,
  };
}

/**
 * The edge model of each route that requires a JSON body, by operation id. `POST /v1/jobs/{jobId}/runs` has none:
 * its body is optional and API Gateway would validate an absent body too.
 */
export function bodyModels(): Readonly<Record<string, EdgeSchema>> {
  return {
    createJob: edgeShape(JobDefinitionSchema),
    updateJob: edgeShape(JobDefinitionSchema, { patch: true }),
    createJobsBatch: {
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
      properties: { jobs: { type: 'array' } },
      required: ['jobs'],
      additionalProperties: false,
    },
    backfillJob: edgeShape(BackfillRequestSchema),
  };
}

/** Adds the models of {@link bodyModels} to `restApi`, keyed by operation id (for `application/json` bodies). */
export function addBodyModels(restApi: apigw.RestApi): Record<string, apigw.IModel> {
  return Object.fromEntries(
    Object.entries(bodyModels()).map(([operationId, schema]) => [
      operationId,
      restApi.addModel(`${operationId[0].toUpperCase()}${operationId.slice(1)}Body`, {
        contentType: 'application/json',
        modelName: `${operationId}Body`,
        description: `Top-level shape of the ${operationId} body (fields, required fields, JSON types)`,
        schema: schema as apigw.JsonSchema,
      }),
    ]),
  );
}
