import type { Role } from '../core/roles.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One REST route: shared by the API handler's router and the CDK API construct, so both list the same. */
export interface RouteDefinition {
  readonly method: HttpMethod;
  /** API Gateway path template, e.g. `/v1/jobs/{jobId}`. */
  readonly path: string;
  /** Least role allowed; `public` needs no credentials. */
  readonly role: Role | 'public';
  /** Operation id in the OpenAPI document. */
  readonly operationId: string;
  readonly summary: string;
}

export const ROUTES: readonly RouteDefinition[] = [
  {
    // The dashboard page (issue 7): static, so public; every call it makes carries the caller's credentials.
    method: 'GET',
    path: '/',
    role: 'public',
    operationId: 'getDashboard',
    summary: 'The web dashboard (HTML)',
  },
  {
    method: 'GET',
    path: '/v1/health',
    role: 'public',
    operationId: 'getHealth',
    summary: 'Liveness and version',
  },
  {
    method: 'GET',
    path: '/v1/openapi.json',
    role: 'viewer',
    operationId: 'getOpenApi',
    summary: 'This OpenAPI 3.1 document',
  },
  {
    method: 'GET',
    path: '/v1/jobs',
    role: 'viewer',
    operationId: 'listJobs',
    summary: 'List jobs, newest first',
  },
  { method: 'POST', path: '/v1/jobs', role: 'admin', operationId: 'createJob', summary: 'Create a job' },
  {
    method: 'POST',
    path: '/v1/jobs:batch',
    role: 'admin',
    operationId: 'createJobsBatch',
    summary: 'Create up to 100 jobs',
  },
  { method: 'GET', path: '/v1/jobs/{jobId}', role: 'viewer', operationId: 'getJob', summary: 'Get one job' },
  {
    method: 'PATCH',
    path: '/v1/jobs/{jobId}',
    role: 'admin',
    operationId: 'updateJob',
    summary: 'Partially update a job',
  },
  {
    method: 'DELETE',
    path: '/v1/jobs/{jobId}',
    role: 'admin',
    operationId: 'deleteJob',
    summary: 'Delete a job',
  },
  {
    method: 'POST',
    path: '/v1/jobs/{jobId}/pause',
    role: 'operator',
    operationId: 'pauseJob',
    summary: 'Pause a job',
  },
  {
    method: 'POST',
    path: '/v1/jobs/{jobId}/resume',
    role: 'operator',
    operationId: 'resumeJob',
    summary: 'Resume a job',
  },
  {
    method: 'GET',
    path: '/v1/jobs/{jobId}/status',
    role: 'viewer',
    operationId: 'getJobStatus',
    summary: 'A job and its latest run',
  },
  {
    method: 'GET',
    path: '/v1/jobs/{jobId}/preview',
    role: 'viewer',
    operationId: 'previewJob',
    summary: 'Next fire times of a job',
  },
  {
    method: 'POST',
    path: '/v1/jobs/{jobId}/backfill',
    role: 'operator',
    operationId: 'backfillJob',
    summary: 'Run the slots of a past window (or list them: dry run)',
  },
  {
    method: 'GET',
    path: '/v1/backfills/{backfillId}',
    role: 'viewer',
    operationId: 'getBackfill',
    summary: 'Progress of a backfill',
  },
  {
    method: 'POST',
    path: '/v1/backfills/{backfillId}/cancel',
    role: 'operator',
    operationId: 'cancelBackfill',
    summary: 'Cancel a backfill and its queued and running runs',
  },
  {
    method: 'POST',
    path: '/v1/jobs/{jobId}/runs',
    role: 'operator',
    operationId: 'triggerRun',
    summary: 'Run a job now (manual run)',
  },
  {
    method: 'GET',
    path: '/v1/jobs/{jobId}/runs',
    role: 'viewer',
    operationId: 'listRuns',
    summary: 'Run history of a job',
  },
  { method: 'GET', path: '/v1/runs/{runId}', role: 'viewer', operationId: 'getRun', summary: 'One run' },
  {
    method: 'GET',
    path: '/v1/runs/{runId}/logs',
    role: 'viewer',
    operationId: 'getRunLogs',
    summary: 'Log of an attempt',
  },
  {
    method: 'POST',
    path: '/v1/runs/{runId}/cancel',
    role: 'operator',
    operationId: 'cancelRun',
    summary: 'Cancel a run',
  },
  {
    method: 'GET',
    path: '/v1/sla',
    role: 'viewer',
    operationId: 'getSla',
    summary: 'SLA misses and compliance',
  },
  {
    method: 'POST',
    path: '/v1/runs/{runId}/retry',
    role: 'operator',
    operationId: 'retryRun',
    summary: 'New attempt for a failed run',
  },
  {
    method: 'GET',
    path: '/v1/me',
    role: 'viewer',
    operationId: 'getMe',
    summary: 'Who the caller is and their role',
  },
  {
    method: 'GET',
    path: '/v1/overview',
    role: 'viewer',
    operationId: 'getOverview',
    summary: 'Runs per minute, failures and pick-up latency of a recent window',
  },
  {
    // Read-only by design: no route changes or deletes audit records (ADR 0013).
    method: 'GET',
    path: '/v1/audit',
    role: 'admin',
    operationId: 'listAudit',
    summary: 'Audit records of mutating calls, newest first',
  },
];
