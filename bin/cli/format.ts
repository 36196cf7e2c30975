/** How the tables show times, durations, tags and errors. */
import { zoneOffsetMs } from '../../lambdas/core/schedule/timezone.js';

/** `2026-11-25 01:00:00Z`: UTC like the API, but readable at a glance; undefined stays undefined. */
export function formatTime(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `850ms`, `12.3s`, `4m05s`, `2h07m`, `3d04h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${pad(Math.floor(s % 60))}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d${pad(h % 24)}h`;
}

/** Between two instants, or undefined when either is missing. */
export function durationBetween(start?: string, end?: string): string | undefined {
  if (!start || !end) return undefined;
  return formatDuration(Date.parse(end) - Date.parse(start));
}

/** `team:data env:prod`, in the `key:value` form `jobs list --tag` takes. */
export function formatTags(tags: Record<string, string> | undefined): string | undefined {
  const entries = Object.entries(tags ?? {});
  return entries.length === 0 ? undefined : entries.map(([k, v]) => `${k}:${v}`).join(' ');
}

export interface ErrorLike {
  readonly type?: string;
  readonly message?: string;
}

/** `Timeout: no answer in 30 s` from a run's or attempt's error. */
export function formatError(error: ErrorLike | undefined): string | undefined {
  if (!error) return undefined;
  if (error.type && error.message) return `${error.type}: ${error.message}`;
  return error.message ?? error.type;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function offsetText(ms: number): string {
  const minutes = Math.abs(ms) / 60_000;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${ms < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** `Sun 2027-03-28 03:00 +02:00`: the wall clock in the zone, with its offset so it is unambiguous. */
export function localTime(time: Date, tz: string): string {
  const offset = zoneOffsetMs(tz, time.getTime());
  const wall = new Date(time.getTime() + offset);
  const text = wall.toISOString();
  return `${WEEKDAYS[wall.getUTCDay()]} ${text.slice(0, 10)} ${text.slice(11, 16)} ${offsetText(offset)}`;
}
