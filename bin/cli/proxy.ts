/**
 * The local side of `kairos dashboard`: serves the dashboard page on 127.0.0.1 and forwards its API calls to the
 * endpoint with the CLI's credentials (SigV4 for a deployed stack), since a browser cannot sign SigV4 requests.
 *
 * Whoever can send requests to it acts with those credentials, so it answers only: under a random path prefix
 * (other users of the machine cannot guess it), with its own Host (no DNS rebinding), and to same-origin
 * requests (no other web page in the browser can drive it).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  contentSecurityPolicy,
  type DashboardPage,
  dashboardHeaders,
  renderDashboard,
} from '../../lambdas/handlers/http/dashboard-route.js';
import type { ApiTarget } from './target.js';

export interface DashboardProxy {
  /** The page's address, secret prefix included: `http://127.0.0.1:8788/k3x…/`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Request headers the API reads; everything else (cookies above all) stays in the browser. */
const FORWARDED_REQUEST = ['accept', 'content-type', 'if-match', 'idempotency-key'];
const FORWARDED_RESPONSE = [
  'content-type',
  'etag',
  'location',
  'cache-control',
  'x-amzn-requestid',
  'idempotent-replayed',
];
const MAX_BODY = 1024 * 1024;

/** The CSP the API sends with the page, in `proxy` mode: only this origin to connect to. */
export function proxyCsp(scriptHashes: readonly string[]): string {
  return contentSecurityPolicy({ html: '', scriptHashes }, { auth: 'proxy' });
}

/** The page with its base path and `{ "auth": "proxy" }` filled in. */
export function renderPage(page: DashboardPage, base: string): string {
  return renderDashboard(page, base, { auth: 'proxy' });
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

/** Why a request may not use the proxy's credentials, or undefined when it may. */
export function refusal(
  req: Pick<IncomingMessage, 'headers'>,
  ownHosts: readonly string[],
): string | undefined {
  const host = req.headers.host ?? '';
  if (!ownHosts.includes(host)) return `requests must be addressed to ${ownHosts[0]}`;
  const origin = req.headers.origin;
  if (origin !== undefined && !ownHosts.some((h) => origin === `http://${h}`))
    return `requests from ${origin} are not accepted`;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return 'cross-site requests are not accepted';
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new RangeError('body too large');
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8');
}

async function forward(
  target: ApiTarget,
  req: IncomingMessage,
  res: ServerResponse,
  apiPath: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  let body: string | undefined;
  try {
    body = await readBody(req);
  } catch {
    return problem(res, 413, 'Content Too Large', 'The body is over 1 MiB.');
  }
  // A JSON body only: a form post or text/plain "simple request" from another page cannot get here that way.
  if (body !== undefined && !String(req.headers['content-type'] ?? '').startsWith('application/json'))
    return problem(res, 415, 'Unsupported Media Type', 'Send the body as application/json.');
  const url = new URL(target.baseUrl + apiPath);
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  let upstream: Response;
  try {
    Object.assign(headers, await target.authorize({ method, url, headers, body }));
    upstream = await fetch(url, { method, headers, body, redirect: 'manual' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    return problem(res, 502, 'Bad Gateway', `cannot reach ${target.baseUrl}: ${cause}`);
  }
  const out: Record<string, string> = {};
  for (const name of FORWARDED_RESPONSE) {
    const value = upstream.headers.get(name);
    if (value !== null) out[name] = value;
  }
  res.writeHead(upstream.status, out);
  res.end(Buffer.from(await upstream.arrayBuffer()));
}

/** Starts the proxy on 127.0.0.1:`port` (0: any free port). */
export async function startDashboardProxy(options: {
  target: ApiTarget;
  page: DashboardPage;
  port: number;
}): Promise<DashboardProxy> {
  const prefix = `/${randomBytes(12).toString('base64url')}/`;
  const html = renderPage(options.page, prefix);
  const headers = dashboardHeaders(options.page, { auth: 'proxy' });
  let ownHosts: string[] = [];
  const server: Server = createServer((req, res) => {
    const why = refusal(req, ownHosts);
    if (why !== undefined) return problem(res, 403, 'Forbidden', why);
    const path = req.url ?? '/';
    if (!path.startsWith(prefix))
      return problem(res, 404, 'Not Found', 'Open the address kairos dashboard printed.');
    const rest = path.slice(prefix.length - 1);
    if (rest === '/' || rest.startsWith('/?')) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return problem(res, 405, 'Method Not Allowed', 'GET only.');
      res.writeHead(200, headers);
      return res.end(req.method === 'HEAD' ? undefined : html);
    }
    if (!rest.startsWith('/v1/')) return problem(res, 404, 'Not Found', `No page at ${rest}.`);
    forward(options.target, req, res, rest).catch((error: unknown) => {
      if (!res.headersSent) problem(res, 500, 'Internal Server Error', (error as Error).message);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  ownHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
