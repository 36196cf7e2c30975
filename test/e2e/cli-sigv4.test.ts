import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort, runCli, startCliServer } from './support/kairos-cli.js';

/**
 * The CLI against a deployed stack: a local HTTP server stands in for API Gateway, and each request's SigV4
 * signature is recomputed here from the spec with node:crypto alone (canonical request, string to sign,
 * signing key), not with the library the CLI signs with. Nothing reaches AWS: the credentials come from the
 * environment, and instance metadata and config files are shut off (see cliEnv).
 */
const KEY_ID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const REGION = 'eu-west-1';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let endpoint: string;
let seen: Seen[] = [];
const dir = mkdtempSync(join(tmpdir(), 'kairos-cli-sigv4-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      // API Gateway's own refusal of an IAM caller: `{ message }`, not problem+json.
      if (req.url!.startsWith('/prod/v1/jobs/job_denied')) {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'User: arn:aws:iam::123456789012:user/ci is not authorized' }));
      } else if (req.method === 'POST') {
        res.writeHead(201, { 'content-type': 'application/json' });
        const job = {
          ...JSON.parse(body),
          jobId: 'job_signed',
          status: 'ACTIVE',
          version: 1,
          nextRunAt: null,
        };
        res.end(JSON.stringify(job));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ items: [], nextCursor: null }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  seen = [];
});

const credentials = { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: REGION };

