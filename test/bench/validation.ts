import { validateJobDefinition } from '../../lambdas/core/validate-job.js';
import { jobBody } from '../e2e/support/local-api.js';
import { type BenchLine, opsPerSecond } from './types.js';

/** Job validation (schema + schedule rules) per second, for a valid cron job and an invalid one. */
export default async function benchValidation(): Promise<BenchLine[]> {
  const now = new Date('2026-06-01T00:00:00Z');
  const valid = jobBody();
  const invalid = jobBody({ name: '', schedule: { type: 'cron', expression: '0 2 1 * MON' }, surprise: 1 });
  const ok = opsPerSecond(() => validateJobDefinition(valid, { runtime: 'aws', now }));
  const bad = opsPerSecond(() => {
    try {
      validateJobDefinition(invalid, { runtime: 'aws', now });
    } catch (error) {
      return error;
    }
    throw new Error('the invalid body was accepted');
  });
  return [
    { name: 'validation.job.valid', value: ok.opsPerSec, unit: 'ops/s', calls: ok.calls },
    { name: 'validation.job.invalid', value: bad.opsPerSec, unit: 'ops/s', calls: bad.calls },
  ];
}
