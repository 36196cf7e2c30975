#!/usr/bin/env -S npx tsx
/**
 * The `kairos` command. `kairos local` runs the local runtime; `kairos token create --role <role>` adds a
 * local API token; `kairos dag compile <file>` prints a DAG's state machine. (The API client commands arrive with
 * the CLI issue.)
 */
import { parseArgs } from 'node:util';
import { ValidationError } from '../lambdas/core/errors.js';
import { isRole, ROLES } from '../lambdas/core/roles.js';
import { startLocalRuntime } from '../lambdas/local/runtime.js';
import { createToken } from '../lambdas/local/tokens.js';
import { dagCompile } from './commands/dag-compile.js';

const USAGE = `Usage:
  kairos local [--port <port>] [--home <dir>]        run Kairos locally (env: KAIROS_PORT, KAIROS_HOME)
  kairos token create --role <viewer|operator|admin> [--home <dir>]
  kairos dag compile <job-or-tasks.json> [--level-by-level]   print the DAG's Amazon States Language
`;

class UsageError extends Error {}

function homeOf(flag: string | undefined): string {
  return flag ?? process.env.KAIROS_HOME ?? '.kairos';
}

async function runLocal(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, home: { type: 'string' } } });
  const rawPort = values.port ?? process.env.KAIROS_PORT ?? '8787';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65_535)
    throw new UsageError(`--port must be 0-65535, got '${rawPort}'`);
  const runtime = await startLocalRuntime({ home: homeOf(values.home), port });
  // One write, so whoever reads the URL line has the token lines too.
  const banner = [`Kairos ${runtime.url} (state in ${runtime.home})`];
  if (runtime.adminTokenCreated) banner.push(`Created an admin token, saved in ${runtime.home}/token:`);
  if (runtime.adminToken) banner.push(`  export KAIROS_TOKEN=${runtime.adminToken}`);
  process.stdout.write(`${banner.join('\n')}\n`);
  const stop = (signal: string) => {
    console.log(`${signal}: shutting down`);
    runtime.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

function runToken(args: string[]): void {
  const [verb, ...rest] = args;
  if (verb !== 'create') throw new UsageError(`unknown token command '${verb ?? ''}'`);
  const { values } = parseArgs({
    args: rest,
    options: { role: { type: 'string' }, home: { type: 'string' } },
  });
  if (!isRole(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  console.log(createToken(homeOf(values.home), values.role));
}

function runDag(args: string[]): void {
  const [verb, ...rest] = args;
  if (verb !== 'compile') throw new UsageError(`unknown dag command '${verb ?? ''}'`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { 'level-by-level': { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('dag compile takes one file');
  process.stdout.write(`${dagCompile({ file: positionals[0], levelByLevel: values['level-by-level'] })}\n`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'local') return runLocal(args);
  if (command === 'token') return runToken(args);
  if (command === 'dag') return runDag(args);
  if (command === undefined || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  throw new UsageError(`unknown command '${command}'`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`kairos: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (error instanceof ValidationError) {
    const lines = error.problems.map((p) => `  ${p.path}: ${p.message}`);
    process.stderr.write(`kairos: ${error.message}\n${lines.join('\n')}\n`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
