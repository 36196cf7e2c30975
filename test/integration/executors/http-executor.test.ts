import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpExecutor, type HttpTarget } from '../../../lambdas/adapters/executors/http-executor.js';
import { parseAllowList } from '../../../lambdas/core/ssrf.js';
import { context, reason, startServer, type TestServer } from './support.js';

const readBody = async (req: IncomingMessage): Promise<string> => {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
};

let server: TestServer;
beforeAll(async () => {
  server = await startServer(async (req, res) => {
    const path = req.url ?? '/';
    if (path === '/echo') {
      const body = await readBody(req);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
    } else if (path.startsWith('/status/')) {
      res.statusCode = Number(path.slice('/status/'.length));
      res.end(`status ${res.statusCode}`);
    } else if (path === '/redirect') {
      res.writeHead(302, { location: `${server.url}/echo` }).end();
    } else if (path === '/slow') {
      setTimeout(() => res.end('late'), 10_000).unref();
    } else if (path === '/large') {
      res.on('error', () => {}); // the client hangs up after 64 KB
      res.end('x'.repeat(200 * 1024));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
});
afterAll(() => server.close());

const executor = createHttpExecutor({ allowList: parseAllowList(['127.0.0.1']) });
const target = (path: string, extra: Partial<HttpTarget> = {}): HttpTarget => ({
  type: 'http',
  url: `${server.url}${path}`,
  method: 'POST',
  ...extra,
});

describe('http executor against a local server', () => {
  it('succeeds on 200 and sends the payload as JSON with the run headers', async () => {
    const outcome = await executor.execute(target('/echo'), context({ attempt: 2 }));

    expect(outcome.status).toBe('succeeded');
    const output = (outcome as { output: any }).output;
    expect(output).toMatchObject({ status: 200, truncated: false });
    const echoed = JSON.parse(output.body);
    expect(echoed).toMatchObject({ method: 'POST', body: '{"hello":"world"}' });
    expect(echoed.headers).toMatchObject({
      'content-type': 'application/json',
      'kairos-run-id': 'run_test',
      'kairos-attempt': '2',
    });
    expect(outcome.log).toContain(`POST ${server.url}/echo`);
    expect(outcome.log).toContain('HTTP 200 OK');
  });

  it("sends the target's own body and headers (a string as is) and no payload on GET", async () => {
    const withBody = await executor.execute(
      target('/echo', { method: 'PUT', body: 'plain text', headers: { 'Content-Type': 'text/plain' } }),
      context(),
    );
    const get = await executor.execute(target('/echo', { method: 'GET' }), context());

    const echoed = JSON.parse((withBody as { output: any }).output.body);
    expect(echoed).toMatchObject({ method: 'PUT', body: 'plain text' });
    expect(echoed.headers['content-type']).toBe('text/plain');
    expect(JSON.parse((get as { output: any }).output.body)).toMatchObject({ method: 'GET', body: '' });
  });

  it.each([
    [500, true],
    [503, true],
    [408, true],
    [429, true],
    [404, false],
    [400, false],
  ])('classifies HTTP %i as a failed attempt (retryable: %s)', async (status, retryable) => {
    const outcome = await executor.execute(target(`/status/${status}`), context());

    expect(outcome).toMatchObject({ status: 'failed', error: { type: 'HttpError', retryable } });
    expect((outcome as { error: { message: string } }).error.message).toContain(`HTTP ${status}`);
    expect((outcome as { output: any }).output).toMatchObject({ status, body: `status ${status}` });
  });

  it('does not follow a redirect: a failed, non-retryable attempt naming the Location', async () => {
    const hitsBefore = server.hits.filter((h) => h === '/echo').length;

    const outcome = await executor.execute(target('/redirect'), context());

    expect(outcome).toMatchObject({ status: 'failed', error: { type: 'HttpRedirect', retryable: false } });
    expect((outcome as { error: { message: string } }).error.message).toContain(`${server.url}/echo`);
    expect(server.hits.filter((h) => h === '/echo').length).toBe(hitsBefore);
  });

  it('times out through its own budget and through the caller signal', async () => {
    const started = Date.now();
    const byBudget = await executor.execute(target('/slow'), context({ timeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(byBudget).toMatchObject({ status: 'failed', error: { type: 'Timeout', retryable: true } });

    const controller = new AbortController();
    setTimeout(() => controller.abort(reason('CancelledError', 'cancelled by alice')), 100);
    const bySignal = await executor.execute(target('/slow'), context({ signal: controller.signal }));
    expect(bySignal).toMatchObject({
      status: 'failed',
      error: { type: 'Cancelled', message: 'cancelled by alice', retryable: false },
    });
  });

  it('keeps only the first 64 KB of a large body', async () => {
    const outcome = await executor.execute(target('/large', { method: 'GET' }), context());

    const output = (outcome as { output: any }).output;
    expect(outcome.status).toBe('succeeded');
    expect(output.truncated).toBe(true);
    expect(output.body).toHaveLength(64 * 1024);
  });

  it('reports a refused connection as a retryable ConnectionError', async () => {
    const closed = await startServer(() => {});
    await closed.close();

    const outcome = await executor.execute({ ...target('/'), url: `${closed.url}/` }, context());

    expect(outcome).toMatchObject({ status: 'failed', error: { type: 'ConnectionError', retryable: true } });
    expect((outcome as { error: { message: string } }).error.message).toContain('ECONNREFUSED');
  });
});
