/**
 * Keys of the Schedule table's time buckets (pure: every instant is an argument, nothing reads the clock).
 * A timer lives in partition `<minute>#<shard>` under sort key `<dueAtMs>#<timerId>`, so one minute's timers
 * spread over `shards` partitions and a bucket reads back in due order.
 */
import { jsonDigest } from './ids.js';
import type { DispatchMessage } from './messages.js';

/** How far ahead the watcher moves timers into the queues; equals SQS's longest delay (900 s). */
export const WATCH_HORIZON_MS = 15 * 60_000;

/** The shard part of a bucket key has two digits. */
export const MAX_SHARDS = 100;

const MINUTE_MS = 60_000;
/** Digits of the due time in a sort key: enough for any instant up to the year 33658, so keys sort as numbers. */
const DUE_DIGITS = 15;
const MAX_DUE_MS = 10 ** DUE_DIGITS - 1;

function checkInstant(ms: number, what: string): void {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_DUE_MS) {
    throw new RangeError(`${what} must be a whole number of milliseconds in [0, ${MAX_DUE_MS}], got ${ms}.`);
  }
}

function checkShards(shards: number): void {
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
    throw new RangeError(`The shard count must be an integer in [1, ${MAX_SHARDS}], got ${shards}.`);
  }
}

/** The start of the minute holding `ms`. */
export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** Partition key of a time bucket: `YYYY-MM-DDTHH:MM#SS` for the minute holding `minuteMs` and a shard. */
export function bucketKey(minuteMs: number, shard: number): string {
  checkInstant(Math.floor(minuteMs), 'A bucket minute');
  if (!Number.isInteger(shard) || shard < 0 || shard >= MAX_SHARDS) {
    throw new RangeError(`A shard must be an integer in [0, ${MAX_SHARDS - 1}], got ${shard}.`);
  }
  const minute = new Date(minuteOf(minuteMs)).toISOString().slice(0, 16);
  return `${minute}#${String(shard).padStart(2, '0')}`;
}

/**
 * The shard of a timer id in `[0, shards)`: 32-bit FNV-1a. It must stay stable across processes and releases:
 * the watcher scans every shard, so a changed hash would lose nothing, but the same timer written before and
 * after the change would land in two items and fire twice.
 */
export function shardOf(id: string, shards: number): number {
  checkShards(shards);
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** Sort key of a timer: the due time zero-padded (so string order is time order), `#`, the timer id. */
export function dueKey(dueAtMs: number, timerId: string): string {
  checkInstant(dueAtMs, 'A due time');
  return `${String(dueAtMs).padStart(DUE_DIGITS, '0')}#${timerId}`;
}

/**
 * The smallest sort key of anything due after `untilMs`: every `dueKey(d, id)` with `d <= untilMs` sorts below
 * it and every one with `d > untilMs` at or above it, so `due < dueKeyAfter(untilMs)` selects "due by then".
 */
export function dueKeyAfter(untilMs: number): string {
  checkInstant(untilMs + 1, 'A due bound');
  return String(untilMs + 1).padStart(DUE_DIGITS, '0');
}

/** Every bucket key of every minute from the one holding `fromMs` to the one holding `toMs`, all shards each. */
export function bucketsBetween(fromMs: number, toMs: number, shards: number): string[] {
  checkShards(shards);
  const keys: string[] = [];
  for (let minute = minuteOf(fromMs); minute <= minuteOf(toMs); minute += MINUTE_MS) {
    for (let shard = 0; shard < shards; shard++) keys.push(bucketKey(minute, shard));
  }
  return keys;
}

/**
 * The id of the timer carrying `message`: a digest of its canonical JSON, so writing the same timer twice
 * (a retried request, a replayed event) lands on the same item instead of adding a second one.
 */
export function timerIdOf(message: DispatchMessage): string {
  return `${message.kind}-${jsonDigest(message).slice(0, 22)}`;
}
