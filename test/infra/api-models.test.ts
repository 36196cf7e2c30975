// Ajv (draft 7, which asl-validator brings) reads the models' keywords exactly as draft 4 does: the models use only
// type, properties, required and additionalProperties.
import { Ajv } from 'ajv';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BackfillRequestSchema } from '../../lambdas/core/backfill/request.js';
import { JobDefinitionSchema } from '../../lambdas/core/job-schema.js';
import { ROUTES } from '../../lambdas/handlers/routes.js';
import { bodyModels, type EdgeSchema } from '../../lib/constructs/api-models.js';
import { createKairosApp } from '../../lib/kairos-app.js';
import { jobBody } from '../e2e/support/local-api.js';
import { apiMethods, resourcesOfType } from './support/template.js';

const ajv = new Ajv({ allErrors: true });
const accepts = (schema: EdgeSchema, body: unknown) => {
  const { $schema: _, ...rest } = schema;
  return ajv.validate(rest, body);
};

/** Fields the server owns: never settable through a body (mass assignment). */
const SERVER_FIELDS = ['jobId', 'status', 'version', 'createdAt', 'updatedAt', 'owner', 'nextRunAt', 'runs'];

const VALID_JOBS = [
  jobBody(),
  { name: 'now', schedule: { type: 'immediate' }, target: { type: 'command', command: ['true'] } },
  {
    name: 'dag',
    schedule: { type: 'rate', every: '5 minutes' },
    tasks: [
      {
        id: 'a',
        target: { type: 'lambda', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:kairos-a' },
      },
    ],
    timeoutSeconds: 60.0,
    catchup: { window: 3600, maxRuns: 2 },
    description: 'd',
    payload: [1, 'two', null],
  },
];

describe('API Gateway body models', () => {
  const models = bodyModels();

  it('exist for every route that requires a JSON body, and are attached to those methods only', () => {
    const template = Template.fromStack(createKairosApp().stack, { skipCyclicalDependenciesCheck: true });
    const modelIds = Object.entries(resourcesOfType(template, 'AWS::ApiGateway::Model')).map(
      ([id, model]) => [id, model.Properties!.Name],
    );
    const withModel = apiMethods(template)
      .filter((m) => m.properties.RequestModels)
      .map((m) => {
        const ref = (m.properties.RequestModels as Record<string, { Ref: string }>)['application/json'].Ref;
        return `${m.method} ${m.path} ${modelIds.find(([id]) => id === ref)?.[1]}`;
      });
    const expected = ROUTES.filter((r) => models[r.operationId]).map(
      (r) => `${r.method} ${r.path} ${r.operationId}Body`,
    );
    expect(withModel.sort()).toEqual(expected.sort());
    expect(Object.keys(models).sort()).toEqual(['backfillJob', 'createJob', 'createJobsBatch', 'updateJob']);
  });

  it('list exactly the fields of the zod schemas, closed to any other', () => {
    expect(Object.keys(models.createJob.properties as object)).toEqual(
      Object.keys(JobDefinitionSchema.shape),
    );
    expect(Object.keys(models.backfillJob.properties as object)).toEqual(
      Object.keys(BackfillRequestSchema.shape),
    );
    for (const schema of Object.values(models)) expect(schema.additionalProperties).toBe(false);
    expect(models.createJob.required).toEqual(['name', 'schedule']);
    expect(models.updateJob.required).toBeUndefined();
  });

  it('accept bodies the handler accepts (never refusing a valid one)', () => {
    for (const body of VALID_JOBS) {
      expect(JobDefinitionSchema.safeParse(body).success, JSON.stringify(body)).toBe(true);
      expect(accepts(models.createJob, body), JSON.stringify(ajv.errors)).toBe(true);
    }
    expect(accepts(models.createJobsBatch, { jobs: VALID_JOBS })).toBe(true);
    expect(accepts(models.updateJob, {})).toBe(true);
    expect(accepts(models.updateJob, { description: null, sla: null, schedule: { type: 'immediate' } })).toBe(
      true,
    );
    expect(accepts(models.backfillJob, { from: 'a', to: 'b', maxConcurrency: 3, dryRun: true })).toBe(true);
  });

  it.each(SERVER_FIELDS)('refuse the server-owned field %s in every body', (field) => {
    expect(accepts(models.createJob, { ...jobBody(), [field]: 'x' })).toBe(false);
    expect(accepts(models.updateJob, { [field]: 'x' })).toBe(false);
    expect(accepts(models.createJobsBatch, { jobs: [jobBody()], [field]: 'x' })).toBe(false);
    expect(accepts(models.backfillJob, { from: 'a', to: 'b', [field]: 'x' })).toBe(false);
  });

  it('refuse missing required fields and top-level fields of the wrong JSON type', () => {
    expect(accepts(models.createJob, { name: 'x' })).toBe(false);
    expect(accepts(models.createJob, { ...jobBody(), name: 5 })).toBe(false);
    expect(accepts(models.createJob, { ...jobBody(), tags: [] })).toBe(false);
    expect(accepts(models.createJob, [jobBody()])).toBe(false);
    expect(accepts(models.createJobsBatch, { jobs: {} })).toBe(false);
    expect(accepts(models.backfillJob, { from: 'a' })).toBe(false);
  });
});

describe('edge shape of the handler schemas', () => {
  let names: string[];
  beforeAll(() => {
    names = Object.keys(JobDefinitionSchema.shape);
  });

  it('gives PATCH every job field, each nullable, so `null` can remove an optional field', () => {
    const properties = bodyModels().updateJob.properties as Record<string, { type?: string | string[] }>;
    expect(Object.keys(properties)).toEqual(names);
    for (const [name, property] of Object.entries(properties)) {
      if (name === 'payload') expect(property).toEqual({});
      else expect([property.type].flat(), name).toContain('null');
    }
  });
});
