import { describe, expect, it } from 'vitest';
import { dashboardConfigOf, deployedDashboard } from '../../../lambdas/handlers/dashboard-file.js';
import {
  basePathOf,
  contentSecurityPolicy,
  type DashboardSource,
  dashboardRoute,
} from '../../../lambdas/handlers/http/dashboard-route.js';
import type { ApiEvent } from '../../../lambdas/handlers/http/types.js';

const TEMPLATE =
  '<html><head><base href="%KAIROS_BASE%"><meta name="kairos-config" content="%KAIROS_CONFIG%"></head></html>';

const eventAt = (path: string) => ({ path, requestContext: { path } }) as unknown as ApiEvent;
const noAudit = () => undefined;

describe('GET / (the dashboard page)', () => {
  it('fills in the base path and the configuration, escaped, and sends a strict CSP', async () => {
    let builds = 0;
    const source: DashboardSource = {
      config: { auth: 'cognito', cognito: { region: 'eu-west-1', clientId: 'abc"<x>' } },
      page: async () => {
        builds++;
        return { html: TEMPLATE, scriptHashes: ['sha256-AAA='] };
      },
    };
    const route = dashboardRoute(source);
    const result = await route(eventAt('/prod/'), undefined, noAudit);
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(result.body).toContain('<base href="/prod/">');
    expect(result.body).toContain('content="{&quot;auth&quot;:&quot;cognito&quot;');
    expect(result.body).toContain('abc\\&quot;&lt;x&gt;');
    expect(result.body).not.toContain('<x>');
    const csp = String(result.headers?.['content-security-policy']);
    expect(csp).toContain("script-src 'sha256-AAA='");
    expect(csp).toContain("connect-src 'self' https://cognito-idp.eu-west-1.amazonaws.com");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    await route(eventAt('/prod/'), undefined, noAudit);
    expect(builds).toBe(1);
  });

  it('answers 404 without a page, and retries a failed build on the next request', async () => {
    await expect(dashboardRoute(undefined)(eventAt('/'), undefined, noAudit)).rejects.toMatchObject({
      status: 404,
    });
    let calls = 0;
    const flaky: DashboardSource = {
      config: { auth: 'token' },
      page: async () => {
        calls++;
        if (calls === 1) throw new Error('esbuild failed');
        return { html: TEMPLATE, scriptHashes: [] };
      },
    };
    const route = dashboardRoute(flaky);
    await expect(route(eventAt('/'), undefined, noAudit)).rejects.toThrow('esbuild failed');
    expect((await route(eventAt('/'), undefined, noAudit)).statusCode).toBe(200);
  });

  it('takes the base path from the request context, adding the slash, and ignores unsafe paths', () => {
    expect(basePathOf(eventAt('/'))).toBe('/');
    expect(basePathOf(eventAt('/prod'))).toBe('/prod/');
    expect(basePathOf(eventAt('/a/b_c-1.2/'))).toBe('/a/b_c-1.2/');
    expect(basePathOf(eventAt('/"><script>'))).toBe('/');
    // A protocol-relative base would send the page's API calls (and token) to another origin.
    expect(basePathOf(eventAt('//evil.example/'))).toBe('/');
    expect(basePathOf(eventAt('/prod//evil'))).toBe('/');
  });

  it('allows no script without a hash and connects only to itself without Cognito', () => {
    const csp = contentSecurityPolicy({ html: '', scriptHashes: [] }, { auth: 'token' });
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("connect-src 'self';");
  });
});

describe('the deployed dashboard configuration', () => {
  it('signs in with Cognito when the API uses it, and explains the IAM way otherwise', () => {
    expect(
      dashboardConfigOf({
        KAIROS_API_AUTH: 'cognito',
        KAIROS_DASHBOARD_CLIENT_ID: 'c1',
        AWS_REGION: 'us-east-1',
      }),
    ).toEqual({ auth: 'cognito', cognito: { region: 'us-east-1', clientId: 'c1' } });
    expect(dashboardConfigOf({ KAIROS_API_AUTH: 'iam', AWS_REGION: 'us-east-1' })).toEqual({ auth: 'iam' });
  });

  it('has no page when the bundle carries no dashboard.json', async () => {
    const source = deployedDashboard({ LAMBDA_TASK_ROOT: '/nonexistent-kairos-root' });
    expect(await source.page()).toBeUndefined();
  });
});
