import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpExecutor } from '../../../lambdas/adapters/executors/http-executor.js';
import { createHttpTargetGuard } from '../../../lambdas/adapters/net/guarded-lookup.js';
import { EMPTY_ALLOW_LIST, parseAllowList } from '../../../lambdas/core/ssrf.js';
import { context, startServer, type TestServer } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/redirect') res.writeHead(302, { location: `${server.url}/inside` }).end();
    else res.end('inside');
  });
});
afterAll(() => server.close());

const port = () => new URL(server.url).port;
const http = (url: string) => ({ type: 'http' as const, url, method: 'GET' as const });

describe('the SSRF guard at create time', () => {
  const guard = createHttpTargetGuard({ allowList: EMPTY_ALLOW_LIST });

  it.each([
    ['http://127.0.0.1:8080/', '127.0.0.1, a loopback address'],
    ['http://10.0.0.1/', '10.0.0.1, a private address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254, the cloud instance metadata address'],
    ['http://[::1]:8080/', '::1, a loopback address'],
    ['http://[::ffff:127.0.0.1]/', 'a loopback address'],
    ['http://localhost:8080/', 'a loopback address'],
  ])('refuses %s', async (url, fragment) => {
    const problems = await guard.check(http(url), '$.target');

    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('$.target.url');
    expect(problems[0]!.message).toContain(`resolves to `);
    expect(problems[0]!.message).toContain(fragment);
    expect(problems[0]!.message).toContain('unless allow-listed (KAIROS_HTTP_ALLOW)');
  });

  it('says so exactly for a loopback literal', async () => {
    const [problem] = await guard.check(http('http://127.0.0.1/'), '$.tasks[2].target');

    expect(problem).toEqual({
      path: '$.tasks[2].target.url',
      message:
        'resolves to 127.0.0.1, a loopback address; http targets may not reach private, loopback or link-local ' +
        'addresses unless allow-listed (KAIROS_HTTP_ALLOW)',
    });
  });

  it('accepts a host that does not resolve here, leaving it to the connect-time check', async () => {
    expect(await guard.check(http('http://no-such-host.invalid/'), '$.target')).toEqual([]);
  });

  it('lets allow-listed ranges and hosts through, and ignores other target types', async () => {
    const allowing = createHttpTargetGuard({ allowList: parseAllowList(['127.0.0.0/8', 'localhost']) });

    expect(await allowing.check(http('http://127.0.0.1/'), '$.target')).toEqual([]);
    expect(await allowing.check(http('http://localhost/'), '$.target')).toEqual([]);
    expect(await guard.check({ type: 'command', command: ['true'] }, '$.target')).toEqual([]);
  });
});

describe('the SSRF guard at connect time', () => {
  const executor = createHttpExecutor({ allowList: EMPTY_ALLOW_LIST });

  it.each([
    ['127.0.0.1', () => `http://127.0.0.1:${port()}/inside`],
    ['10.0.0.1', () => 'http://10.0.0.1/'],
    ['169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/'],
    ['[::1]', () => `http://[::1]:${port()}/inside`],
    ['localhost', () => `http://localhost:${port()}/inside`],
  ])('refuses %s without sending a request', async (_, url) => {
    const before = server.hits.length;

    const outcome = await executor.execute(http(url()), context());

    expect(outcome).toMatchObject({ status: 'failed', error: { type: 'SsrfBlocked', retryable: false } });
    expect((outcome as { error: { message: string } }).error.message).toContain('unless allow-listed');
    expect(server.hits.length).toBe(before);
  });

  it('does not follow a redirect to 127.0.0.1 from an allow-listed host', async () => {
    const allowed = createHttpExecutor({ allowList: parseAllowList(['localhost']) });
    const before = server.hits.length;

    const outcome = await allowed.execute(http(`http://localhost:${port()}/redirect`), context());

    expect(outcome).toMatchObject({ status: 'failed', error: { type: 'HttpRedirect', retryable: false } });
    expect((outcome as { error: { message: string } }).error.message).toContain(`127.0.0.1:${port()}/inside`);
    expect(server.hits.slice(before)).toEqual(['/redirect']);
  });
});
