import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createDynamoAuditLog } from '../adapters/aws/dynamo-audit-log.js';
import { createDynamoJobStore } from '../adapters/aws/dynamo-job-store.js';
import { createDynamoRunStore } from '../adapters/aws/dynamo-run-store.js';
import { allowListFromEnv, parseAllowList } from '../core/ssrf.js';
import { createApiHandler } from '../handlers/http/app.js';
import type { Clock } from '../ports.js';
import { createAuditTrail } from '../services/audit/audit-trail.js';
import { buildServices } from '../services/build-services.js';
import { localDashboard } from './dashboard-source.js';
import { ensureTables, startEmbeddedDynamo } from './embedded-dynamo.js';
import { createLocalEngine, type LocalEngine } from './engine.js';
import { createApiServer } from './http-server.js';
import { schedulerMaxLateSecondsOf } from './local-scheduler.js';
import { ensureCursorSecret } from './secret.js';
import { ensureAdminToken, openTokenFile } from './tokens.js';

export interface LocalRuntimeOptions {
  /** State directory (DynamoDB data, tokens, secret). @default '.kairos' */
  readonly home: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. @default 8787 */
  readonly port: number;
  /** Clock the services use; tests may pass a travelling one. @default - the system clock */
  readonly clock?: Clock;
  /** Hosts/CIDRs http targets may reach although private or loopback. @default - `KAIROS_HTTP_ALLOW` */
  readonly httpAllowList?: readonly string[];
  /** URL SLA alerts are POSTed to. @default - `KAIROS_ALERT_WEBHOOK`, else alerts are only logged */
  readonly alertWebhook?: string;
  /**
   * Most seconds the EventBridge Scheduler stand-in fires after a schedule's time (0-59; EventBridge fires
   * anywhere in the minute). @default - `KAIROS_SCHEDULER_MAX_LATE_SECONDS`, else 50
   */
  readonly schedulerMaxLateSeconds?: number;
  /** Run the execution engine (queue worker, watcher, scheduler). @default true */
  readonly execute?: boolean;
}

export interface LocalRuntime {
  readonly url: string;
  /** The execution engine, for tests and tools (its queue holds the dead letters). */
  readonly engine: LocalEngine;
  readonly home: string;
  /** The admin token created on first start or kept in `$KAIROS_HOME/token`, if any. */
  readonly adminToken: string | undefined;
  readonly adminTokenCreated: boolean;
  close(): Promise<void>;
}

const TABLE_PREFIX = 'kairos-local';

/** The local runtime: embedded DynamoDB on disk, the production services and handler, an HTTP server. */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const home = resolve(options.home);
  const admin = ensureAdminToken(home);
  const cursorSecret = ensureCursorSecret(home);
  const dynamo = await startEmbeddedDynamo({ path: join(home, 'dynamodb') });
  let server: Server | undefined;
  let engine: LocalEngine;
  try {
    const client = dynamo.client;
    const tables = await ensureTables(client, TABLE_PREFIX);
    const clock = options.clock ?? { now: () => new Date() };
    const allowList = options.httpAllowList
      ? parseAllowList(options.httpAllowList)
      : allowListFromEnv(process.env.KAIROS_HTTP_ALLOW);
    const jobs = createDynamoJobStore({ client, tableName: tables.Jobs, cursorSecret });
    const runs = createDynamoRunStore({ client, tableName: tables.Runs, cursorSecret });
    engine = await createLocalEngine({
      home,
      client,
      tables,
      tablePrefix: TABLE_PREFIX,
      clock,
      allowList,
      jobs,
      runs,
      alertWebhook: options.alertWebhook ?? process.env.KAIROS_ALERT_WEBHOOK,
      schedulerMaxLateSeconds: schedulerMaxLateSecondsOf(
        options.schedulerMaxLateSeconds,
        process.env.KAIROS_SCHEDULER_MAX_LATE_SECONDS,
      ),
    });
    const audit = createAuditTrail({
      log: createDynamoAuditLog({ client, tableName: tables.Audit, cursorSecret }),
      clock,
    });
    const handler = createApiHandler({
      ...buildServices(engine.deps, 'local', allowList, packageVersion()),
      audit,
      dashboard: localDashboard(),
    });
    server = createApiServer({ handler, tokens: openTokenFile(home) });
    await listen(server, options.port);
    if (options.execute !== false) engine.start();
  } catch (error) {
    await dynamo.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const running = server;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    home,
    adminToken: admin.token,
    adminTokenCreated: admin.created,
    engine,
    close: () =>
      (closing ??= (async () => {
        await new Promise<void>((done) => {
          running.close(() => done());
          running.closeAllConnections();
        });
        await engine.stop();
        await dynamo.close();
      })()),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
}

function packageVersion(): string {
  const path = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}
