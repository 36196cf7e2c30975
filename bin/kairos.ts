/**
 * The `kairos` command (README, CLI): the local runtime, the API client commands, and local tools (preview,
 * dag compile, tokens). Built into dist/kairos.mjs by scripts/build-cli.ts; `npm run kairos --` runs it from
 * source.
 */
import { runCli } from './cli/main.js';
import { COMMANDS } from './commands/index.js';

// The AWS SDK warns on stderr about Node 20 support on first use; a CLI's stderr is for the user's errors.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `kairos … | head`: once the reader has gone, stop quietly, as cat and grep do, instead of a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

const code = await runCli(COMMANDS, process.argv.slice(2), process);
// exitCode, not exit(): output still buffered for a pipe is written before the process ends.
process.exitCode = code;
