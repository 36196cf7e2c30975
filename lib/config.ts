import type { Node } from 'constructs';
import { z } from 'zod';

/** The deployment settings of one Kairos stage, read from CDK context (`cdk.json` or `-c key=value`). */
export interface KairosConfig {
  /** Stage name: prefix of the stack id (`Kairos-<stage>`) and the API stage. @default 'dev' */
  readonly stage: string;
  /** Shards per Schedule time bucket (≥ 16 keeps one minute's timers under 1,000 WCU per partition). @default 16 */
  readonly scheduleShards: number;
  /** Days a finished run stays in the Runs table before DynamoDB TTL removes it. @default 30 */
  readonly runRetentionDays: number;
  /** What happens to stateful resources when the stack is deleted. @default 'retain' */
  readonly removalPolicy: 'retain' | 'destroy';
  /** Minimum level the Lambda functions log at. @default 'INFO' */
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

/** `-c key=42` arrives as the string "42"; accept whole-number strings as numbers, reject anything else. */
const integer = (min: number, max?: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    max === undefined ? z.number().int().min(min) : z.number().int().min(min).max(max),
  );

interface Setting<T> {
  readonly schema: z.ZodType<T>;
  readonly fallback: T;
  /** Human-readable allowed values, quoted in the error message. */
  readonly allowed: string;
}

const SETTINGS: { readonly [K in keyof KairosConfig]: Setting<KairosConfig[K]> } = {
  stage: {
    schema: z.string().regex(/^[a-z][a-z0-9-]{0,15}$/),
    fallback: 'dev',
    allowed:
      'a lower-case name matching /^[a-z][a-z0-9-]{0,15}$/ (1-16 chars: a-z, 0-9, "-", starting with a letter)',
  },
  scheduleShards: { schema: integer(16), fallback: 16, allowed: 'an integer ≥ 16' },
  runRetentionDays: { schema: integer(1, 3650), fallback: 30, allowed: 'an integer from 1 to 3650' },
  removalPolicy: {
    schema: z.enum(['retain', 'destroy']),
    fallback: 'retain',
    allowed: '"retain" or "destroy"',
  },
  logLevel: {
    schema: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    fallback: 'INFO',
    allowed: '"DEBUG", "INFO", "WARN" or "ERROR"',
  },
};

/** The CDK context key of a setting, e.g. `kairos:scheduleShards`. */
export function contextKey(name: keyof KairosConfig): string {
  return `kairos:${name}`;
}

function readSetting<K extends keyof KairosConfig>(node: Node, name: K): KairosConfig[K] {
  const key = contextKey(name);
  const setting = SETTINGS[name];
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return setting.fallback;
  const parsed = setting.schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid CDK context value for '${key}': got ${JSON.stringify(raw)}; allowed: ${setting.allowed} ` +
        `(default ${JSON.stringify(setting.fallback)})`,
      { cause: { key, issues: parsed.error.issues } },
    );
  }
  return parsed.data;
}

/**
 * Reads and validates every `kairos:*` context value once, at synth time.
 * @throws Error naming the context key and its allowed values when a value is invalid.
 */
export function readConfig(node: Node): KairosConfig {
  return {
    stage: readSetting(node, 'stage'),
    scheduleShards: readSetting(node, 'scheduleShards'),
    runRetentionDays: readSetting(node, 'runRetentionDays'),
    removalPolicy: readSetting(node, 'removalPolicy'),
    logLevel: readSetting(node, 'logLevel'),
  };
}