// ---- SigV4 from the spec (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html) ----

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
/** RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ is %XX. */
const uriEncode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The signature the request should carry, recomputed from what arrived; plus what the header claimed. */
function recompute(req: Seen) {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      String(req.headers.authorization),
    );
  if (!auth) throw new Error(`not a SigV4 Authorization header: ${req.headers.authorization}`);
  const [, keyId, date, region, service, signedHeaders, signature] = auth;
  const amzDate = String(req.headers['x-amz-date']);
  const url = new URL(req.url, 'http://placeholder');
  // Services other than S3: each path segment, as sent (encoded once), is encoded again.
  const canonicalUri = url.pathname
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
  const canonicalQuery = [...url.searchParams]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names
    .map(
      (name) =>
        `${name}:${String(req.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalRequest = [
    req.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    sha256(req.body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return { keyId, date, region, service, names, amzDate, signature, expected };
}

describe('kairos with --endpoint: SigV4 with the default credential chain', () => {
  it('signs a GET with a query for execute-api in AWS_REGION; the signature checks out', async () => {
    const res = await runCli(
      [
        '--endpoint',
        `${endpoint}/`,
        'jobs',
        'list',
        '--tag',
        'team:data eng',
        '--status',
        'ACTIVE,PAUSED',
        '--limit',
        '5',
      ],
      {
        env: credentials,
      },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe('No jobs match.\n');
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req.method).toBe('GET');
    expect(req.url).toMatch(/^\/prod\/v1\/jobs\?/);
    // A space travels as %20, as SigV4 encodes it (a + would be read as a literal plus by API Gateway).
    expect(req.url).toContain('tag=team%3Adata%20eng');
    const sig = recompute(req);
    expect(sig).toMatchObject({ keyId: KEY_ID, region: REGION, service: 'execute-api' });
    expect(sig.names).toEqual(expect.arrayContaining(['host', 'x-amz-date']));
    expect(sig.amzDate.slice(0, 8)).toBe(sig.date);
    expect(
      Math.abs(
        Date.parse(sig.amzDate.replace(/(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z/, '$1-$2-$3T$4:$5:$6Z')) -
          Date.now(),
      ),
    ).toBeLessThan(60_000);
    expect(sig.signature).toBe(sig.expected);
    expect(req.headers['x-amz-security-token']).toBeUndefined();
  });

  it('signs a POST body and the session token of temporary credentials (KAIROS_ENDPOINT)', async () => {
    const job = join(dir, 'job.json');
    writeFileSync(job, JSON.stringify({ name: 'signed', schedule: { type: 'immediate' } }));
    const res = await runCli(['jobs', 'create', '-f', job, '-o', 'json'], {
      env: { ...credentials, AWS_SESSION_TOKEN: 'session-token-example', KAIROS_ENDPOINT: endpoint },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ jobId: 'job_signed', name: 'signed' });
    const [req] = seen;
    expect(req.method).toBe('POST');
    expect(JSON.parse(req.body)).toEqual({ name: 'signed', schedule: { type: 'immediate' } });
    const sig = recompute(req);
    expect(sig.names).toEqual(
      expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token', 'content-type']),
    );
    expect(req.headers['x-amz-security-token']).toBe('session-token-example');
    expect(sig.signature).toBe(sig.expected);
    // A tampered body would not verify: the check above really covers the payload.
    expect(recompute({ ...req, body: `${req.body} ` }).expected).not.toBe(sig.signature);
  });

  it("shows API Gateway's own refusal ({ message }) as the error, exit 1", async () => {
    const res = await runCli(['--endpoint', endpoint, 'jobs', 'get', 'job_denied'], { env: credentials });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('kairos: Forbidden: User: arn:aws:iam::123456789012:user/ci is not authorized\n');
  });

  it('without a region to sign for: exit 2 saying to set AWS_REGION; without credentials: exit 1', async () => {
    const noRegion = await runCli(['--endpoint', endpoint, 'jobs', 'list'], {
      env: { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET },
    });
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toContain('cannot tell the AWS region of 127.0.0.1');
    expect(noRegion.stderr).toContain('AWS_REGION');
    const noCredentials = await runCli(['--endpoint', endpoint, 'jobs', 'list'], {
      env: { AWS_REGION: REGION },
    });
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr).toMatch(/^kairos: cannot sign the request: .*credentials/i);
    expect(seen).toEqual([]);
  });

  it('with KAIROS_TOKEN set, sends that token (a Cognito ID token) instead of signing', async () => {
    const res = await runCli(['jobs', 'list'], {
      env: { ...credentials, KAIROS_ENDPOINT: endpoint, KAIROS_TOKEN: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(seen[0].headers.authorization).toBe('eyJhbGciOiJSUzI1NiJ9.e30.sig');
    expect(seen[0].headers['x-amz-date']).toBeUndefined();
  });

  it('an endpoint that does not answer: exit 1 naming it', async () => {
    const closed = endpoint.replace(/:\d+\//, `:${await freePort()}/`);
    const res = await runCli(['--endpoint', closed, 'jobs', 'list'], { env: credentials });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`kairos: cannot reach ${closed}: ECONNREFUSED\n`);
  });
});

describe('kairos dashboard: the page on localhost, its API calls signed on the way through', () => {
  const PROXY_URL = /Kairos dashboard for \S+: (http:\/\/127\.0\.0\.1:\d+\/[\w-]+\/)/;

  it('serves the page in proxy mode and forwards its calls to the endpoint, signed', async () => {
    const proxy = await startCliServer(
      ['dashboard', '--endpoint', endpoint, '--port', '0'],
      PROXY_URL,
      credentials,
    );
    try {
      const base = proxy.ready[1];
      const page = await fetch(base);
      expect(page.status).toBe(200);
      const html = await page.text();
      const prefix = new URL(base).pathname;
      expect(html).toContain(`<base href="${prefix}">`);
      expect(html).toContain('<meta name="kairos-config" content="{&quot;auth&quot;:&quot;proxy&quot;}">');
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toMatch(/script-src 'sha256-[\w+/=]+'/);
      expect(csp).toContain("connect-src 'self'");

      const list = await fetch(new URL('v1/jobs?limit=5', base));
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual({ items: [], nextCursor: null });
      const created = await fetch(new URL('v1/jobs', base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: 'session=secret' },
        body: JSON.stringify({ name: 'via-proxy', schedule: { type: 'immediate' } }),
      });
      expect(created.status).toBe(201);
      expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
        'GET /prod/v1/jobs?limit=5',
        'POST /prod/v1/jobs',
      ]);
      for (const req of seen) {
        const sig = recompute(req);
        expect(sig).toMatchObject({ keyId: KEY_ID, region: REGION, service: 'execute-api' });
        expect(sig.signature).toBe(sig.expected);
      }
      expect(seen[1].headers.cookie).toBeUndefined();
    } finally {
      await proxy.stop();
    }
  });

  it('refuses requests it did not serve the page for: no prefix, other origins, other hosts, non-JSON bodies', async () => {
    const proxy = await startCliServer(
      ['dashboard', '--endpoint', endpoint, '--port', '0'],
      PROXY_URL,
      credentials,
    );
    try {
      const base = proxy.ready[1];
      const origin = new URL(base).origin;
      const status = async (url: string | URL, init: RequestInit = {}) => (await fetch(url, init)).status;
      expect(await status(`${origin}/v1/jobs`)).toBe(404);
      expect(await status(new URL('v1/jobs', base), { headers: { origin: 'https://evil.example' } })).toBe(
        403,
      );
      expect(await status(new URL('v1/jobs', base), { headers: { 'sec-fetch-site': 'cross-site' } })).toBe(
        403,
      );
      const textPost = { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' };
      expect(await status(new URL('v1/jobs', base), textPost)).toBe(415);
      expect(await status(new URL('elsewhere', base))).toBe(404);
      // A DNS-rebound name pointing at 127.0.0.1 still says its own name in Host.
      const rebound = await new Promise<number>((resolve, reject) => {
        const url = new URL('v1/jobs', base);
        import('node:http').then(({ request }) =>
          request(url, { headers: { host: 'attacker.example' } }, (res) => resolve(res.statusCode!))
            .on('error', reject)
            .end(),
        );
      });
      expect(rebound).toBe(403);
      expect(seen).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('sends KAIROS_TOKEN instead of signing when it is set', async () => {
    const proxy = await startCliServer(['dashboard', '--port', '0'], PROXY_URL, {
      KAIROS_ENDPOINT: endpoint,
      KAIROS_TOKEN: 'kairos_localtoken',
    });
    try {
      expect((await fetch(new URL('v1/jobs', proxy.ready[1]))).status).toBe(200);
      expect(seen[0].headers.authorization).toBe('Bearer kairos_localtoken');
    } finally {
      await proxy.stop();
    }
  });
});
