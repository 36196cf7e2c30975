import type { RuntimeKind } from './core/validate-job.js';

/** Settings of the deployed Lambdas, read once at cold start from the environment. */
export interface AwsConfig {
  readonly runtime: RuntimeKind;
  readonly jobsTable: string;
  readonly runsTable: string;
  readonly scheduleTable: string;
  readonly cursorSecret: string;
  readonly version: string;
}

/** Reads a required variable, failing with its name so a misconfigured stack is obvious in the logs. */
export function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing environment variable ${name}`, { cause: { package: 'kairos/config' } });
  }
  return value;
}

export function readAwsConfig(env: NodeJS.ProcessEnv = process.env): AwsConfig {
  const runtime = env.KAIROS_RUNTIME ?? 'aws';
  if (runtime !== 'aws' && runtime !== 'local') {
    throw new Error(`KAIROS_RUNTIME must be 'aws' or 'local', got '${runtime}'`);
  }
  return {
    runtime,
    jobsTable: requireEnv(env, 'KAIROS_JOBS_TABLE'),
    runsTable: requireEnv(env, 'KAIROS_RUNS_TABLE'),
    scheduleTable: requireEnv(env, 'KAIROS_SCHEDULE_TABLE'),
    cursorSecret: requireEnv(env, 'KAIROS_CURSOR_SECRET'),
    version: env.KAIROS_VERSION ?? '0.0.0',
  };
}
