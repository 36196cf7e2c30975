/** Helpers of the executor integration tests: an execution context and a local HTTP server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from '../../../lambdas/ports.js';

/** A context whose signal the test controls; `timeoutMs` is generous unless given. */
export function context(overrides: Partial<ExecutionContext> = {}): ExecutionContext {
  return {
    jobId: 'job_test',
    runId: 'run_test',
    attempt: 1,
    payload: { hello: 'world' },
    timeoutMs: 20_000,
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** An abort reason shaped like the dispatcher's. */
export function reason(name: 'TimeoutError' | 'CancelledError', message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

export interface TestServer {
  readonly url: string;
  readonly hits: string[];
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1 on a free port; every request's path is recorded in `hits`. */
export async function startServer(handler: http.RequestListener): Promise<TestServer> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
