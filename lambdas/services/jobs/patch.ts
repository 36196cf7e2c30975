import { ValidationError } from '../../core/errors.js';
import { JOB_FIELDS, type JobDefinition, REQUIRED_JOB_FIELDS } from '../../core/job-schema.js';

/**
 * Applies a PATCH body to a definition: each top-level field given replaces the stored one wholesale and
 * `null` removes an optional field. Nested objects are replaced, not merged, so a schedule can change type
 * (`cron` → `at`) without leftovers from the old one. The result is validated by the caller.
 */
export function applyJobPatch(current: JobDefinition, patch: unknown): Record<string, unknown> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw ValidationError.at('$', 'the body must be a JSON object of the fields to change');
  }
  const next: Record<string, unknown> = { ...current };
  const problems = [];
  for (const [key, value] of Object.entries(patch)) {
    if (!(JOB_FIELDS as string[]).includes(key)) {
      problems.push({ path: `$.${key}`, message: 'unknown field (or one that cannot be changed)' });
    } else if (value === null) {
      if ((REQUIRED_JOB_FIELDS as string[]).includes(key)) {
        problems.push({ path: `$.${key}`, message: 'is required and cannot be removed' });
      } else delete next[key];
    } else next[key] = value;
  }
  if (problems.length > 0) throw new ValidationError(problems, 'The patch is not valid.');
  return next;
}

/** Whether the patch touches the schedule (then "in the past" rules apply to the new one). */
export function patchChangesSchedule(current: JobDefinition, next: Record<string, unknown>): boolean {
  return JSON.stringify(current.schedule) !== JSON.stringify(next.schedule);
}
