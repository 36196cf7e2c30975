/** Settings of the Lambdas that plan and move timers, read once at cold start from the environment. */
import { requireEnv } from './config.js';
import type { Lane } from './core/messages.js';
import { MAX_SHARDS } from './core/time-buckets.js';

export interface TimerConfig {
  /** Physical name of the Schedule table. */
  readonly scheduleTable: string;
  /** Shards per time bucket. */
  readonly shards: number;
  /** Queue URL of each dispatch lane. */
  readonly queueUrls: Readonly<Record<Lane, string>>;
}

/**
 * Reads `KAIROS_SCHEDULE_TABLE`, `KAIROS_SCHEDULE_SHARDS` and `KAIROS_QUEUE_URL_HIGH|NORMAL|LOW`, failing
 * with the variable's name when one is missing or malformed.
 */
export function readTimerConfig(env: NodeJS.ProcessEnv = process.env): TimerConfig {
  const rawShards = requireEnv(env, 'KAIROS_SCHEDULE_SHARDS');
  const shards = Number(rawShards);
  if (!/^\d+$/.test(rawShards) || shards < 1 || shards > MAX_SHARDS) {
    throw new Error(`KAIROS_SCHEDULE_SHARDS must be an integer in [1, ${MAX_SHARDS}], got '${rawShards}'`, {
      cause: { package: 'kairos/config' },
    });
  }
  return {
    scheduleTable: requireEnv(env, 'KAIROS_SCHEDULE_TABLE'),
    shards,
    queueUrls: {
      high: requireEnv(env, 'KAIROS_QUEUE_URL_HIGH'),
      normal: requireEnv(env, 'KAIROS_QUEUE_URL_NORMAL'),
      low: requireEnv(env, 'KAIROS_QUEUE_URL_LOW'),
    },
  };
}
