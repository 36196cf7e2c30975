import { Logger } from '@aws-lambda-powertools/logger';

/** Log levels the engine's entries carry (`level`), as Powertools Logger's methods. */
const METHODS = { DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
type Level = keyof typeof METHODS;

/** Where a Lambda function's structured logs and EMF metrics go (docs/adr/0015-lambda-logs-through-powertools.md). */
export interface LambdaLog {
  /** The Powertools Logger: handlers call `addContext(context)` once per invocation. */
  readonly logger: Logger;
  /** The engine's log sink (`EngineDeps.log`): one JSON line per entry, `level` and `message` mapped. */
  readonly log: (entry: Record<string, unknown>) => void;
  /** The engine's metric sink (`EngineDeps.metrics`): each EMF document as its own stdout line. */
  readonly metrics: (line: string) => void;
}

/** Options of {@link createLambdaLog}; everything defaults to the Lambda environment. */
export interface LambdaLogOptions {
  /** `KAIROS_STAGE`, `KAIROS_VERSION` and `KAIROS_LOG_LEVEL` are read from here. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** A logger to use instead of a new one (tests). @default - a new Logger, service `kairos` */
  readonly logger?: Logger;
  /** Writes one metric line. @default process.stdout.write */
  readonly write?: (text: string) => void;
}

function levelOf(value: unknown): Level {
  const level = String(value ?? 'INFO').toUpperCase();
  return level in METHODS ? (level as Level) : 'INFO';
}

/**
 * The log and metric sinks of a Kairos Lambda function, built once per cold start. Logs go through Powertools
 * Logger: JSON on stdout without the runtime's text prefix, with the stage and version, the request id and cold
 * start once the handler added the context, the X-Ray trace id, and `KAIROS_LOG_LEVEL` applied. Metric lines are
 * written to stdout directly, not through `console.log`, so they are whole JSON documents whatever the function's
 * log format (a JSON-format function would wrap a console line in its own envelope, and CloudWatch would not read
 * the metric out of it).
 */
export function createLambdaLog(options: LambdaLogOptions = {}): LambdaLog {
  const env = options.env ?? process.env;
  const logger =
    options.logger ??
    new Logger({
      serviceName: 'kairos',
      logLevel: levelOf(env.KAIROS_LOG_LEVEL),
      persistentKeys: {
        ...(env.KAIROS_STAGE ? { stage: env.KAIROS_STAGE } : {}),
        ...(env.KAIROS_VERSION ? { version: env.KAIROS_VERSION } : {}),
      },
    });
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  return {
    logger,
    log: (entry) => {
      const { level, message, ...attributes } = entry;
      logger[METHODS[levelOf(level)]](String(message ?? ''), attributes);
    },
    metrics: (line) => write(`${line}\n`),
  };
}
