/** `kairos local`: the local runtime (embedded DynamoDB, queues, scheduler, API) in this process. */
import { command } from '../cli/command.js';
import { UsageError } from '../cli/errors.js';

const USAGE = `Usage: kairos local [--port <port>] [--home <dir>]

Runs Kairos locally on 127.0.0.1 until Ctrl-C; state survives restarts.
  --port <port>    0-65535, 0 picks a free one (else KAIROS_PORT, else 8787)
  --home <dir>     state directory (else KAIROS_HOME, else .kairos)`;

/**
 * Local `lambda` targets name TypeScript modules (functions.json) that are imported in this process; the built
 * CLI is plain JavaScript, so it brings the TypeScript loader itself unless it already runs under tsx.
 */
async function ensureTypeScriptLoader(): Promise<void> {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (flags.includes('tsx')) return;
  // Both hooks, as `node --import tsx` registers them: a .ts file outside an ESM package loads as CommonJS.
  const [esm, cjs] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  esm.register();
  cjs.register();
}

export const local = command({
  words: ['local'],
  summary: 'run Kairos locally',
  usage: USAGE,
  args: [],
  options: { port: { type: 'string' } },
  async run(ctx, values) {
    const rawPort = values.port ?? ctx.env.KAIROS_PORT ?? '8787';
    const port = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || port > 65_535)
      throw new UsageError(`--port must be 0-65535, got '${rawPort}'`, USAGE);
    await ensureTypeScriptLoader();
    // Imported here, not at the top: the runtime and its dependencies load only for this command.
    const { startLocalRuntime } = await import('../../lambdas/local/runtime.js');
    const runtime = await startLocalRuntime({ home: ctx.home, port });
    // One write, so whoever reads the URL line has the token lines too.
    const banner = [`Kairos ${runtime.url} (state in ${runtime.home})`];
    if (runtime.adminTokenCreated) banner.push(`Created an admin token, saved in ${runtime.home}/token:`);
    if (runtime.adminToken) banner.push(`  export KAIROS_TOKEN=${runtime.adminToken}`);
    // The token rides in the URL fragment, which the browser never sends to a server (ADR 0016).
    if (runtime.adminToken) banner.push(`Dashboard: ${runtime.url}/#token=${runtime.adminToken}`);
    ctx.print(banner.join('\n'));
    const stop = (signal: string) => {
      ctx.print(`${signal}: shutting down`);
      runtime.close().then(
        () => process.exit(0),
        (error: unknown) => {
          ctx.stderr.write(`shutdown failed: ${(error as Error).stack ?? String(error)}\n`);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    return undefined;
  },
});
