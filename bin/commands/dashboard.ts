/**
 * `kairos dashboard --endpoint <url>`: the dashboard of a deployed stack that signs with IAM, which a browser
 * cannot do. The page is served on 127.0.0.1 and its API calls go through this process, signed with the
 * caller's AWS credentials (or sent with KAIROS_TOKEN). Without an endpoint it fronts the local runtime.
 */
import { command } from '../cli/command.js';
import { UsageError } from '../cli/errors.js';
import { startDashboardProxy } from '../cli/proxy.js';

const USAGE = `Usage: kairos dashboard [--endpoint <url>] [--port <port>]

Serves the dashboard on 127.0.0.1 and forwards its API calls to the endpoint, signed with SigV4 (default AWS
credential chain) or sent with KAIROS_TOKEN; without an endpoint, to the local runtime with its token. The
address it prints holds a random path: only whoever has it can use the proxy. Runs until Ctrl-C.
  --port <port>    0-65535, 0 picks a free one (default 8788)`;

export const dashboard = command({
  words: ['dashboard'],
  summary: 'the dashboard of a deployed stack, on localhost, signing for the browser',
  usage: USAGE,
  args: [],
  options: { port: { type: 'string' } },
  async run(ctx, values) {
    const raw = values.port ?? '8788';
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port > 65_535)
      throw new UsageError(`--port must be 0-65535, got '${raw}'`, USAGE);
    const target = ctx.api().target;
    // Imported here: esbuild builds the page, and only this command needs it.
    const { buildDashboard } = await import('../../dashboard/build.js');
    const page = await buildDashboard();
    const proxy = await startDashboardProxy({ target, page, port });
    ctx.print(`Kairos dashboard for ${target.baseUrl}: ${proxy.url}\n(Ctrl-C to stop)`);
    const stop = () => {
      proxy.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return 0;
  },
});
