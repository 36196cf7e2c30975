import { NotFoundError } from '../../core/errors.js';
import type { RouteHandler } from './job-routes.js';
import type { ApiEvent } from './types.js';

/** The built dashboard: one self-contained HTML page and the hashes of its inline scripts (for the CSP). */
export interface DashboardPage {
  readonly html: string;
  readonly scriptHashes: readonly string[];
}

/**
 * How the page signs its API calls: `token` (local runtime bearer tokens), `cognito` (user pool sign-in),
 * `iam` (SigV4, which a browser cannot do: the page says to use `kairos dashboard`), `proxy` (that local proxy
 * signs for it).
 */
export interface DashboardConfig {
  readonly auth: 'token' | 'cognito' | 'iam' | 'proxy';
  readonly cognito?: { readonly region: string; readonly clientId: string };
}

/** Where the API handler finds the page; `page()` is called on the first request only and cached. */
export interface DashboardSource {
  readonly config: DashboardConfig;
  page(): Promise<DashboardPage | undefined>;
}

/**
 * Non-empty segments of letters, digits and `_-.` only: safe inside an HTML attribute, and never `//host`, which a
 * browser would read as another origin for every API call the page makes.
 */
const SAFE_PATH = /^(\/[A-Za-z0-9_.-]+)*\/?$/;

/**
 * `GET /`: the page with its `<base href>` set to where it is served (a deployed stage is `/<stage>/`, and every
 * API call the page makes is relative to it) and its configuration in a meta tag. The CSP lets only the page's
 * own inline scripts run and lets it connect only to this origin (and Cognito's sign-in endpoint).
 */
export function dashboardRoute(source: DashboardSource | undefined): RouteHandler {
  let cached: Promise<DashboardPage | undefined> | undefined;
  return async (event) => {
    cached ??= source?.page() ?? Promise.resolve(undefined);
    const page = await cached.catch((error: unknown) => {
      cached = undefined; // a failed build is retried on the next request
      throw error;
    });
    if (!source || !page) throw new NotFoundError('This build of Kairos has no dashboard.');
    return {
      statusCode: 200,
      headers: dashboardHeaders(page, source.config),
      body: renderDashboard(page, basePathOf(event), source.config),
    };
  };
}

/** The page served at `base` (ending in `/`) with `config`: what `GET /` and `kairos dashboard` send. */
export function renderDashboard(page: DashboardPage, base: string, config: DashboardConfig): string {
  return page.html
    .replace('%KAIROS_BASE%', base)
    .replace('%KAIROS_CONFIG%', escapeAttribute(JSON.stringify(config)));
}

/** The headers the page goes out with: HTML, revalidated on each load, under its CSP. */
export function dashboardHeaders(page: DashboardPage, config: DashboardConfig): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-cache',
    'content-security-policy': contentSecurityPolicy(page, config),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/** The path the page is served at, ending in `/`: API Gateway's `requestContext.path` includes the stage. */
export function basePathOf(event: ApiEvent): string {
  const path = event.requestContext?.path ?? event.path ?? '/';
  if (!SAFE_PATH.test(path)) return '/';
  return path.endsWith('/') ? path : `${path}/`;
}

export function contentSecurityPolicy(page: DashboardPage, config: DashboardConfig): string {
  const connect = ["'self'"];
  if (config.cognito) connect.push(`https://cognito-idp.${config.cognito.region}.amazonaws.com`);
  const scripts = page.scriptHashes.map((hash) => `'${hash.replace(/^'|'$/g, '')}'`);
  return [
    "default-src 'none'",
    `script-src ${scripts.join(' ') || "'none'"}`,
    // Styles: the page's inline <style> and style attributes set by its scripts (no script can run from CSS).
    "style-src 'unsafe-inline'",
    'img-src data:',
    `connect-src ${connect.join(' ')}`,
    "base-uri 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
