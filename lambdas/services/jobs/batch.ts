import { KairosError, ValidationError } from '../../core/errors.js';
import type { CreateOptions, CreateResult } from './job-service.js';

/** Most jobs one `POST /v1/jobs:batch` may create (keeps one request well inside API Gateway's limits). */
export const MAX_BATCH_JOBS = 100;

/**
 * Creates each job of a batch on its own: a bad item is reported in its slot (paths under `$.jobs[i]`) and never
 * stops the others; only an unexpected error fails the whole request. With an `Idempotency-Key`, item i uses
 * `<key>:<i>`, so retrying the whole batch replays every item instead of creating it again. `created` holds the
 * result of each item created or replayed (for the audit log; the response is `items`).
 */
export async function batchCreate(
  create: (body: unknown, options: CreateOptions) => Promise<CreateResult>,
  bodies: unknown,
  options: CreateOptions,
) {
  if (!Array.isArray(bodies) || bodies.length === 0 || bodies.length > MAX_BATCH_JOBS) {
    throw ValidationError.at('$.jobs', `must be an array of 1 to ${MAX_BATCH_JOBS} job definitions`);
  }
  const items = [];
  const created: CreateResult[] = [];
  for (const [i, body] of bodies.entries()) {
    const idempotencyKey = options.idempotencyKey ? `${options.idempotencyKey}:${i}` : undefined;
    try {
      const result = await create(body, { ...options, idempotencyKey });
      created.push(result);
      items.push({ jobId: result.job.jobId, status: 201 });
    } catch (error) {
      if (!(error instanceof KairosError) || error.status >= 500) throw error;
      items.push({ error: batchItemError(error, i) });
    }
  }
  return { items, created };
}

function batchItemError(error: KairosError, index: number) {
  const errors =
    error instanceof ValidationError
      ? error.problems.map((p) => ({ ...p, path: p.path.replace(/^\$/, `$.jobs[${index}]`) }))
      : undefined;
  return { status: error.status, title: error.name, detail: error.message, ...(errors ? { errors } : {}) };
}
