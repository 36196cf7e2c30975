import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors.js';
import type { JobDefinition } from '../../../lambdas/core/job-schema.js';
import {
  assertKnownParams,
  ifMatchVersion,
  instantParam,
  intParam,
  jobStatusesParam,
  tagParam,
} from '../../../lambdas/services/jobs/params.js';
import { applyJobPatch, patchChangesSchedule } from '../../../lambdas/services/jobs/patch.js';

function pathOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems[0].path;
  }
  throw new Error('expected a ValidationError');
}

describe('query and header parameters', () => {
  it('parses and bounds integers', () => {
    expect(intParam({}, 'limit', 1, 100, 20)).toBe(20);
    expect(intParam({ limit: '7' }, 'limit', 1, 100, 20)).toBe(7);
    for (const bad of ['0', '101', '1.5', '-1', 'x', ''])
      expect(pathOf(() => intParam({ limit: bad }, 'limit', 1, 100, 20))).toBe('query.limit');
  });

  it('parses instants, statuses, tags and If-Match', () => {
    expect(instantParam({ from: '2026-03-08T07:00:00+02:00' }, 'from')?.toISOString()).toBe(
      '2026-03-08T05:00:00.000Z',
    );
    expect(pathOf(() => instantParam({ from: '2026-03-08' }, 'from'))).toBe('query.from');
    expect(jobStatusesParam({})).toEqual(['ACTIVE', 'PAUSED']);
    expect(jobStatusesParam({ status: 'deleted,ACTIVE' })).toEqual(['DELETED', 'ACTIVE']);
    expect(pathOf(() => jobStatusesParam({ status: 'GONE' }))).toBe('query.status');
    expect(tagParam({ tag: 'team:data:eng' })).toEqual({ key: 'team', value: 'data:eng' });
    expect(pathOf(() => tagParam({ tag: ':x' }))).toBe('query.tag');
    expect(['3', '"3"', 'W/"3"'].map(ifMatchVersion)).toEqual([3, 3, 3]);
    expect(pathOf(() => ifMatchVersion('*'))).toBe('header.if-match');
    expect(pathOf(() => assertKnownParams({ limit: '1', x: '2' }, ['limit']))).toBe('query.x');
  });
});

describe('applyJobPatch', () => {
  const current = {
    name: 'a',
    schedule: { type: 'cron', expression: '0 2 * * *' },
    target: { type: 'lambda', functionArn: 'fn' },
    tags: { team: 'data', tier: '1' },
    sla: { startWithinSeconds: 5 },
  } as unknown as JobDefinition;

  it('replaces top-level fields wholesale and removes optional ones with null', () => {
    const next = applyJobPatch(current, { tags: { team: 'ml' }, sla: null });
    expect(next.tags).toEqual({ team: 'ml' });
    expect(next).not.toHaveProperty('sla');
    expect(patchChangesSchedule(current, next)).toBe(false);
    expect(patchChangesSchedule(current, applyJobPatch(current, { schedule: { type: 'immediate' } }))).toBe(
      true,
    );
  });

  it('refuses unknown or owned fields and removing required ones', () => {
    expect(pathOf(() => applyJobPatch(current, { version: 9 }))).toBe('$.version');
    expect(pathOf(() => applyJobPatch(current, { name: null }))).toBe('$.name');
    expect(pathOf(() => applyJobPatch(current, [1]))).toBe('$');
  });
});
