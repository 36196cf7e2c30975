/**
 * Text for times, durations and definitions. Pure (every "now" is a parameter) so it is unit-tested in Node and
 * renders the same in any browser. Instants are shown in UTC, like the API; fire times also in the job's zone.
 */
import type { DstChange } from '../../lambdas/core/schedule/dst.js';
import type { Target } from './api-types.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-25 01:00:05 UTC` (seconds only when asked: runs need them, schedules do not). */
export function formatUtc(iso: string | null | undefined, options: { seconds?: boolean } = {}): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${options.seconds ? `:${pad(d.getUTCSeconds())}` : ''}`;
  return `${date} ${time} UTC`;
}

/**
 * `Sun 2027-03-28 03:00` as the wall clock in `timezone` shows it; in UTC (said so) should the browser's time
 * zone data not know the zone.
 */
export function formatInZone(iso: string, timezone: string): string {
  let format: Intl.DateTimeFormat;
  try {
    format = zoneFormat(timezone);
  } catch {
    return formatUtc(iso);
  }
  const parts = format.formatToParts(new Date(iso));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')} ${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

function zoneFormat(timezone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}

/** `850 ms`, `1.2 s`, `3 min 4 s`, `2 h 5 min`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** `in 3 h`, `5 min ago`, `just now`: coarse on purpose, the exact instant is in the element's title. */
export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const diff = Date.parse(iso) - now;
  if (Number.isNaN(diff)) return iso;
  const abs = Math.abs(diff);
  if (abs < 5_000) return 'just now';
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  const [size, unit] = units.find(([size]) => abs >= size) ?? [1000, 's'];
  const text = `${Math.floor(abs / size)} ${unit}`;
  return diff > 0 ? `in ${text}` : `${text} ago`;
}

/** How long something ran: to its end, or to `now` while it still runs; undefined before it started. */
export function elapsedMs(item: { startedAt?: string; endedAt?: string }, now: number): number | undefined {
  if (!item.startedAt) return undefined;
  const end = item.endedAt ? Date.parse(item.endedAt) : now;
  return end - Date.parse(item.startedAt);
}

/** `Clocks go forward 60 min at 02:00 local` — the note next to a fire time on a DST day. */
export function formatDstChange(change: DstChange, timezone: string): string {
  const direction = change.kind === 'forward' ? 'forward' : 'back';
  const at = formatInZone(change.at, timezone).slice(-5);
  return `DST day: clocks go ${direction} ${formatShift(change.shiftMinutes)} at ${at}`;
}

function formatShift(minutes: number): string {
  const m = Math.abs(minutes);
  if (m % 60 === 0) return `${m / 60} h`;
  return `${m} min`;
}

/** One line per target type, enough to recognise it in a table. */
export function describeTarget(target: Target | undefined): string {
  if (!target) return '—';
  switch (target.type) {
    case 'http':
      return `HTTP ${target.method ?? 'POST'} ${target.url ?? ''}`.trim();
    case 'lambda':
      return `Lambda ${target.functionArn ?? ''}`.trim();
    case 'fargate':
      return `Fargate ${target.taskDefinitionArn ?? ''}`.trim();
    case 'stepfunctions':
      return `Step Functions ${target.stateMachineArn ?? ''}`.trim();
    case 'command':
      return `Command ${(target.command ?? []).join(' ')}`.trim();
    default:
      return target.type;
  }
}

/** `team:data` for each tag, sorted so rows compare at a glance. */
export function formatTags(tags: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(tags ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}:${v}`);
}

/** `97.5%` of runs that met the SLA; `—` when nothing ran. */
export function formatCompliance(runs: number, missed: number): string {
  if (runs <= 0) return '—';
  const pct = (100 * Math.max(0, runs - missed)) / runs;
  return `${pct === 100 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/** `1,234`, so counts read alike in every locale the browser may have. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** An error as one line: `Type: message`, whatever shape it came in. */
export function formatError(error: unknown): string {
  if (error === undefined || error === null) return '';
  if (typeof error === 'string') return error;
  if (typeof error === 'object') {
    const e = error as { type?: unknown; message?: unknown };
    const message = typeof e.message === 'string' ? e.message : JSON.stringify(error);
    return typeof e.type === 'string' ? `${e.type}: ${message}` : message;
  }
  return String(error);
}
