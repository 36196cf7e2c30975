import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpExecutor } from '../../../lambdas/adapters/executors/http-executor.js';
import { allowListFromEnv } from '../../../lambdas/core/ssrf.js';
import { createHttpTaskHandler, type HttpTaskRequest } from '../../../lambdas/handlers/http-task.js';
import { startTargetServer } from '../../e2e/support/target-server.js';

type Server = Awaited<ReturnType<typeof startTargetServer>>;

const context = { getRemainingTimeInMillis: () => 30_000 };

const request = (url: string): HttpTaskRequest => ({
  runId: 'run_01HZY3',
  taskId: 'notify',
  attempt: 0,
  input: { payload: { hello: 'world' } },
  target: { type: 'http', url, method: 'POST' },
});

/** What the handler threw, or fails the test when it answered. */
async function thrown(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the handler did not throw');
}

describe('http task handler', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startTargetServer({ '/ok': [200], '/broken': [500] });
  });
  afterAll(() => server.close());

  // The local server listens on 127.0.0.1, which the SSRF guard refuses unless allowed.
  const allowed = createHttpTaskHandler({
    executor: createHttpExecutor({ allowList: allowListFromEnv('127.0.0.1') }),
  });
  const guarded = createHttpTaskHandler({
    executor: createHttpExecutor({ allowList: allowListFromEnv(undefined) }),
  });

  it('answers the succeeded outcome with the response as output', async () => {
    const result = await allowed(request(server.url('/ok')), context);
    expect(result.status).toBe('succeeded');
    expect(result.output).toMatchObject({ status: 200, truncated: false });
    expect(JSON.parse(result.output?.body ?? '')).toMatchObject({ path: '/ok', status: 200 });
    expect(server.hits('/ok')).toHaveLength(1);
  });

  it("throws a 500 as an Error named after the executor's error type, for Retry and Catch", async () => {
    const error = await thrown(allowed(request(server.url('/broken')), context));
    expect(error.name).toBe('HttpError');
    expect(error.message).toContain('HTTP 500');
  });

  it('refuses a private address without the allow list (SSRF guard), never reaching it', async () => {
    const before = server.hits('/ok').length;
    const error = await thrown(guarded(request(server.url('/ok')), context));
    expect(error.name).toBe('SsrfBlocked');
    expect(server.hits('/ok')).toHaveLength(before);
  });

  it('throws InvalidRequest for a Payload that is not an http task', async () => {
    const error = await thrown(
      allowed({ ...request(server.url('/ok')), target: { type: 'lambda', functionArn: 'x' } }, context),
    );
    expect(error.name).toBe('InvalidRequest');
  });

  it("times out within the Lambda's remaining time less the margin", async () => {
    const hanging = createHttpTaskHandler({
      executor: createHttpExecutor({ allowList: allowListFromEnv('127.0.0.1') }),
      marginMs: 1_000,
    });
    // 1 s remaining, 1 s margin: no time at all, so the request is aborted as a timeout.
    const error = await thrown(
      hanging(request(server.url('/ok')), { getRemainingTimeInMillis: () => 1_000 }),
    );
    expect(error.name).toBe('Timeout');
  });

  it('takes the target as the JSON text the definition passes, and keeps each attempt in the task log', async () => {
    const files = new Map<string, string>();
    const key = (ref: { runId: string; attempt: number; taskId: string }) =>
      `runs/${ref.runId}/${ref.attempt}/tasks/${ref.taskId}/log.txt`;
    const http = createHttpExecutor({ allowList: allowListFromEnv('127.0.0.1') });
    const targets: unknown[] = [];
    const logged = createHttpTaskHandler({
      executor: {
        execute: (target, ctx) => {
          targets.push(target);
          return http.execute(target, ctx);
        },
      },
      artifacts: {
        async putTaskFile(ref, _file, body) {
          files.set(key(ref), body);
          return { uri: `s3://b/${key(ref)}`, key: key(ref), bytes: body.length };
        },
        getTaskLog: async (ref) => files.get(key(ref)),
      },
    });
    const target = JSON.stringify({
      type: 'http',
      url: server.url('/ok'),
      method: 'POST',
      headers: { 'x.$': '$.a' },
    });
    // Attempt 2 of the run's second execution (`-a2`), after a first try that failed.
    const first = { ...request(server.url('/broken')), runId: 'run_01HZY3-a2' };
    await thrown(logged(first, context));
    const result = await logged({ ...first, attempt: 1, target }, context);
    expect(result.status).toBe('succeeded');
    // The header reached the executor under its own name: nothing evaluated it as a path.
    expect(targets.at(-1)).toMatchObject({ headers: { 'x.$': '$.a' } });
    const log = files.get('runs/run_01HZY3/2/tasks/notify/log.txt') ?? '';
    expect(log).toMatch(/--- attempt 1: failed\n[\s\S]*HTTP 500[\s\S]*--- attempt 2: succeeded\n/);
  });

  it('answers output null, never absent, so the state can always read it', async () => {
    const fails = createHttpTaskHandler({
      executor: { execute: async () => ({ status: 'succeeded', log: '' }) },
    });
    expect(await fails(request(server.url('/ok')), context)).toEqual({ status: 'succeeded', output: null });
  });
});
